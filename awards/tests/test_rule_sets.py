import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards import services
from awards.models import RuleParameter, RuleSet, parse_value
from awards.selectors import RuleBook, RuleSetMissing, rule_parameters, rule_set_change_log

from .factories import RuleParameterFactory, RuleSetFactory, current_rule_set

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize("day, expected", [
    (D(2017, 9, 15), "Nghị định 91/2017"),
    (D(2023, 12, 31), "Nghị định 91/2017"),
    (D(2024, 1, 1), "Nghị định 98/2023"),
    (D(2025, 6, 30), "Nghị định 98/2023"),
    (D(2025, 7, 1), "Nghị định 152/2025"),
    (D(2030, 1, 1), "Nghị định 152/2025"),
])
def test_the_rule_set_in_force_on_boundary_dates(day, expected):
    assert expected in RuleSet.objects.valid_on(day).name
    assert expected in rule_parameters(day).rule_set.name


def test_no_rule_set_before_the_first_one():
    assert RuleSet.objects.valid_on(D(2017, 9, 14)) is None
    with pytest.raises(RuleSetMissing):
        rule_parameters(D(2017, 9, 14))


def test_every_seeded_rule_set_has_the_same_parameter_keys():
    keys = [set(rs.parameters.values_list("key", flat=True)) for rs in RuleSet.objects.all()]

    assert len(keys) == 3 and keys[0] == keys[1] == keys[2]
    assert len(keys[0]) >= 40


def test_parameters_are_typed():
    params = rule_parameters(D(2024, 5, 1))

    assert params["cstdn_cstdcs_consecutive_years"] == 3
    assert params["council_vote_share_high_percent"] == Decimal("90")
    assert params["cash_multiplier_ldtt"] == Decimal("0.3")
    assert params["thematic_awards_count_for_prerequisites"] is False
    assert params["merged_org_titles_count_for_successor"] is False
    assert params["emulation_registration_required"] is False
    # Unverified since 2024: the members entitled to vote on the item (issue 5); the 2017 rule
    # (Decree 91/2017 Art. 45.8, verified) counts all members.
    assert params["council_vote_denominator"] == "entitled_members"
    assert rule_parameters(D(2020, 1, 1))["council_vote_denominator"] == "total_members"


@pytest.mark.parametrize("day, enabled, initiative, share", [
    (D(2023, 12, 31), True, True, Decimal("50")),
    (D(2024, 1, 1), False, False, Decimal("70")),
    (D(2025, 7, 1), False, False, Decimal("70")),
])
def test_values_that_changed_with_the_law(day, enabled, initiative, share):
    params = rule_parameters(day)

    assert params["cstdcs_quota_enabled"] is enabled
    assert params["cstdcs_ldtt_quota_percent"] == Decimal("15")
    assert params["cstdcs_requires_initiative"] is initiative
    assert params["ttldtt_ldtt_share_percent"] == share


def test_verified_flags_follow_the_domain_reference():
    params = rule_parameters(D(2025, 7, 1))

    assert params.parameter("bk_ttg_cstdcs_in_window").verified is True
    assert params.parameter("cstdcs_ldtt_quota_percent").verified is False
    assert params.parameter("merged_org_titles_count_for_successor").verified is False
    assert rule_parameters(D(2020, 1, 1)).parameter("cstdcs_ldtt_quota_percent").verified is True


def test_an_unknown_key_names_itself():
    with pytest.raises(KeyError, match="no_such_key"):
        rule_parameters(D(2025, 7, 1))["no_such_key"]


def test_a_rule_book_reads_the_rule_sets_once_for_many_dates():
    book = RuleBook()
    days = [D(2020, 1, 1) + datetime.timedelta(days=40 * i) for i in range(60)]

    with CaptureQueriesContext(connection) as queries:
        found = {book.for_date(day).rule_set.pk for day in days}

    assert len(queries) == 2
    assert len(found) == 3


# --- periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize("start, end", [
    (D(2023, 12, 31), D(2024, 3, 1)),   # overlaps two seeded sets
    (D(2024, 6, 1), D(2024, 6, 30)),    # inside one
    (D(2010, 1, 1), None),               # open-ended from before all of them
    (D(2010, 1, 1), D(2017, 9, 15)),    # ends on the first day of the first
])
def test_overlapping_periods_are_refused(start, end):
    with pytest.raises(ValidationError, match="trùng"):
        services.rule_set_check_period(valid_from=start, valid_to=end)


def test_a_period_before_all_rule_sets_is_accepted():
    services.rule_set_check_period(valid_from=D(2010, 1, 1), valid_to=D(2017, 9, 14))


def test_updating_a_rule_set_into_its_neighbour_is_refused_and_changes_nothing():
    rule_set = RuleSet.objects.valid_on(D(2024, 1, 1))

    with pytest.raises(ValidationError):
        services.rule_set_update(rule_set=rule_set, name=rule_set.name, valid_from=D(2024, 1, 1),
                                 valid_to=D(2025, 7, 1), legal_basis=rule_set.legal_basis)

    rule_set.refresh_from_db()
    assert rule_set.valid_to == D(2025, 6, 30)


def test_an_end_before_the_start_is_refused():
    with pytest.raises(ValidationError):
        services.rule_set_check_period(valid_from=D(2001, 5, 1), valid_to=D(2001, 4, 30))


def test_adding_a_rule_set_closes_the_previous_one_and_copies_its_parameters(world):
    previous = current_rule_set()
    services.rule_parameter_set_value(parameter=previous.parameters.get(key="flags_per_cluster_max"),
                                      value="2")

    new = services.rule_set_create(name="Luật sửa đổi 2026", valid_from=D(2026, 10, 1),
                                   legal_basis="Luật sửa đổi, bổ sung.", by=world.users.admin)

    previous.refresh_from_db()
    assert previous.valid_to == D(2026, 9, 30)
    assert new.valid_to is None
    assert RuleSet.objects.valid_on(D(2026, 9, 30)) == previous
    assert RuleSet.objects.valid_on(D(2026, 10, 1)) == new
    copied = dict(new.parameters.values_list("key", "value"))
    assert copied == dict(previous.parameters.values_list("key", "value"))
    assert copied["flags_per_cluster_max"] == "2"
    assert new.parameters.first().history.get().history_user == world.users.admin
    assert previous.history.first().history_user == world.users.admin


def test_a_new_rule_set_must_start_after_the_latest():
    with pytest.raises(ValidationError) as error:
        services.rule_set_create(name="Sai", valid_from=D(2025, 7, 1), legal_basis="x")

    assert "valid_from" in error.value.message_dict
    assert RuleSet.objects.count() == 3


# --- parameter values ------------------------------------------------------------------------


@pytest.mark.parametrize("kind, raw, expected", [
    ("integer", "3", 3), ("integer", " 12 ", 12),
    ("decimal", "15", Decimal("15")), ("decimal", "66,67", Decimal("66.67")),
    ("decimal", "0.3", Decimal("0.3")),
    ("boolean", "true", True), ("boolean", "false", False), ("boolean", "Có", True),
    ("text", "Theo quy chế  của Liên minh", "Theo quy chế của Liên minh"),
])
def test_parse_value_accepts_values_of_its_kind(kind, raw, expected):
    assert parse_value(kind, raw) == expected


@pytest.mark.parametrize("kind, raw, message", [
    ("integer", "", "Vui lòng nhập giá trị"),
    ("integer", "3,5", "số nguyên"),
    ("integer", "ba", "số nguyên"),
    ("integer", "1" * 30, "số nguyên"),
    ("decimal", "mười lăm", "Nhập một số"),
    ("decimal", "1e5", "Nhập một số"),
    ("decimal", "NaN", "Nhập một số"),
    ("boolean", "có lẽ", "Có hoặc Không"),
    ("text", "x" * 501, "500 ký tự"),
    ("text", "a\x00b", "ký tự điều khiển"),
])
def test_parse_value_refuses_bad_input_in_vietnamese(kind, raw, message):
    with pytest.raises(ValidationError, match=message):
        parse_value(kind, raw)


def test_bounds_are_enforced():
    with pytest.raises(ValidationError, match="không được lớn hơn 100"):
        parse_value("decimal", "101", max_value=Decimal("100"))


def test_a_choice_must_be_one_of_the_list():
    choices = [["total_members", "Tổng số thành viên"], ["present_members", "Có mặt"]]

    assert parse_value("choice", "present_members", choices=choices) == "present_members"
    with pytest.raises(ValidationError):
        parse_value("choice", "everyone", choices=choices)


def test_setting_a_value_stores_canonical_text_and_records_who(world):
    parameter = current_rule_set().parameters.get(key="council_vote_share_high_percent")

    services.rule_parameter_set_value(parameter=parameter, value="66,670", by=world.users.admin)

    parameter.refresh_from_db()
    assert parameter.value == "66.67"
    latest = parameter.history.order_by("-history_date").first()
    assert (latest.value, latest.history_user) == ("66.67", world.users.admin)
    assert latest.prev_record.value == "90"


def test_a_refused_value_changes_nothing():
    parameter = current_rule_set().parameters.get(key="cstdn_cstdcs_consecutive_years")
    versions = parameter.history.count()

    with pytest.raises(ValidationError) as error:
        services.rule_parameter_set_value(parameter=parameter, value="ba năm")

    assert "value" in error.value.message_dict
    parameter.refresh_from_db()
    assert parameter.value == "3"
    assert parameter.history.count() == versions


def test_the_change_log_shows_old_and_new_values(world):
    rule_set = current_rule_set()
    parameter = rule_set.parameters.get(key="flags_per_cluster_max")
    services.rule_parameter_set_value(parameter=parameter, value="2", by=world.users.admin)
    services.rule_parameter_set_value(parameter=parameter, value="3", verified=True,
                                      by=world.users.admin)

    log = [e for e in rule_set_change_log(rule_set) if e["what"] == parameter.label]

    assert [(e["what"], e["old"], e["new"], e["who"]) for e in log] == [
        (parameter.label, "2", "3", world.users.admin),
        (parameter.label, "chưa đối chiếu", "đã đối chiếu", world.users.admin),
        (parameter.label, "1", "2", world.users.admin),
    ]


def test_parameter_keys_are_unique_per_rule_set():
    rule_set = RuleSetFactory()
    RuleParameterFactory(rule_set=rule_set, key="k")

    with pytest.raises(Exception):
        RuleParameterFactory(rule_set=rule_set, key="k")


def test_display_values_are_vietnamese():
    params = rule_parameters(D(2025, 7, 1))

    assert params.parameter("cash_multiplier_ldtt").display_value == "0,3"
    assert params.parameter("council_vote_denominator").display_value == (
        "Số thành viên được biểu quyết nội dung (trừ người không tham gia biểu quyết do liên quan)")
    assert params.parameter("cstdcs_quota_enabled").kind == RuleParameter.Kind.BOOLEAN
