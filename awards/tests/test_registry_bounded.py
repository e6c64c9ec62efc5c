"""The registry searched by a common name: the rows and their order are those the rules give
(records of the people, collectives and units whose name holds the text, newest achievement year
first, then newest decision, the catalogue's order, the id), page after page; and when more than
1,000 records match, the page says "more than 1.000" instead of counting them all
(bench/RESULTS.md §14)."""

import datetime
import itertools

import pytest
from django.urls import reverse

from awards import selectors
from awards.models import AwardRecord, AwardType
from awards.tests.factories import award_record
from clusters.tests.factories import OrganizationFactory, PersonFactory
from clusters.text import fold
from config.paginators import BoundedPaginator

pytestmark = pytest.mark.django_db

YEARS = [2022, 2023, 2024]
# Few decision dates, so that many records share a year and a date and the catalogue's order
# and the id decide.
DATES = [datetime.date(2025, 1, 15), datetime.date(2025, 3, 2), datetime.date(2024, 12, 30)]


def _expected(name: str) -> list[AwardRecord]:
    """The registry's rule, written out in Python over every record."""
    folded = fold(name)

    def matches(r: AwardRecord) -> bool:
        if r.person_id:
            return folded in r.person.search_text
        if r.collective_name:
            return folded in r.collective_search
        return folded in r.organization.search_text

    records = [r for r in AwardRecord.objects.select_related("person", "organization", "award_type")
               if matches(r)]
    return sorted(records, key=lambda r: (-r.achievement_year, -r.decision_date.toordinal(),
                                          r.award_type.display_order, r.id))


def _make_many_nguyen(world):
    """Seventy-odd matching records of all three kinds, with ties, and some that do not match."""
    cycle = itertools.cycle(itertools.product(YEARS, DATES))
    people = [PersonFactory(organization=world.coop_hanoi, full_name=f"Nguyễn Văn Số {i}")
              for i in range(12)]
    people += [PersonFactory(organization=world.coop_hue, full_name=f"Trần Thị Nguyên {i}")
               for i in range(4)]
    others = [PersonFactory(organization=world.coop_hanoi, full_name=f"Lê Văn Khác {i}")
              for i in range(5)]
    unit = OrganizationFactory(parent=world.hanoi, province=world.hanoi.province,
                               name="Hợp tác xã Nguyễn Gia")
    for i, person in enumerate(people + others):
        for code in ("LDTT", "CSTDCS", "GK", "BK_CT"):
            year, day = next(cycle)
            award_record(code=code, year=year, person=person, decision_date=day,
                         decision_number=f"{i}-{code}/QĐ-TEST")
    for i in range(6):
        year, day = next(cycle)
        award_record(code="TTLDXS" if i % 2 else "TTLDTT", year=year, organization=world.hanoi,
                     collective_name=f"Tổ sản xuất Nguyễn Trãi {i}", decision_date=day)
        award_record(code="GK", year=year, organization=world.hanoi,
                     collective_name=f"Tổ bảo vệ {i}", decision_date=day)
    for code in ("TTLDTT", "TTLDXS", "GK"):
        for year in YEARS:
            award_record(code=code, year=year, organization=unit, decision_date=DATES[1])
    # The catalogue's order is not the ids' order: a record of a later-created type may come first.
    AwardType.objects.filter(code="GK").update(display_order=5)


def test_a_common_name_finds_every_matching_record_in_the_registry_order(world):
    _make_many_nguyen(world)
    expected = _expected("nguyen")

    found = list(selectors.registry_search(world.users.admin, name="Nguyễn"))

    assert len(expected) > 50  # more than a page
    assert {r.person_id is not None for r in expected} == {True, False}
    assert any(r.collective_name for r in expected)
    assert [r.pk for r in found] == [r.pk for r in expected]


def test_a_name_matching_more_people_than_the_id_list_holds_finds_the_same_records(world,
                                                                                     monkeypatch):
    """Past NAMED_IDS_LIMIT people or units the search keeps its subqueries: same rows, same order."""
    _make_many_nguyen(world)
    monkeypatch.setattr(selectors, "NAMED_IDS_LIMIT", 3)

    found = list(selectors.registry_search(world.users.admin, name="nguyen"))

    assert [r.pk for r in found] == [r.pk for r in _expected("nguyen")]


def test_the_registry_pages_of_a_common_name_follow_one_another_without_gap_or_repeat(world, client):
    _make_many_nguyen(world)
    expected = [r.pk for r in _expected("nguyen")]
    client.force_login(world.users.admin)
    url = reverse("awards:registry_search")

    first = client.get(url, {"name": "nguyen"})
    second = client.get(url, {"name": "nguyen", "page": 2})

    assert [r.pk for r in first.context["page"]] == expected[:50]
    assert [r.pk for r in second.context["page"]] == expected[50:100]
    assert first.context["page"].paginator.exact
    text = first.content.decode()
    assert f"Hiển thị 1–50 trên tổng số {len(expected)}" in text
    assert "Trang 1/2" in text
    assert "page=2\">Cuối" in text


def _bulk_records(world, n, *, name="Nguyễn Văn Nhiều"):
    person = PersonFactory(organization=world.coop_hanoi, full_name=name)
    award_type = AwardType.objects.get(code="GK")
    AwardRecord.objects.bulk_create(
        AwardRecord(person=person, organization_at_award=world.coop_hanoi, award_type=award_type,
                    achievement_year=2024, decision_number=f"{i}/QĐ-NHIEU",
                    decision_date=datetime.date(2025, 1, 15))
        for i in range(n))


def test_more_than_a_thousand_matches_read_more_than_1000_and_next_still_works(world, client):
    _bulk_records(world, 1_120)
    client.force_login(world.users.admin)
    url = reverse("awards:registry_search")

    first = client.get(url, {"name": "nguyen"})
    page_21 = client.get(url, {"name": "nguyen", "page": 21})
    page_23 = client.get(url, {"name": "nguyen", "page": 23})

    text = first.content.decode()
    assert "Hiển thị 1–50 trên tổng số hơn 1.000 kết quả" in text
    assert "Trang 1</span>" in text and "Trang 1/" not in text
    assert "page=2\">Sau" in text  # "Next" is offered, "Last" is not: the last page is unknown
    assert "Cuối" not in text
    assert not first.context["page"].paginator.exact
    # A page past the first thousand: counted up to its end, so it exists and has a next page.
    text_21 = page_21.content.decode()
    assert "Hiển thị 1.001–1.050 trên tổng số hơn 1.050 kết quả" in text_21
    assert len(page_21.context["page"].object_list) == 50
    assert "page=22\">Sau" in text_21
    # The last page: the count reached the end, so the total is exact again.
    text_23 = page_23.content.decode()
    assert "Hiển thị 1.101–1.120 trên tổng số 1.120" in text_23
    assert "Trang 23/23" in text_23
    assert len(page_23.context["page"].object_list) == 20


def test_the_bounded_count_stops_at_the_bound(world):
    _bulk_records(world, 30)
    records = selectors.registry_search(world.users.admin, name="nguyen")

    page = BoundedPaginator(records, 10, limit=20).get_page(1)

    assert (page.paginator.count, page.paginator.bound, page.paginator.exact) == (21, 20, False)
    assert page.paginator.num_pages == 3 and page.has_next()
    exact = BoundedPaginator(records, 10, limit=30).get_page(1)
    assert (exact.paginator.count, exact.paginator.exact, exact.paginator.num_pages) == (30, True, 3)


@pytest.mark.parametrize("number, shown", [("9999", 3), ("-3", 3), ("abc", 1), (None, 1)])
def test_a_page_out_of_range_or_not_a_number_falls_back_like_django(world, number, shown):
    """Django shows the last page for a number out of range: with a bounded count that page is
    counted to its end first, so it holds its real rows, not the one row past the bound."""
    _bulk_records(world, 30)
    records = selectors.registry_search(world.users.admin, name="nguyen")

    page = BoundedPaginator(records, 10, limit=20).get_page(number)

    assert page.number == shown
    assert [r.pk for r in page.object_list] == [r.pk for r in records][(shown - 1) * 10:shown * 10]
