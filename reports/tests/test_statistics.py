"""The summary figures against hand-computed fixtures (issue 7 §3, §8).

The awards of `awards_2021` (world: Hà Nội alliance with its cooperative, the Văn phòng
department), achievement year 2020 unless said:

| # | recipient                        | award  | decided     | in H1 | in 2021 | cooperative |
|---|----------------------------------|--------|-------------|-------|---------|-------------|
| 1 | a member of the Hà Nội coop      | LDTT   | 30/06/2021  | yes   | yes     | yes         |
| 2 | a person of Văn phòng            | LDTT   | 01/07/2021  | no    | yes     | no          |
| 3 | the Hà Nội coop (collective)     | BK_BCH | 15/03/2021  | yes   | yes     | yes         |
| 4 | a person of Văn phòng            | BK_TTG | 10/05/2021  | yes   | yes     | no (State)  |
| 5 | the Hà Nội alliance (collective) | TTLDXS | 01/02/2021  | yes   | yes     | no          |
| 6 | a person of Văn phòng            | CSTDCS | 01/01/2021  | yes   | yes     | no          |
| 7 | a member of the Hà Nội coop      | LDTT   | 01/04/2021  | revoked: never counted        |
| 8 | a person of Văn phòng (2019)     | LDTT   | 31/12/2020  | no    | no      | no          |

H1: 5 awards, 2 to cooperatives → 40.0 %; 2021: 6 awards → 33.3 %; Hà Nội's subtree in H1:
#1, #3, #5 → 66.7 %.
"""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError

from awards.models import AwardRecord
from awards.tests.factories import award_record
from clusters.tests.factories import GroupFactory, PersonFactory
from emulation.models import Movement, Registration, RegistrationCall, ScoringRound
from reports.exports import figures_json_data
from reports.models import ReportPeriod, UnitReport
from reports.statistics import (
    PeriodSpan, parse_period, percent_one_decimal, records_for, summary_figures,
)

D = datetime.date
H1 = PeriodSpan(2021, "H1")
FY = PeriodSpan(2021, "FY")


@pytest.fixture
def awards_2021(world):
    coop_member = PersonFactory(organization=world.coop_hanoi, full_name="Nguyễn Thị Hợp")
    clerk = PersonFactory(organization=world.office, full_name="Trần Văn Ban")
    records = {
        1: award_record(code="LDTT", year=2020, person=coop_member, decision_date=D(2021, 6, 30)),
        2: award_record(code="LDTT", year=2020, person=clerk, decision_date=D(2021, 7, 1)),
        3: award_record(code="BK_BCH", year=2020, organization=world.coop_hanoi,
                        decision_date=D(2021, 3, 15)),
        4: award_record(code="BK_TTG", year=2020, person=clerk, decision_date=D(2021, 5, 10)),
        5: award_record(code="TTLDXS", year=2020, organization=world.hanoi,
                        decision_date=D(2021, 2, 1)),
        6: award_record(code="CSTDCS", year=2020, person=clerk, decision_date=D(2021, 1, 1)),
        7: award_record(code="LDTT", year=2020,
                        person=PersonFactory(organization=world.coop_hanoi),
                        decision_date=D(2021, 4, 1)),
        8: award_record(code="LDTT", year=2019, person=clerk, decision_date=D(2020, 12, 31)),
    }
    AwardRecord.objects.filter(pk=records[7].pk).update(revoked=True,
                                                        revocation_date=D(2021, 5, 1))
    return records


def _counts(lines):
    return {(line["award_code"], line["recipient_kind"]): line["count"] for line in lines}


def test_awards_of_the_first_half_by_code_and_recipient_kind(awards_2021):
    figures = summary_figures(H1)

    assert _counts(figures["awards"]) == {
        ("LDTT", "individual"): 1, ("CSTDCS", "individual"): 1, ("TTLDXS", "collective"): 1,
        ("BK_BCH", "collective"): 1, ("BK_TTG", "individual"): 1,
    }
    assert figures["awards_total"] == 5
    assert [line["award_code"] for line in figures["awards"]] == [
        "LDTT", "CSTDCS", "TTLDXS", "BK_BCH", "BK_TTG"]


def test_whole_year_counts_the_first_of_july_and_not_the_year_before(awards_2021):
    figures = summary_figures(FY)

    assert _counts(figures["awards"])[("LDTT", "individual")] == 2
    assert figures["awards_total"] == 6


def test_revoked_award_is_not_counted_anywhere(awards_2021):
    figures = summary_figures(H1)

    ids = set(records_for(H1, "awards").values_list("pk", flat=True))
    assert awards_2021[7].pk not in ids
    assert ids == {awards_2021[n].pk for n in (1, 3, 4, 5, 6)}
    assert figures["awards_total"] == len(ids)


def test_cooperative_share_counts_members_and_the_cooperative_itself(awards_2021):
    assert summary_figures(H1)["cooperative_awards"] == 2
    assert summary_figures(H1)["cooperative_share_percent"] == 40.0
    assert summary_figures(FY)["cooperative_share_percent"] == 33.3
    assert set(records_for(H1, "cooperative_awards").values_list("pk", flat=True)) == {
        awards_2021[1].pk, awards_2021[3].pk}


def test_cooperative_share_uses_the_organization_at_the_time_of_the_award(world, awards_2021):
    # The member moves to the department after the award: the award stays a cooperative's.
    person = awards_2021[1].person
    type(person).objects.filter(pk=person.pk).update(organization=world.office)

    assert summary_figures(H1)["cooperative_awards"] == 2


def test_state_awards_are_counted_apart_and_in_the_total(awards_2021):
    figures = summary_figures(H1)

    assert [{k: v for k, v in line.items() if k != "records_url"}
            for line in figures["state_awards"]] == [{
                "award_code": "BK_TTG", "award_name": awards_2021[4].award_type.name,
                "recipient_kind": "individual", "count": 1}]
    assert figures["state_awards_total"] == 1
    assert list(records_for(H1, "state_awards")) == [awards_2021[4]]


def test_organization_restricts_to_its_subtree(world, awards_2021):
    figures = summary_figures(H1, world.hanoi)

    assert figures["awards_total"] == 3
    assert figures["cooperative_share_percent"] == 66.7
    assert figures["organization"] == {"code": world.hanoi.code, "name": world.hanoi.name}
    assert summary_figures(H1, world.hue)["awards_total"] == 0


def test_no_awards_gives_a_share_of_zero(world):
    figures = summary_figures(H1)

    assert figures["awards"] == []
    assert figures["cooperative_share_percent"] == 0.0


def test_records_for_narrows_by_award_and_recipient_kind(awards_2021):
    assert list(records_for(H1, "awards", award_code="LDTT", recipient_kind="individual")) == [
        awards_2021[1]]
    assert list(records_for(H1, "awards", recipient_kind="collective").order_by("pk")) == [
        awards_2021[3], awards_2021[5]]


def test_records_for_refuses_an_unknown_figure(world):
    with pytest.raises(ValidationError):
        records_for(H1, "salaries")


def test_json_contract(awards_2021):
    data = figures_json_data(summary_figures(H1))

    assert data["period"] == "2021-H1"
    assert figures_json_data(summary_figures(FY))["period"] == "2021"
    assert {"award_code", "recipient_kind", "count"} <= set(data["awards"][0])
    assert {(a["award_code"], a["recipient_kind"], a["count"]) for a in data["awards"]} == {
        ("LDTT", "individual", 1), ("CSTDCS", "individual", 1), ("TTLDXS", "collective", 1),
        ("BK_BCH", "collective", 1), ("BK_TTG", "individual", 1)}
    assert isinstance(data["cooperative_share_percent"], float)
    assert '"cooperative_share_percent": 40.0' in json.dumps(data)
    assert data["start"] == "2021-01-01" and data["end"] == "2021-06-30"


@pytest.mark.parametrize(("part", "whole", "share"), [
    (0, 0, 0.0), (2, 3, 66.7), (1, 3, 33.3), (1, 8, 12.5), (1, 16, 6.3), (5, 5, 100.0)])
def test_percent_one_decimal_rounds_half_up(part, whole, share):
    assert percent_one_decimal(part, whole) == share


@pytest.mark.parametrize(("code", "expected"), [
    ("2021-H1", (2021, "H1", D(2021, 1, 1), D(2021, 6, 30))),
    ("2021", (2021, "FY", D(2021, 1, 1), D(2021, 12, 31))),
    (" 2021-h1 ", (2021, "H1", D(2021, 1, 1), D(2021, 6, 30))),
])
def test_parse_period(code, expected):
    period = parse_period(code)

    assert (period.year, period.half, period.start, period.end) == expected


@pytest.mark.parametrize("code", ["", "2021-H2", "21", "2021-H1x", "1800", "năm 2021",
                                  "2021; DROP TABLE", "9" * 400])
def test_parse_period_refuses(code):
    with pytest.raises(ValidationError):
        parse_period(code)


def _movement(world, **data):
    data.setdefault("level", Movement.Level.ALLIANCE)
    data.setdefault("organization", world.central)
    return Movement.objects.create(**data)


def test_movements_launched_active_campaigns_and_expired_still_reported(world):
    _movement(world, name="Phong trào dài hạn", start_date=D(2019, 1, 1))
    _movement(world, name="Đợt thi đua ngắn", kind=Movement.Kind.CAMPAIGN,
              start_date=D(2021, 3, 1), end_date=D(2021, 4, 11))
    _movement(world, name="Sau kỳ báo cáo", start_date=D(2021, 7, 1))
    expired = _movement(world, name="Phong trào đã hết hiệu lực", start_date=D(2016, 1, 1),
                        end_date=D(2020, 12, 31))
    call = RegistrationCall.objects.create(organizer=world.central, year=2021,
                                           deadline=D(2021, 3, 31))
    registration = Registration.objects.create(
        call=call, organization=world.hanoi, year=2021, status=Registration.Status.SUBMITTED,
        late=True, created_by=world.users.staff)
    registration.movements.add(expired)

    figures = summary_figures(H1)

    assert {k: v for k, v in figures["movements"].items() if k != "expired_still_reported"} == {
        "active": 2, "launched": 1, "campaigns": 1}
    assert figures["movements"]["expired_still_reported"] == [
        {"id": expired.pk, "name": "Phong trào đã hết hiệu lực", "end_date": D(2020, 12, 31)}]
    assert figures["registrations"] == {"submitted": 1, "late": 1}
    assert summary_figures(H1, world.hue)["movements"]["expired_still_reported"] == []


def test_unit_reports_late_and_on_time(world):
    from django.utils import timezone

    period = ReportPeriod.objects.create(year=2021, half="H1", deadline=D(2021, 6, 15),
                                         created_by=world.users.admin)
    on_time = UnitReport.objects.create(
        period=period, organization=world.hanoi, status="submitted", created_by=world.users.staff,
        first_submitted_at=timezone.make_aware(datetime.datetime(2021, 6, 15, 23, 0)))
    late = UnitReport.objects.create(
        period=period, organization=world.hue, status="submitted", created_by=world.users.admin,
        first_submitted_at=timezone.make_aware(datetime.datetime(2021, 6, 16, 8, 0)))
    UnitReport.objects.create(period=period, organization=world.office,
                              created_by=world.users.office_staff)

    reports = summary_figures(H1)["unit_reports"]

    assert (reports["deadline"], reports["submitted"], reports["on_time"]) == (
        D(2021, 6, 15), 2, 1)
    assert [r["id"] for r in reports["late"]] == [late.pk]
    assert list(records_for(H1, "unit_reports_late")) == [late]
    assert set(records_for(H1, "unit_reports")) == {on_time, late}
    # Expected: the units under the central body; Văn phòng's draft is not a report sent.
    assert {(m["kind"], m["id"]) for m in reports["missing"]} == {
        ("organization", world.tccb.pk), ("organization", world.office.pk)}
    assert summary_figures(H1, world.hanoi)["unit_reports"]["missing"] == []


def _many_awards(world, n):
    for index in range(n):
        award_record(code="LDTT", year=2020, person=PersonFactory(organization=world.coop_hanoi),
                     decision_date=D(2021, 1 + index % 6, 1 + index % 28))


@pytest.mark.parametrize("n", [2, 20])
def test_query_count_does_not_grow_with_awards(world, n, django_assert_num_queries):
    _many_awards(world, n)
    ReportPeriod.objects.create(year=2021, half="H1", deadline=D(2021, 6, 15),
                                created_by=world.users.admin)

    with django_assert_num_queries(QUERIES):
        figures = summary_figures(H1)

    assert figures["awards_total"] == n


# awards 1, movements 2, registrations 1, pledges 1, rounds 1, council 1, unit reports 2,
# expected units and clusters/blocs 2.
QUERIES = 11


# --- the records behind a figure (reports:figure_records) ---------------------------------------

URL = "/bao-cao/so-lieu/ban-ghi/"


def _records_page(client, user, **query):
    client.force_login(user)
    return client.get(URL, query)


def test_every_figure_links_to_its_records(world, awards_2021):
    figures = summary_figures(H1, world.hanoi)

    assert figures["sources"]["awards"] == (
        f"{URL}?period=2021-H1&figure=awards&organization={world.hanoi.code}")
    ldtt = next(line for line in figures["awards"] if line["award_code"] == "LDTT")
    assert ldtt["records_url"].endswith("&award_code=LDTT&recipient_kind=individual")


def test_figure_records_lists_the_awards_behind_a_line(client, world, awards_2021):
    response = _records_page(client, world.users.admin, period="2021-H1", figure="awards",
                             award_code="LDTT", recipient_kind="individual")

    assert response.status_code == 200
    assert list(response.context["page"]) == [awards_2021[1]]
    assert "Nguyễn Thị Hợp" in response.content.decode()
    assert "30/06/2021" in response.content.decode()


def test_figure_records_for_an_organization(client, world, awards_2021):
    response = _records_page(client, world.users.leadership, period="2021-H1",
                             figure="cooperative_awards", organization=world.hanoi.code)

    assert set(response.context["page"]) == {awards_2021[1], awards_2021[3]}


@pytest.mark.parametrize("role", ["province_admin", "staff", "outsider", "no_role"])
def test_figure_records_of_the_whole_system_are_for_central_roles(client, world, awards_2021,
                                                                  role):
    response = _records_page(client, getattr(world.users, role), period="2021-H1",
                             figure="awards")

    assert response.status_code == 403


def test_a_province_reads_the_records_behind_its_own_figures_only(client, world, awards_2021):
    """The figures of a provincial alliance's summary report link here with its code."""
    own = _records_page(client, world.users.province_admin, period="2021-H1",
                        figure="cooperative_awards", organization=world.hanoi.code)
    other = _records_page(client, world.users.province_admin, period="2021-H1",
                          figure="awards", organization=world.hue.code)
    parent = _records_page(client, world.users.province_admin, period="2021-H1",
                           figure="awards", organization=world.central.code)

    assert own.status_code == 200
    assert set(own.context["page"]) == {awards_2021[1], awards_2021[3]}
    assert (other.status_code, parent.status_code) == (403, 403)


def test_figure_records_redirects_anonymous(client, world):
    response = client.get(URL, {"period": "2021-H1", "figure": "awards"})

    assert response.status_code == 302


@pytest.mark.parametrize("query", [
    {"period": "2021-H1", "figure": "salaries"},
    {"period": "2021-H7", "figure": "awards"},
    {"figure": "awards"},
    {"period": "2021-H1", "figure": "awards", "organization": "KHONG-CO"},
    {"period": "<script>", "figure": "<script>"},
])
def test_figure_records_unknown_query_is_404(client, world, query):
    response = _records_page(client, world.users.admin, **query)

    assert response.status_code == 404


@pytest.mark.parametrize("figure", ["movements_active", "registrations", "pledges",
                                    "scoring_rounds", "council_meetings", "unit_reports",
                                    "unit_reports_late", "state_awards"])
def test_figure_records_page_of_every_kind_renders(client, world, figure):
    response = _records_page(client, world.users.admin, period="2021", figure=figure)

    assert response.status_code == 200
    assert list(response.context["page"]) == []


@pytest.mark.parametrize("n", [2, 20])
def test_figure_records_query_count_does_not_grow(client, world, n, django_assert_num_queries):
    _many_awards(world, n)
    client.force_login(world.users.admin)
    client.get(URL, {"period": "2021-H1", "figure": "awards"})

    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(URL, {"period": "2021-H1", "figure": "awards"})

    assert len(response.context["page"]) == n


# The same for either size: the page frame's three (session, user, roles) plus one count and
# one joined select.
PAGE_QUERIES = 5


# --- review conferences of the clusters and blocs (issue 7 §3) ---------------------------------


def _round(world, group, half, conference, *, year=2021, status="closed"):
    from emulation.tests.fairness_builders import closed_round

    made = closed_round(world, group, year, half, status=status)
    ScoringRound.objects.filter(pk=made.pk).update(conference=conference)
    return made


@pytest.fixture
def conferences(world):
    """Closed in 2021: two in person, one online, one without a conference and one from before
    the close asked it (blank); not counted: a 2020 round and a round still in its second
    step. The Hà Nội cluster's two rounds are the only ones of Hà Nội's subtree."""
    central = [GroupFactory(organizer=world.central) for _ in range(3)]
    hanoi = GroupFactory(organizer=world.hanoi)
    _round(world, central[0], "mid_year", "in_person")
    _round(world, central[0], "year_end", "online")
    _round(world, central[1], "year_end", "not_held")
    _round(world, central[2], "year_end", "")
    _round(world, hanoi, "mid_year", "in_person")
    _round(world, hanoi, "year_end", "in_person", year=2020)
    _round(world, central[1], "mid_year", "", status="peer")
    return hanoi


def test_closed_rounds_are_counted_by_review_conference(world, conferences):
    figures = summary_figures(FY)

    assert figures["scoring_rounds_closed"] == 5
    assert figures["scoring_rounds_by_conference"] == {
        "in_person": 2, "online": 1, "not_held": 1, "not_recorded": 1}
    assert figures_json_data(figures)["scoring_rounds_by_conference"]["online"] == 1


def test_conference_counts_follow_the_organization_subtree(world, conferences):
    figures = summary_figures(FY, world.hanoi)

    assert figures["scoring_rounds_closed"] == 1
    assert figures["scoring_rounds_by_conference"] == {
        "in_person": 1, "online": 0, "not_held": 0, "not_recorded": 0}


def test_no_round_gives_zero_conferences(world):
    assert summary_figures(FY)["scoring_rounds_by_conference"] == {
        "in_person": 0, "online": 0, "not_held": 0, "not_recorded": 0}


def test_counting_conferences_adds_no_query(world, conferences, django_assert_num_queries):
    ReportPeriod.objects.create(year=2021, half="FY", deadline=D(2021, 12, 15),
                                created_by=world.users.admin)

    with django_assert_num_queries(QUERIES):
        summary_figures(FY)


def test_the_summary_page_rows_show_conferences_with_the_rounds_records(world, conferences):
    from reports.selectors_summary import scalar_rows

    rows = {str(label): (value, url) for label, value, url in scalar_rows(
        figures_json_data(summary_figures(FY)))}

    rounds_url = rows["Đợt chấm điểm đã tổ chức"][1]
    assert rounds_url and "figure=scoring_rounds" in rounds_url
    assert rows["Hội nghị sơ kết, tổng kết tổ chức trực tiếp"] == ("2", rounds_url)
    assert rows["Hội nghị sơ kết, tổng kết tổ chức trực tuyến"] == ("1", rounds_url)
