"""The figures of the summary document (reports.document_figures) against
hand-computed fixtures: awards per emulation group, the annex of higher awards, the previous
year and the comparison, and a query count that does not grow with the data.

`groups_2021` (world plus Đà Nẵng's alliance, in no group), memberships of 2021:

| group                          | kind    | organizer | members                   |
|--------------------------------|---------|-----------|---------------------------|
| Cụm thi đua Bắc Bộ             | cluster | central   | Hà Nội alliance           |
| Cụm thi đua Miền Trung         | cluster | central   | Huế alliance              |
| Khối HTX Hà Nội                | bloc    | Hà Nội    | the Hà Nội cooperative    |
| Khối thi đua Cơ quan           | bloc    | central   | Văn phòng, Ban TCCB       |

(Huế was in Cụm Bắc Bộ in 2020 only.) Awards decided in H1 2021:

| # | recipient                          | award  | decided    | groups credited               |
|---|------------------------------------|--------|------------|-------------------------------|
| 1 | a member of the Hà Nội coop        | LDTT   | 10/03/2021 | Bắc Bộ, Khối HTX Hà Nội       |
| 2 | the Hà Nội coop                    | BK_BCH | 15/03/2021 | Bắc Bộ, Khối HTX Hà Nội       |
| 3 | the Hà Nội alliance                | TTLDXS | 01/02/2021 | Bắc Bộ                        |
| 4 | a member of the Huế coop           | LDTT   | 01/04/2021 | Miền Trung                    |
| 5 | Yến, of Văn phòng                  | BK_CT  | 05/05/2021 | Khối Cơ quan                  |
| 6 | An, of Ban TCCB                    | BK_CT  | 05/05/2021 | Khối Cơ quan                  |
| 7 | Đà Nẵng's alliance                 | BK_CT  | 20/05/2021 | none                          |
| 8 | a member of the Hà Nội coop        | GK     | 01/06/2021 | Bắc Bộ, Khối HTX Hà Nội       |
| 9 | Văn phòng, revoked                 | BK_CT  | 02/05/2021 | none (revoked)                |
|10 | a member of the Huế coop           | LDTT   | 01/07/2021 | not in H1                     |

Bắc Bộ 4 (#1, #2, #3, #8), Miền Trung 1, Khối HTX Hà Nội 3 (#1, #2, #8), Khối Cơ quan 2.
Annex (levels of the Alliance or the State): #3 (TTLDXS, order 60), #2 (BK_BCH, 90), then BK_CT
(100) by date and name: #6 "Phạm Văn An", #5 "Lê Thị Yến" (by given name), #7 (20/05).
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards.models import AwardRecord
from awards.tests.factories import award_record
from clusters import services as cluster_services
from clusters.models import EmulationGroup
from clusters.tests.factories import GroupFactory, PersonFactory, alliance
from emulation.models import Movement
from reports.document_figures import change_percent, document_figures
from reports.statistics import PeriodSpan, records_for

D = datetime.date
H1 = PeriodSpan(2021, "H1")
FY = PeriodSpan(2021, "FY")


def _group(name, organizer, members, kind=EmulationGroup.Kind.CLUSTER, year=2021):
    group = GroupFactory(name=name, organizer=organizer, kind=kind)
    cluster_services.group_set_year(group=group, year=year, members=members, leader=None,
                                    deputy=None)
    return group


@pytest.fixture
def groups_2021(world):
    bac_bo = _group("Cụm thi đua Bắc Bộ", world.central, [world.hanoi])
    cluster_services.group_set_year(group=bac_bo, year=2020, members=[world.hue], leader=None,
                                    deputy=None)
    groups = {
        "bac_bo": bac_bo,
        "mien_trung": _group("Cụm thi đua Miền Trung", world.central, [world.hue]),
        "htx_hn": _group("Khối HTX Hà Nội", world.hanoi, [world.coop_hanoi],
                         kind=EmulationGroup.Kind.BLOC),
        "co_quan": _group("Khối thi đua Cơ quan", world.central, [world.office, world.tccb],
                          kind=EmulationGroup.Kind.BLOC),
    }
    danang = alliance("Đà Nẵng")
    hn_member = PersonFactory(organization=world.coop_hanoi, full_name="Nguyễn Thị Hợp")
    hue_member = PersonFactory(organization=world.coop_hue, full_name="Hoàng Văn Nón")
    yen = PersonFactory(organization=world.office, full_name="Lê Thị Yến")
    an = PersonFactory(organization=world.tccb, full_name="Phạm Văn An")
    records = {
        1: award_record(code="LDTT", year=2020, person=hn_member, decision_date=D(2021, 3, 10)),
        2: award_record(code="BK_BCH", year=2020, organization=world.coop_hanoi,
                        decision_date=D(2021, 3, 15), decision_number="12/QĐ-LMHTXVN"),
        3: award_record(code="TTLDXS", year=2020, organization=world.hanoi,
                        decision_date=D(2021, 2, 1)),
        4: award_record(code="LDTT", year=2020, person=hue_member, decision_date=D(2021, 4, 1)),
        5: award_record(code="BK_CT", year=2020, person=yen, decision_date=D(2021, 5, 5)),
        6: award_record(code="BK_CT", year=2020, person=an, decision_date=D(2021, 5, 5)),
        7: award_record(code="BK_CT", year=2020, organization=danang,
                        decision_date=D(2021, 5, 20)),
        8: award_record(code="GK", year=2020, person=hn_member, decision_date=D(2021, 6, 1)),
        9: award_record(code="BK_CT", year=2020, organization=world.office,
                        decision_date=D(2021, 5, 2)),
        10: award_record(code="LDTT", year=2021, person=hue_member, decision_date=D(2021, 7, 1)),
    }
    AwardRecord.objects.filter(pk=records[9].pk).update(revoked=True,
                                                        revocation_date=D(2021, 6, 1))
    return {"groups": groups, "records": records, "danang": danang}


def _counts(figures):
    return [(g["name"], g["kind"], g["count"]) for g in figures["by_group"]]


def test_awards_by_group_with_two_clusters_and_a_province_in_neither(groups_2021):
    figures = document_figures(H1)

    assert _counts(figures) == [
        ("Cụm thi đua Bắc Bộ", "cluster", 4), ("Cụm thi đua Miền Trung", "cluster", 1),
        ("Khối HTX Hà Nội", "bloc", 3), ("Khối thi đua Cơ quan", "bloc", 2)]
    assert figures["awards_total"] == 8  # Đà Nẵng's award counts in the total, in no group
    assert figures["by_group"][0]["group_id"] == groups_2021["groups"]["bac_bo"].pk


def test_by_group_of_an_organization_keeps_the_groups_it_organizes(world, groups_2021):
    figures = document_figures(H1, world.hanoi)

    assert _counts(figures) == [("Khối HTX Hà Nội", "bloc", 3)]


def test_by_group_of_a_year_without_memberships_is_empty(groups_2021):
    assert document_figures(PeriodSpan(2022, "H1"))["by_group"] == []


def test_group_records_url_lists_the_awards_behind_the_count(client, world, groups_2021):
    records = groups_2021["records"]
    line = document_figures(H1)["by_group"][0]
    assert line["records_url"].endswith(f"figure=group_awards&group={line['group_id']}")

    client.force_login(world.users.admin)
    response = client.get(line["records_url"])

    assert response.status_code == 200
    assert set(response.context["page"]) == {records[n] for n in (1, 2, 3, 8)}
    assert set(records_for(H1, "group_awards", group=line["group_id"])) == {
        records[n] for n in (1, 2, 3, 8)}


@pytest.mark.parametrize("group", ["", "abc", "999999", "1; DROP TABLE", "<script>", "9" * 40])
def test_group_records_with_a_wrong_group_is_404(client, world, groups_2021, group):
    client.force_login(world.users.admin)
    response = client.get("/bao-cao/so-lieu/ban-ghi/",
                          {"period": "2021-H1", "figure": "group_awards", "group": group})

    assert response.status_code == 404


def test_group_of_another_scope_is_404(client, world, groups_2021):
    client.force_login(world.users.admin)
    response = client.get("/bao-cao/so-lieu/ban-ghi/", {
        "period": "2021-H1", "figure": "group_awards", "organization": world.hue.code,
        "group": groups_2021["groups"]["htx_hn"].pk})

    assert response.status_code == 404


def test_sources_have_no_link_needing_a_group(groups_2021):
    assert "group_awards" not in document_figures(H1)["sources"]


def test_annex_lists_the_higher_awards_in_order(world, groups_2021):
    figures = document_figures(H1)

    assert [(a["award_code"], a["recipient_name"]) for a in figures["annex"]] == [
        ("TTLDXS", world.hanoi.name), ("BK_BCH", world.coop_hanoi.name),
        ("BK_CT", "Phạm Văn An"), ("BK_CT", "Lê Thị Yến"),
        ("BK_CT", groups_2021["danang"].name)]
    assert figures["annex_total"] == 5
    assert figures["annex"][1] == {
        "award_code": "BK_BCH", "award_name": "Bằng khen của Ban Chấp hành Liên minh HTX Việt Nam",
        "recipient_kind": "collective", "recipient_name": world.coop_hanoi.name,
        "unit_name": world.hanoi.name, "decision_number": "12/QĐ-LMHTXVN",
        "decision_date": "2021-03-15"}
    assert figures["annex"][2]["unit_name"] == world.tccb.name
    assert figures["annex"][2]["recipient_kind"] == "individual"


def test_annex_leaves_out_the_giay_khen_and_the_revoked(groups_2021):
    annex = document_figures(H1)["annex"]

    assert "GK" not in {a["award_code"] for a in annex}
    assert "Văn phòng" not in {a["recipient_name"] for a in annex}  # #9, revoked


def test_annex_uses_the_record_granting_level_first(world):
    person = PersonFactory(organization=world.office, full_name="Đỗ Văn Cao")
    award_record(code="GK", year=2020, person=person, decision_date=D(2021, 3, 1),
                 granting_level="alliance_chairman")

    assert [a["recipient_name"] for a in document_figures(H1)["annex"]] == ["Đỗ Văn Cao"]


# --- previous year and comparison -------------------------------------------------------------


@pytest.fixture
def two_years(world):
    """2020: 4 awards, 1 to a cooperative (25.0 %), no State award. 2021: 5 awards, 2 to a
    cooperative (40.0 %), 1 State award. One movement under way in both years; no meeting."""
    clerk = PersonFactory(organization=world.office, full_name="Trần Văn Ban")
    member = PersonFactory(organization=world.coop_hanoi, full_name="Nguyễn Thị Hợp")
    for day in (D(2020, 2, 1), D(2020, 3, 1), D(2020, 12, 31)):
        award_record(code="LDTT", year=2019, person=clerk, decision_date=day,
                     decision_number=f"{day:%m%d}/QĐ-2020")
    award_record(code="BK_BCH", year=2019, organization=world.coop_hanoi,
                 decision_date=D(2020, 6, 1))
    award_record(code="LDTT", year=2020, person=member, decision_date=D(2021, 1, 10))
    award_record(code="BK_BCH", year=2020, organization=world.coop_hanoi,
                 decision_date=D(2021, 1, 11))
    award_record(code="LDTT", year=2020, person=clerk, decision_date=D(2021, 2, 1))
    award_record(code="LDTT", year=2020, person=clerk, decision_date=D(2021, 9, 1),
                 decision_number="9/QĐ-2021")
    award_record(code="BK_TTG", year=2020, person=clerk, decision_date=D(2021, 12, 31))
    Movement.objects.create(name="Phong trào dài hạn", level=Movement.Level.ALLIANCE,
                            organization=world.central, start_date=D(2019, 1, 1))


def _row(figures, key):
    row = next(r for r in figures["comparison"] if r["key"] == key)
    return {k: row[k] for k in ("current", "previous", "change", "change_percent")}


def test_whole_year_compares_with_the_previous_year(two_years):
    figures = document_figures(FY)

    assert figures["previous"]["period"] == "2020"
    assert figures["previous"]["awards_total"] == 4
    assert "sources" not in figures["previous"]
    assert _row(figures, "awards_total") == {
        "current": 5, "previous": 4, "change": 1, "change_percent": 25.0}
    assert _row(figures, "cooperative_share_percent") == {
        "current": 40.0, "previous": 25.0, "change": 15.0, "change_percent": 60.0}
    assert _row(figures, "state_awards_total") == {
        "current": 1, "previous": 0, "change": 1, "change_percent": None}
    assert _row(figures, "movements_active") == {
        "current": 1, "previous": 1, "change": 0, "change_percent": 0.0}
    assert _row(figures, "council_meetings") == {
        "current": 0, "previous": 0, "change": 0, "change_percent": None}
    assert [r["key"] for r in figures["comparison"]] == [
        "awards_total", "cooperative_share_percent", "state_awards_total", "movements_active",
        "registrations_submitted", "pledges_signed", "scoring_rounds_closed",
        "council_meetings", "unit_reports_submitted"]
    assert figures["comparison"][0]["label"] == "Khen thưởng quyết định trong kỳ"


def test_first_half_has_no_previous_and_no_comparison(two_years):
    figures = document_figures(H1)

    assert figures["previous"] is None
    assert figures["comparison"] == []
    assert figures["awards_total"] == 3


@pytest.mark.parametrize(("current", "previous", "expected"), [
    (9, 8, 12.5), (4, 8, -50.0), (1, 3, -66.7), (2, 3, -33.3), (5, 0, None), (0, 0, None),
    (40.0, 25.0, 60.0)])
def test_change_percent(current, previous, expected):
    assert change_percent(current, previous) == expected


# --- query count -------------------------------------------------------------------------------


def _awards(world, n):
    for index in range(n):
        member = PersonFactory(organization=(world.coop_hanoi, world.coop_hue)[index % 2])
        award_record(code=("LDTT", "BK_CT", "BK_TTG")[index % 3], year=2020, person=member,
                     decision_date=D(2021, 1 + index % 6, 1 + index % 28))


@pytest.mark.parametrize("half", ["H1", "FY"])
def test_query_count_does_not_grow_with_awards(world, groups_2021, half):
    period = PeriodSpan(2021, half)
    counts = []
    for added, total in ((3, 3), (27, 30)):
        _awards(world, added)
        with CaptureQueriesContext(connection) as queries:
            figures = document_figures(period)
        counts.append(len(queries))
        # The fixture's 8 awards of H1, and #10 (1 July) in the whole year.
        assert figures["awards_total"] == total + (8 if half == "H1" else 9)
    assert counts[0] == counts[1]
