"""Report periods: creating them (unique, with a sensible deadline), closing and reopening, and
the on-time dashboard of who is expected to report."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from clusters.tests.factories import GroupFactory
from reports import services
from reports.models import ReportPeriod, UnitReport
from reports.selectors import STATE_LABELS, period_dashboard
from reports.tests.builders import (
    cluster_with_hanoi_and_hue, fill_required, hanoi_report, period, sent_hanoi_report,
)
from reports.workflow import TransitionError

pytestmark = pytest.mark.django_db
D = datetime.date


def test_period_create_records_its_dates_and_creator(world):
    p = services.period_create(year=2021, half="H1", deadline=D(2021, 6, 15),
                               by=world.users.admin)

    assert (p.code, p.start, p.end, p.status) == ("2021-H1", D(2021, 1, 1), D(2021, 6, 30),
                                                  "open")
    assert p.history.get().history_user == world.users.admin


def test_period_create_refuses_a_second_period_of_the_same_year_and_half(world):
    period(world, year=2021)

    with pytest.raises(ValidationError) as error:
        services.period_create(year=2021, half="H1", deadline=D(2021, 6, 20),
                               by=world.users.admin)

    assert error.value.message_dict["half"] == [_("This report period already exists.")]
    assert ReportPeriod.objects.count() == 1


@pytest.mark.parametrize("year, half, deadline", [
    (2021, "H1", D(2020, 12, 31)), (2021, "FY", D(2023, 1, 1)), (1999, "H1", D(1999, 6, 1)),
    (2021, "H2", D(2021, 6, 1)), (2021, "H1", None),
])
def test_period_create_refuses_bad_values(world, year, half, deadline):
    with pytest.raises(ValidationError):
        services.period_create(year=year, half=half, deadline=deadline, by=world.users.admin)

    assert ReportPeriod.objects.count() == 0


@pytest.mark.parametrize("who", ["staff", "province_admin", "leadership", "appraiser"])
def test_only_central_administrators_create_periods(world, who):
    with pytest.raises(PermissionDenied):
        services.period_create(year=2021, half="H1", deadline=D(2021, 6, 15),
                               by=getattr(world.users, who))

    assert ReportPeriod.objects.count() == 0


def test_closing_a_period_stops_writing_until_reopened(world):
    p = period(world)
    report = hanoi_report(world, p)

    services.period_close(period=p, by=world.users.admin)
    with pytest.raises(TransitionError):
        services.report_save(report=report, bodies={"direction": "Sửa"}, by=world.users.staff)
    with pytest.raises(TransitionError):
        services.period_close(period=p, by=world.users.admin)
    services.period_reopen(period=p, by=world.users.admin)
    services.report_save(report=report, bodies={"direction": "Sửa"}, by=world.users.staff)

    assert report.sections.get(key="direction").body == "<p>Sửa</p>"


# --- the expected authors ----------------------------------------------------------------------


def test_expected_authors_are_the_units_under_the_central_body_and_the_groups_of_the_year(world):
    p = period(world)
    group = cluster_with_hanoi_and_hue(world, year=2026, leader="hue")
    GroupFactory(organizer=world.central)  # no member in 2026: not expected
    provincial_bloc = GroupFactory(organizer=world.hanoi, kind="bloc")
    __import__("clusters.services", fromlist=["_"]).group_set_year(
        group=provincial_bloc, year=2026, members=[world.coop_hanoi], leader=None, deputy=None)
    gone = __import__("clusters.tests.factories", fromlist=["_"]).alliance("Tỉnh cũ")
    gone.active_to = D(2025, 12, 31)
    gone.save()

    authors = period_dashboard(p)["authors"]

    names = sorted(a.name for a in authors)
    assert names == sorted([world.tccb.name, world.office.name, world.hanoi.name,
                            world.hue.name, group.name])
    assert [a.leader for a in authors if a.group] == [world.hue]


def test_an_alliance_merged_later_still_reports_for_earlier_periods(world):
    old = __import__("clusters.tests.factories", fromlist=["_"]).alliance("Tỉnh sáp nhập")
    old.active_to = D(2025, 6, 30)
    old.save()

    before = period(world, year=2025, half="H1")
    after = period(world, year=2025, half="FY", deadline=D(2026, 1, 15))

    assert old.name in [a.name for a in period_dashboard(before)["authors"]]
    assert old.name not in [a.name for a in period_dashboard(after)["authors"]]


def test_dashboard_counts_each_state(world):
    p = period(world)
    sent_hanoi_report(world, p)
    from accounts.tests.factories import user_with_role

    office_writer = world.users.office_staff
    services.report_start(period=p, organization=world.office, by=office_writer)
    user_with_role("unit_staff", world.hue)

    counts = {state: n for state, _label, n in period_dashboard(p)["counts"]}

    assert counts == {"not_started": 2, "writing": 1, "on_time": 1, "late": 0, "returned": 0}


def test_dashboard_page_shows_states_and_who_sent(world, client):
    p = period(world)
    sent_hanoi_report(world, p)
    client.force_login(world.users.leadership)

    page = client.get(reverse("reports:period_detail", args=[p.pk])).content.decode()

    assert str(STATE_LABELS["on_time"]) in page and str(STATE_LABELS["not_started"]) in page
    assert world.users.staff.get_full_name() in page


# --- forms -------------------------------------------------------------------------------------


@pytest.mark.parametrize("data, field, message", [
    ({"year": "", "half": "H1", "deadline": "15/06/2026"}, "year", "Vui lòng nhập thông tin này."),
    ({"year": "abc", "half": "H1", "deadline": "15/06/2026"}, "year", "2000"),
    ({"year": "9" * 400, "half": "H1", "deadline": "15/06/2026"}, "year", "2000"),
    ({"year": "2026", "half": "XX", "deadline": "15/06/2026"}, "half", "Hãy chọn"),
    ({"year": "2026", "half": "H1", "deadline": "31/02/2026"}, "deadline", "dd/mm/yyyy"),
    ({"year": "2026", "half": "H1", "deadline": "<script>x</script>"}, "deadline", "dd/mm/yyyy"),
    ({"year": "2026", "half": "H1", "deadline": "15/06/2030"}, "deadline", "31/12/2027"),
])
def test_period_form_refuses_bad_input(world, client, data, field, message):
    client.force_login(world.users.admin)

    response = client.post(reverse("reports:period_create"), data)

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors, errors
    assert ReportPeriod.objects.count() == 0


def test_period_form_refuses_a_duplicate_with_a_message(world, client):
    period(world, year=2026)
    client.force_login(world.users.admin)

    response = client.post(reverse("reports:period_create"),
                           {"year": "2026", "half": "H1", "deadline": "20/06/2026"})

    assert response.context["form"].errors["half"] == [_("This report period already exists.")]
    assert ReportPeriod.objects.count() == 1


def test_period_close_page_closes_and_reopens(world, client):
    p = period(world)
    client.force_login(world.users.admin)

    assert client.get(reverse("reports:period_close", args=[p.pk])).status_code == 200
    client.post(reverse("reports:period_close", args=[p.pk]))
    p.refresh_from_db()
    assert p.status == "closed"
    client.post(reverse("reports:period_reopen", args=[p.pk]))
    p.refresh_from_db()
    assert p.status == "open"


@pytest.mark.parametrize("who", ["staff", "province_admin", "outsider", "leadership"])
def test_period_management_pages_need_a_central_administrator(world, client, who):
    p = period(world)
    client.force_login(getattr(world.users, who))

    codes = [client.get(reverse("reports:period_create")).status_code,
             client.post(reverse("reports:period_close", args=[p.pk])).status_code]

    assert codes == [403, 403]
    p.refresh_from_db()
    assert p.status == "open"
    assert UnitReport.objects.count() == 0


def test_unit_users_cannot_open_the_dashboard(world, client):
    p = period(world)
    client.force_login(world.users.staff)

    assert client.get(reverse("reports:period_detail", args=[p.pk])).status_code == 403
    assert client.get(reverse("reports:period_list")).status_code == 403


def test_fill_required_helper_fills_every_required_section(world):
    report = hanoi_report(world)

    fill_required(report, world.users.staff)

    assert services.missing_sections(report) == []
