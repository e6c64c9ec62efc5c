"""Units' reports: starting one with its statistical sections pre-filled, writing the text
(sanitized), the required sections before sending, on time or late at the deadline, returning
with a reason and resubmitting, and who may read and write what."""

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.tests.factories import user_with_role
from awards.tests.factories import award_record
from deadlines.models import Notification
from reports import services
from reports.models import UnitReport, UnitReportEvent
from reports.outline import BODY_KEYS, BY_KEY, OUTLINE, REQUIRED_KEYS
from reports.selectors import report_state
from reports.tests.builders import (
    cluster_with_hanoi_and_hue, fill_required, hanoi_report, period, sent_hanoi_report,
)
from reports.workflow import REPORT_TRANSITIONS, TransitionError

pytestmark = pytest.mark.django_db
D = datetime.date
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args):
    return mock.patch("django.utils.timezone.now",
                      return_value=datetime.datetime(*args, tzinfo=VN))


# --- the outline -------------------------------------------------------------------------------


def test_outline_follows_the_reference_report():
    keys = [s.key for s in OUTLINE]

    assert keys.index("direction") < keys.index("movements") < keys.index("commendation") \
        < keys.index("wider_groups") < keys.index("group_activity") < keys.index("council") \
        < keys.index("organization_training") < keys.index("assessment_causes") \
        < keys.index("key_tasks") < keys.index("measures")
    assert [s.number for s in OUTLINE if s.key.startswith("group_")] == ["4.", "4.1.", "4.2."]
    assert {"movements", "commendation", "group_activity"} == {
        s.key for s in OUTLINE if s.statistical}
    assert len(set(keys)) == len(keys)


# --- starting a report: the figures from the records -------------------------------------------


def test_report_start_prefills_the_statistical_sections_from_the_units_records(world):
    p = period(world, year=2026)
    award_record(organization=world.coop_hanoi, code="TTLDXS", year=2025,
                 decision_date=D(2026, 6, 30))
    award_record(organization=world.coop_hanoi, code="TTLDXS", year=2025,
                 decision_date=D(2026, 3, 1))
    award_record(organization=world.coop_hanoi, code="TTLDXS", year=2026,
                 decision_date=D(2026, 7, 1))  # after the period
    award_record(organization=world.coop_hue, code="TTLDXS", year=2025,
                 decision_date=D(2026, 3, 1))  # another province
    revoked = award_record(organization=world.hanoi, code="TTLDTT", year=2025,
                           decision_date=D(2026, 2, 1))
    revoked.revoked, revoked.revocation_date = True, D(2026, 4, 1)
    revoked.revocation_decision_number = "1/QĐ-TH"
    revoked.save()

    report = services.report_start(period=p, organization=world.hanoi, by=world.users.staff)

    bodies = dict(report.sections.values_list("key", "body"))
    assert "2</li>" in bodies["commendation"] and ": 2.</p>" in bodies["commendation"]
    assert "01/01/2026" in bodies["commendation"] and "30/06/2026" in bodies["commendation"]
    assert bodies["direction"] == ""
    assert set(bodies) == set(BODY_KEYS)
    assert UnitReportEvent.objects.get(report=report).action == "create"
    assert report.history.get().history_user == world.users.staff


def test_report_start_names_the_movements_it_launched_and_the_rounds_of_its_groups(world):
    from emulation.tests.builders import movement

    p = period(world, year=2026)
    movement(world, by=world.users.province_admin, name="Phong trào <b>Hà Nội</b> xanh",
             level="provincial", organization=world.hanoi, start_date=D(2026, 2, 1))
    cluster_with_hanoi_and_hue(world)

    report = services.report_start(period=p, organization=world.hanoi, by=world.users.staff)

    bodies = dict(report.sections.values_list("key", "body"))
    assert "Phong trào &lt;b&gt;Hà Nội&lt;/b&gt; xanh" in bodies["movements"]
    assert "01/02/2026" in bodies["movements"]
    assert bodies["group_activity"].startswith("<p>")


def test_report_start_twice_returns_the_same_report(world):
    first = hanoi_report(world)

    assert hanoi_report(world) == first
    assert UnitReport.objects.count() == 1


@pytest.mark.parametrize("who", ["outsider", "province_admin", "admin", "office_staff"])
def test_only_the_units_own_staff_or_head_start_its_report(world, who):
    with pytest.raises(PermissionDenied):
        services.report_start(period=period(world), organization=world.hanoi,
                              by=getattr(world.users, who))

    assert UnitReport.objects.count() == 0


def test_a_cooperative_does_not_report_to_the_alliance(world):
    writer = user_with_role("unit_staff", world.coop_hanoi)

    with pytest.raises(PermissionDenied):
        services.report_start(period=period(world), organization=world.coop_hanoi, by=writer)


def test_a_groups_report_is_written_by_its_leader_unit_of_the_year(world):
    group = cluster_with_hanoi_and_hue(world, leader="hanoi")
    p = period(world)

    with pytest.raises(PermissionDenied):
        services.report_start(period=p, group=group, by=world.users.outsider)
    report = services.report_start(period=p, group=group, by=world.users.group_leader)

    assert report.group == group and report.organization is None


# --- writing: sanitized text -------------------------------------------------------------------


@pytest.mark.parametrize("typed, stored", [
    ("<p>Xin <strong>chào</strong></p><script>alert(1)</script>",
     "<p>Xin <strong>chào</strong></p>"),
    ('<img src=x onerror="alert(1)">Ảnh', "Ảnh"),
    ('<a href="javascript:alert(1)">bấm</a>', "bấm"),
    ('<p onclick="x()" style="color:red" class="a">đoạn</p>', "<p>đoạn</p>"),
    ("<ul><li>một</li></ul><ol><li>hai</li></ol><em>nghiêng</em><i>i</i><b>b</b><br>",
     "<ul><li>một</li></ul><ol><li>hai</li></ol><em>nghiêng</em><i>i</i><b>b</b><br>"),
    ("Đoạn **đậm** và *nghiêng*\n\n- một\n- hai",
     "<p>Đoạn <strong>đậm</strong> và <em>nghiêng</em></p><ul><li>một</li><li>hai</li></ul>"),
    ("<svg onload=alert(1)><iframe src=//x></iframe>", ""),
    ("Hoa\u0300", "<p>Hoà</p>"),
])
def test_report_save_sanitizes_to_the_allowed_formatting(world, typed, stored):
    report = hanoi_report(world)

    services.report_save(report=report, bodies={"direction": typed}, by=world.users.staff)

    assert report.sections.get(key="direction").body == stored


def test_report_save_refuses_unknown_sections_and_oversized_text(world):
    report = hanoi_report(world)

    with pytest.raises(ValidationError):
        services.report_save(report=report, bodies={"part_one": "x"}, by=world.users.staff)
    with pytest.raises(ValidationError):
        services.report_save(report=report, bodies={"direction": "x" * 20001},
                             by=world.users.staff)

    assert report.sections.get(key="direction").body == ""


@pytest.mark.parametrize("who", ["outsider", "admin", "province_admin", "group_leader"])
def test_others_cannot_write_a_units_report(world, who):
    report = hanoi_report(world)

    with pytest.raises(PermissionDenied):
        services.report_save(report=report, bodies={"direction": "x"},
                             by=getattr(world.users, who))

    assert report.sections.get(key="direction").body == ""


# --- sending: required sections, on time or late -----------------------------------------------


def test_required_sections_block_sending_and_are_listed(world):
    report = hanoi_report(world)
    services.report_save(report=report, bodies={"direction": "Đã viết", "key_tasks": "<p> </p>"},
                         by=world.users.staff)

    with pytest.raises(ValidationError) as error:
        services.report_submit(report=report, by=world.users.staff)

    message = " ".join(error.value.messages)
    assert BY_KEY["key_tasks"].full_heading in message
    assert BY_KEY["direction"].full_heading not in message  # filled
    missing = [s.key for s in services.missing_sections(report)]
    # the statistical sections were pre-filled from the records
    assert missing == [k for k in REQUIRED_KEYS
                       if k not in ("direction", "movements", "commendation")]
    report.refresh_from_db()
    assert report.status == "draft" and report.first_submitted_at is None


def test_sent_on_the_deadline_day_is_on_time(world):
    p = period(world, year=2026, deadline=D(2026, 6, 15))
    report = hanoi_report(world, p)
    fill_required(report, world.users.staff)

    with at(2026, 6, 15, 23, 59):
        services.report_submit(report=report, by=world.users.staff)

    report.refresh_from_db()
    assert (report.status, report.late, report_state(report)) == ("submitted", False, "on_time")
    assert report.submitted_by == world.users.staff


def test_sent_the_day_after_the_deadline_is_late(world):
    p = period(world, year=2026, deadline=D(2026, 6, 15))
    report = hanoi_report(world, p)
    fill_required(report, world.users.staff)

    with at(2026, 6, 16, 0, 1):
        services.report_submit(report=report, by=world.users.staff)

    report.refresh_from_db()
    assert (report.late, report_state(report)) == (True, "late")


def test_resubmission_after_a_return_keeps_the_first_time(world):
    p = period(world, year=2026, deadline=D(2026, 6, 15))
    report = hanoi_report(world, p)
    fill_required(report, world.users.staff)
    with at(2026, 6, 14, 9, 0):
        services.report_submit(report=report, by=world.users.staff)
    services.report_return(report=report, reason="Thiếu số liệu khen thưởng.",
                           by=world.users.admin)

    with at(2026, 7, 2, 9, 0):
        services.report_submit(report=report, by=world.users.head)

    report.refresh_from_db()
    assert report.first_submitted_at == datetime.datetime(2026, 6, 14, 9, 0, tzinfo=VN)
    assert report.submitted_at == datetime.datetime(2026, 7, 2, 9, 0, tzinfo=VN)
    assert (report.late, report.submitted_by) == (False, world.users.head)
    assert list(report.events.order_by("id").values_list("action", "from_status", "to_status")) == [
        ("create", "", "draft"), ("submit", "draft", "submitted"),
        ("return", "submitted", "returned"), ("resubmit", "returned", "submitted")]


def test_a_sent_report_is_locked(world):
    report = sent_hanoi_report(world)

    with pytest.raises(TransitionError):
        services.report_save(report=report, bodies={"direction": "Sửa lén"},
                             by=world.users.staff)
    with pytest.raises(TransitionError):
        services.report_submit(report=report, by=world.users.staff)


# --- returning ---------------------------------------------------------------------------------


def test_return_needs_a_reason_and_changes_nothing_without_one(world):
    report = sent_hanoi_report(world)

    for reason in ["", "   ", "x" * 2001]:
        with pytest.raises(ValidationError):
            services.report_return(report=report, reason=reason, by=world.users.admin)

    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.events.filter(action="return").count() == 0


def test_return_notifies_the_units_writers(world, django_capture_on_commit_callbacks):
    report = sent_hanoi_report(world)

    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(report=report, reason="Bổ sung phần đánh giá.",
                               by=world.users.admin)

    notified = set(Notification.objects.values_list("user__username", flat=True))
    assert notified == {"canbo.hanoi", "thutruong.hanoi"}
    assert "Bổ sung phần đánh giá." in Notification.objects.first().text
    assert len(mail.outbox) == 2
    event = report.events.get(action="return")
    assert (event.actor, event.reason) == (world.users.admin, "Bổ sung phần đánh giá.")


@pytest.mark.parametrize("who", ["province_admin", "leadership", "appraiser", "staff"])
def test_only_central_administrators_return_reports(world, who):
    report = sent_hanoi_report(world)

    with pytest.raises((PermissionDenied, TransitionError)):
        services.report_return(report=report, reason="Lý do", by=getattr(world.users, who))

    report.refresh_from_db()
    assert report.status == "submitted"


def test_a_draft_cannot_be_returned(world):
    report = hanoi_report(world)

    with pytest.raises(TransitionError):
        services.report_return(report=report, reason="Lý do", by=world.users.admin)


def test_the_transition_table_names_each_service():
    assert {name for name, _a, _l in REPORT_TRANSITIONS.values()} == {
        "report_submit", "report_return"}
    assert all(hasattr(services, name) for name, _a, _l in REPORT_TRANSITIONS.values())


# --- who reads (architecture §8) ---------------------------------------------------------------


def detail(report):
    return reverse("reports:report_detail", args=[report.pk])


@pytest.mark.parametrize("who, code", [
    ("staff", 200), ("head", 200), ("province_admin", 200), ("admin", 200),
    ("leadership", 200), ("council", 200), ("appraiser", 200),
    ("outsider", 404), ("office_staff", 404), ("no_role", 404),
])
def test_who_reads_a_units_report(world, client, who, code):
    report = sent_hanoi_report(world)
    client.force_login(getattr(world.users, who))

    assert client.get(detail(report)).status_code == code


def test_a_huế_user_gets_404_on_hà_nộis_report(world, client):
    report = hanoi_report(world)
    client.force_login(world.users.outsider)

    codes = [client.get(reverse(name, args=[report.pk])).status_code for name in (
        "reports:report_detail", "reports:report_edit", "reports:report_submit",
        "reports:report_return")]

    assert codes == [404, 404, 404, 404]


def test_a_cluster_leader_reads_a_members_report_of_the_groups_year(world, client):
    cluster_with_hanoi_and_hue(world, year=2026, leader="hanoi")
    hue_writer = world.users.outsider
    p = period(world, year=2026)
    report = services.report_start(period=p, organization=world.hue, by=hue_writer)
    fill_required(report, hue_writer)
    client.force_login(world.users.group_leader)
    assert client.get(detail(report)).status_code == 404  # a draft stays the unit's own
    services.report_submit(report=report, by=hue_writer)
    other_year = services.report_start(period=period(world, year=2025, half="FY",
                                                     deadline=D(2026, 1, 31)),
                                       organization=world.hue, by=hue_writer)
    fill_required(other_year, hue_writer)
    services.report_submit(report=other_year, by=hue_writer)

    assert client.get(detail(report)).status_code == 200
    assert client.get(detail(other_year)).status_code == 404
    assert client.get(reverse("reports:report_edit", args=[report.pk])).status_code == 403


def test_a_member_cannot_read_another_members_report(world, client):
    cluster_with_hanoi_and_hue(world, year=2026, leader="hanoi")
    report = sent_hanoi_report(world, period(world, year=2026))

    client.force_login(world.users.outsider)  # Huế: a member, not the leader

    assert client.get(detail(report)).status_code == 404


def test_the_leader_lists_its_members_sent_reports(world, client):
    cluster_with_hanoi_and_hue(world, year=2026, leader="hue")
    report = sent_hanoi_report(world, period(world, year=2026))
    client.force_login(world.users.outsider)

    page = client.get(reverse("reports:report_list"))

    assert [r.pk for r in page.context["members"]] == [report.pk]


# --- the pages ---------------------------------------------------------------------------------


def test_unit_writes_and_sends_through_the_pages(world, client):
    p = period(world)
    client.force_login(world.users.staff)

    listing = client.get(reverse("reports:report_list"))
    assert listing.status_code == 200
    response = client.post(reverse("reports:report_start", args=[p.pk]),
                           {"author": f"org:{world.hanoi.pk}"})
    report = UnitReport.objects.get()
    assert response.url == reverse("reports:report_edit", args=[report.pk])
    blocked = client.post(reverse("reports:report_submit", args=[report.pk]), follow=True)
    assert BY_KEY["key_tasks"].full_heading in blocked.content.decode()
    data = {key: "" for key in BODY_KEYS}
    data.update({key: "Đã viết <script>x</script>" for key in REQUIRED_KEYS})
    client.post(reverse("reports:report_edit", args=[report.pk]), data)
    client.post(reverse("reports:report_submit", args=[report.pk]))

    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.sections.get(key="key_tasks").body == "Đã viết"
    page = client.get(detail(report)).content.decode()
    assert "<script>x" not in page


@pytest.mark.parametrize("data, message", [
    ({"author": ""}, "Vui lòng nhập thông tin này."),
    ({"author": "org:999999"}, "Hãy chọn"),
    ({"author": "<script>"}, "Hãy chọn"),
])
def test_report_start_form_refuses_bad_input(world, client, data, message):
    p = period(world)
    client.force_login(world.users.staff)

    response = client.post(reverse("reports:report_start", args=[p.pk]), data, follow=True)

    assert message in response.content.decode()
    assert UnitReport.objects.count() == 0


def test_report_edit_form_refuses_oversized_and_control_characters(world, client):
    report = hanoi_report(world)
    client.force_login(world.users.staff)

    big = client.post(reverse("reports:report_edit", args=[report.pk]),
                      {"direction": "x" * 20001})
    control = client.post(reverse("reports:report_edit", args=[report.pk]),
                          {"direction": "a\x00b\x07"})

    assert "20000" in " ".join(big.context["form"].errors["direction"])
    assert control.context["form"].errors["direction"]
    assert report.sections.get(key="direction").body == ""


def test_return_form_needs_a_reason(world, client):
    report = sent_hanoi_report(world)
    client.force_login(world.users.admin)

    empty = client.post(reverse("reports:report_return", args=[report.pk]), {"reason": ""})
    big = client.post(reverse("reports:report_return", args=[report.pk]),
                      {"reason": "x" * 2001})
    ok = client.post(reverse("reports:report_return", args=[report.pk]),
                     {"reason": "Thiếu <b>số liệu</b>"})

    assert empty.context["form"].errors["reason"] == ["Vui lòng nhập thông tin này."]
    assert big.context["form"].errors["reason"]
    assert ok.status_code == 302
    report.refresh_from_db()
    assert report.status == "returned"
    page = client.get(detail(report)).content.decode()
    assert "Thiếu &lt;b&gt;số liệu&lt;/b&gt;" in page


def test_the_navigation_shows_the_reports_area_by_role(world):
    from accounts.navigation import navigation_for

    def labels(user):
        return [item[0] for area in navigation_for(user) for item in area["items"]]

    assert _("Report periods") in [str(x) for x in labels(world.users.admin)]
    assert _("Reports of the unit") in [str(x) for x in labels(world.users.staff)]
    coop_user = user_with_role("unit_staff", world.coop_hanoi)
    assert _("Reports of the unit") not in [str(x) for x in labels(coop_user)]
    assert _("Report periods") not in [str(x) for x in labels(world.users.staff)]


@pytest.mark.parametrize("typed", [
    "Đoạn **đậm** và *nghiêng*\n\n- một\n- hai\n\n1. a\n2. b",
    "<p>Hai &amp; ba</p><ul><li>x</li></ul>",
    "<p>&lt;b&gt; không phải thẻ</p>",
])
def test_the_text_area_shows_plain_writing_that_saves_to_the_same_text(typed):
    from reports.html import clean_body, to_plain

    stored = clean_body(typed)

    assert clean_body(to_plain(stored)) == stored


def test_the_figures_take_a_fixed_number_of_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from emulation.tests.builders import movement
    from reports.selectors import report_statistics

    p = period(world, year=2026)
    cluster_with_hanoi_and_hue(world)

    def count():
        with CaptureQueriesContext(connection) as queries:
            report_statistics(p, organization=world.hanoi)
        return len(queries)

    def add(n):
        for i in range(n):
            award_record(organization=world.coop_hanoi, code="TTLDXS", year=2025,
                         decision_date=D(2026, 3, 1))
            movement(world, by=world.users.province_admin, name=f"Phong trào {n}-{i}",
                     level="provincial", organization=world.hanoi, start_date=D(2026, 2, 1))

    add(2)
    with_two = count()
    add(18)

    assert count() == with_two
