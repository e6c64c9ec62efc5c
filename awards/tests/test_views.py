import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards import services
from awards.models import AwardType, RuleParameter, RuleSet

from .factories import AwardTypeFactory, RuleParameterFactory, RuleSetFactory, current_rule_set

pytestmark = pytest.mark.django_db


def edit_urls():
    rule_set = current_rule_set()
    return [
        reverse("awards:award_type_create"),
        reverse("awards:award_type_update", args=[AwardType.objects.get(code="LDTT").pk]),
        reverse("awards:rule_set_create"),
        reverse("awards:rule_set_update", args=[rule_set.pk]),
        reverse("awards:rule_parameter_update", args=[rule_set.parameters.first().pk]),
    ]


@pytest.mark.parametrize("who", ["province_admin", "staff", "appraiser", "leadership", "no_role"])
def test_only_central_administrators_open_the_edit_pages(world, client, who):
    client.force_login(getattr(world.users, who))

    statuses = {url: client.get(url).status_code for url in edit_urls()}

    assert set(statuses.values()) == {403}


@pytest.mark.parametrize("who", ["province_admin", "appraiser"])
def test_a_post_from_anyone_else_changes_nothing(world, client, who):
    parameter = current_rule_set().parameters.get(key="flags_per_cluster_max")
    client.force_login(getattr(world.users, who))

    response = client.post(reverse("awards:rule_parameter_update", args=[parameter.pk]),
                           {"value": "9"})

    assert response.status_code == 403
    parameter.refresh_from_db()
    assert parameter.value == "1"


def test_edit_pages_redirect_anonymous_users_to_login(client):
    response = client.get(reverse("awards:rule_set_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who, status", [
    ("admin", 200), ("appraiser", 200), ("council", 200), ("leadership", 200),
    ("province_admin", 403), ("staff", 403), ("outsider", 403), ("no_role", 403),
])
def test_rule_sets_are_read_by_central_roles_only(world, client, who, status):
    client.force_login(getattr(world.users, who))

    list_status = client.get(reverse("awards:rule_set_list")).status_code
    detail_status = client.get(current_rule_set().get_absolute_url()).status_code

    assert (list_status, detail_status) == (status, status)


def test_every_user_with_a_role_reads_the_catalogue_without_edit_links(world, client):
    client.force_login(world.users.staff)

    response = client.get(reverse("awards:award_type_list"))

    assert response.status_code == 200
    assert len(response.context["award_types"]) == 16
    assert reverse("awards:award_type_create") not in response.content.decode()


def test_an_administrator_adds_an_award_type(world, client):
    client.force_login(world.users.admin)

    response = client.post(reverse("awards:award_type_create"), {
        "code": "bk_test", "name": "  Bằng khen   thử ", "category": "commendation",
        "recipient_kind": "both", "granting_level": "alliance_chairman",
        "council_vote_required": "on", "is_active": "on", "display_order": "200"})

    assert response.status_code == 302
    award = AwardType.objects.get(code="BK_TEST")
    assert award.name == "Bằng khen thử"
    assert award.history.get().history_user == world.users.admin


def test_the_code_cannot_be_changed_through_the_form(world, client):
    award = AwardType.objects.get(code="GK")
    client.force_login(world.users.admin)

    client.post(reverse("awards:award_type_update", args=[award.pk]), {
        "code": "HACKED", "name": "Giấy khen của Thủ trưởng", "category": "commendation",
        "recipient_kind": "both", "granting_level": "unit_head", "is_active": "on",
        "display_order": "110"})

    award.refresh_from_db()
    assert (award.code, award.name) == ("GK", "Giấy khen của Thủ trưởng")


@pytest.mark.parametrize("data, message", [
    ({"code": "LDTT", "name": "Trùng mã"}, "đã tồn tại"),
    ({"code": "có dấu", "name": "Sai mã"}, "chữ in hoa"),
    ({"code": "X_NEW", "name": "   "}, "bắt buộc"),
    ({"code": "X_NEW", "name": "Bí mật", "secret_ballot": "on"}, "bỏ phiếu kín"),
])
def test_bad_award_types_are_refused_in_vietnamese(world, client, data, message):
    client.force_login(world.users.admin)
    before = AwardType.objects.count()
    base = {"category": "commendation", "recipient_kind": "both", "granting_level": "unit_head",
            "display_order": "1"}

    response = client.post(reverse("awards:award_type_create"), {**base, **data})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert AwardType.objects.count() == before


def test_an_administrator_changes_a_parameter_and_the_log_shows_it(world, client):
    parameter = current_rule_set().parameters.get(key="cstdcs_ldtt_quota_percent")
    client.force_login(world.users.admin)

    response = client.post(reverse("awards:rule_parameter_update", args=[parameter.pk]),
                           {"value": "12,5", "verified": "on", "legal_citation": "Quy định 2026"})

    assert response.status_code == 302
    parameter.refresh_from_db()
    assert (parameter.value, parameter.verified) == ("12.5", True)
    latest = parameter.history.order_by("-history_date").first()
    assert latest.history_user == world.users.admin
    page = client.get(parameter.rule_set.get_absolute_url())
    log = page.context["change_log"]
    assert ("15", "12,5") in [(e["old"], e["new"]) for e in log]
    assert world.users.admin.get_full_name() in page.content.decode()


@pytest.mark.parametrize("key, value, message", [
    ("cstdn_cstdcs_consecutive_years", "ba", "Nhập một số nguyên"),
    ("cstdn_cstdcs_consecutive_years", "", "Vui lòng nhập giá trị"),
    ("cstdn_cstdcs_consecutive_years", "0", "không được nhỏ hơn 1"),
    ("cstdcs_ldtt_quota_percent", "150", "không được lớn hơn 100"),
    ("cstdcs_ldtt_quota_percent", "<script>alert(1)</script>", "Nhập một số"),
    ("cstdcs_quota_enabled", "maybe", "Có hoặc Không"),
    ("council_vote_denominator", "everyone", "các giá trị trong danh sách"),
])
def test_bad_parameter_values_are_refused_in_vietnamese_and_change_nothing(
        world, client, key, value, message):
    parameter = current_rule_set().parameters.get(key=key)
    versions = parameter.history.count()
    client.force_login(world.users.admin)

    response = client.post(reverse("awards:rule_parameter_update", args=[parameter.pk]),
                           {"value": value})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "<script>alert" not in response.content.decode()
    fresh = RuleParameter.objects.get(pk=parameter.pk)
    assert (fresh.value, fresh.history.count()) == (parameter.value, versions)


def test_a_hostile_long_text_value_is_refused(world, client):
    parameter = RuleParameterFactory(rule_set=current_rule_set(), kind="text", value="Ban đầu")
    client.force_login(world.users.admin)

    response = client.post(reverse("awards:rule_parameter_update", args=[parameter.pk]),
                           {"value": "=HYPERLINK(\"x\")" + "A" * 600})

    assert "500 ký tự" in response.content.decode()
    parameter.refresh_from_db()
    assert parameter.value == "Ban đầu"


def test_an_administrator_adds_a_rule_set_that_closes_the_previous(world, client):
    client.force_login(world.users.admin)

    response = client.post(reverse("awards:rule_set_create"), {
        "name": "Luật sửa đổi năm 2026", "valid_from": "01/10/2026",
        "legal_basis": "Luật sửa đổi, bổ sung một số điều của Luật Thi đua, khen thưởng."})

    new = RuleSet.objects.get(name="Luật sửa đổi năm 2026")
    assert response.status_code == 302 and response.url == new.get_absolute_url()
    assert current_rule_set().valid_to == datetime.date(2026, 9, 30)
    assert new.parameters.count() == current_rule_set().parameters.count()


def test_a_rule_set_starting_too_early_is_refused(world, client):
    client.force_login(world.users.admin)

    response = client.post(reverse("awards:rule_set_create"), {
        "name": "Sai ngày", "valid_from": "01/01/2025", "legal_basis": "x"})

    assert response.status_code == 200
    assert "phải bắt đầu sau" in response.content.decode()
    assert RuleSet.objects.count() == 3


def test_editing_a_rule_set_into_an_overlap_is_refused(world, client):
    rule_set = RuleSet.objects.valid_on(datetime.date(2024, 1, 1))
    client.force_login(world.users.admin)

    response = client.post(reverse("awards:rule_set_update", args=[rule_set.pk]), {
        "name": rule_set.name, "valid_from": "01/01/2024", "valid_to": "31/12/2025",
        "legal_basis": rule_set.legal_basis})

    assert response.status_code == 200
    assert "trùng" in response.content.decode()
    rule_set.refresh_from_db()
    assert rule_set.valid_to == datetime.date(2025, 6, 30)


# --- query counts: 2 and 20 visible rows ------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def make_award_types(n):
    for _ in range(n):
        AwardTypeFactory()


def make_rule_sets(n):
    for _ in range(n):
        RuleSetFactory()


def make_parameters(n):
    for _ in range(n):
        RuleParameterFactory(rule_set=current_rule_set())


def make_changes(n):
    parameters = list(current_rule_set().parameters.order_by("pk")[:n])
    for parameter in parameters:
        services.rule_parameter_set_value(parameter=parameter, value=parameter.value)


@pytest.mark.parametrize("url, make", [
    (lambda: reverse("awards:award_type_list"), make_award_types),
    (lambda: reverse("awards:rule_set_list"), make_rule_sets),
    (lambda: current_rule_set().get_absolute_url(), make_parameters),
    (lambda: current_rule_set().get_absolute_url(), make_changes),
], ids=["award_types", "rule_sets", "rule_set_parameters", "rule_set_change_log"])
def test_list_pages_issue_a_constant_number_of_queries(world, client, url, make):
    client.force_login(world.users.admin)
    make(2)
    client.get(url())
    with_two = count_queries(client, url())

    make(18)
    with_twenty = count_queries(client, url())

    assert with_two == with_twenty
