"""The award registry: who may be a recipient, what is the same record, revocation, scoping,
search ignoring diacritics, and histories that include merged organizations."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from awards import selectors, services
from awards.models import AwardRecord, AwardType
from awards.tests.factories import award_record
from clusters import services as cluster_services
from clusters.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_a_record_with_a_person_and_an_organization_is_refused_by_the_database(world):
    person = PersonFactory(organization=world.coop_hanoi)

    with pytest.raises(IntegrityError), transaction.atomic():
        AwardRecord.objects.create(
            person=person, organization=world.coop_hanoi, organization_at_award=world.coop_hanoi,
            award_type=AwardType.objects.get(code="BK_CT"), achievement_year=2024,
            decision_number="1/QĐ-X", decision_date=datetime.date(2025, 1, 2))

    assert AwardRecord.objects.count() == 0


def test_a_record_without_a_recipient_is_refused(world):
    with pytest.raises(ValidationError):
        award_record(code="BK_CT")

    assert AwardRecord.objects.count() == 0


def test_an_individual_award_cannot_go_to_an_organization(world):
    with pytest.raises(ValidationError) as error:
        award_record(code="LDTT", organization=world.coop_hanoi)

    assert "chỉ tặng cho cá nhân" in str(error.value.message_dict["award_type"])
    assert AwardRecord.objects.count() == 0


def test_a_collective_award_cannot_go_to_a_person(world):
    person = PersonFactory(organization=world.coop_hanoi)

    with pytest.raises(ValidationError):
        award_record(code="TTLDTT", person=person)

    assert AwardRecord.objects.count() == 0


def test_the_organization_at_award_defaults_to_the_recipients(world):
    person = PersonFactory(organization=world.coop_hanoi)

    by_person = award_record(person=person)
    by_org = award_record(code="TTLDTT", organization=world.coop_hanoi)
    by_collective = award_record(code="TTLDXS", organization=world.hanoi, collective_name="Văn phòng")

    assert [r.organization_at_award for r in (by_person, by_org, by_collective)] == [
        world.coop_hanoi, world.coop_hanoi, world.hanoi]


@pytest.mark.parametrize("year, day, field", [
    (1900, datetime.date(2020, 1, 1), "achievement_year"),
    (2024, datetime.date.today() + datetime.timedelta(days=1), "decision_date"),
    (2024, datetime.date(2023, 12, 31), "decision_date"),
])
def test_bad_years_and_dates_are_refused(world, year, day, field):
    person = PersonFactory(organization=world.coop_hanoi)

    with pytest.raises(ValidationError) as error:
        award_record(person=person, year=year, decision_date=day)

    assert list(error.value.message_dict) == [field]
    assert AwardRecord.objects.count() == 0


def test_the_same_decision_recipient_and_award_is_the_same_record(world):
    person = PersonFactory(organization=world.coop_hanoi)
    award_record(person=person, decision_number="12/QĐ-LMHTXVN")
    award_record(code="TTLDTT", organization=world.coop_hanoi, decision_number="12/QĐ-LMHTXVN")

    for kwargs in ({"person": person}, {"code": "TTLDTT", "organization": world.coop_hanoi}):
        with pytest.raises(ValidationError) as error:
            award_record(decision_number="12/QĐ-LMHTXVN", **kwargs)
        assert "Quyết định này đã" in str(error.value)

    assert AwardRecord.objects.count() == 2


def test_two_collectives_of_one_organization_are_two_records(world):
    award_record(code="TTLDXS", organization=world.hanoi, collective_name="Văn phòng",
                 decision_number="7/QĐ-X")

    award_record(code="TTLDXS", organization=world.hanoi, collective_name="Ban Kiểm tra",
                 decision_number="7/QĐ-X")
    with pytest.raises(ValidationError):
        award_record(code="TTLDXS", organization=world.hanoi, collective_name="văn phòng",
                     decision_number="7/QĐ-X")

    assert AwardRecord.objects.count() == 2


def test_revocation_needs_a_reason_and_stops_the_award_counting(world):
    record = award_record(person=PersonFactory(organization=world.coop_hanoi))

    with pytest.raises(ValidationError) as error:
        services.award_record_revoke(record=record, decision_number="9/QĐ-X",
                                     revocation_date=datetime.date(2025, 6, 1), reason="  ")
    assert list(error.value.message_dict) == ["reason"]
    assert AwardRecord.objects.counting().count() == 1

    services.award_record_revoke(record=record, decision_number="9/QĐ-X",
                                 revocation_date=datetime.date(2025, 6, 1), reason="Khai man")

    record.refresh_from_db()
    assert (record.revoked, record.revocation_decision_number, record.revocation_reason) == (
        True, "9/QĐ-X", "Khai man")
    assert AwardRecord.objects.counting().count() == 0
    assert record.history.count() == 2


def test_a_hue_user_does_not_see_hanoi_records(world):
    hanoi = award_record(person=PersonFactory(organization=world.coop_hanoi))
    hue = award_record(person=PersonFactory(organization=world.coop_hue))

    assert list(selectors.award_records_for(world.users.outsider)) == [hue]
    assert list(selectors.award_records_for(world.users.staff)) == [hanoi]
    assert set(selectors.award_records_for(world.users.admin)) == {hanoi, hue}
    assert list(selectors.award_records_for(world.users.no_role)) == []


def test_the_registry_page_lists_only_the_users_scope(world, client):
    award_record(person=PersonFactory(organization=world.coop_hanoi, full_name="Nguyễn Văn Đức"))
    award_record(person=PersonFactory(organization=world.coop_hue, full_name="Trần Thị Huế"))
    client.force_login(world.users.outsider)

    response = client.get(reverse("awards:registry_search"))

    assert [r.recipient_name for r in response.context["page"]] == ["Trần Thị Huế"]


def test_history_pages_of_another_province_answer_404(world, client):
    person = PersonFactory(organization=world.coop_hanoi)
    award_record(person=person)
    client.force_login(world.users.outsider)

    statuses = [client.get(reverse("awards:person_awards", args=[person.pk])).status_code,
                client.get(reverse("awards:organization_awards", args=[world.coop_hanoi.pk])).status_code]

    assert statuses == [404, 404]


@pytest.mark.parametrize("query", ["nguyen van duc", "NGUYỄN VĂN ĐỨC", "văn đức"])
def test_search_ignores_case_and_diacritics(world, query):
    found = award_record(person=PersonFactory(organization=world.coop_hanoi, full_name="Nguyễn Văn Đức"))
    award_record(person=PersonFactory(organization=world.coop_hanoi, full_name="Nguyễn Văn Dũng"))

    assert list(selectors.registry_search(world.users.admin, name=query)) == [found]


def test_search_treats_both_accent_placements_alike_and_finds_collectives(world):
    hoa = award_record(person=PersonFactory(organization=world.coop_hanoi, full_name="Lê Thị Hoà"))
    office = award_record(code="TTLDXS", organization=world.hanoi, collective_name="Văn phòng")
    org = award_record(code="TTLDTT", organization=world.coop_hanoi)

    assert list(selectors.registry_search(world.users.admin, name="Hòa")) == [hoa]
    assert list(selectors.registry_search(world.users.admin, name="van phong")) == [office]
    assert list(selectors.registry_search(world.users.admin, name="rau sach")) == [org]


def test_search_filters_by_organization_award_year_and_decision(world):
    person = PersonFactory(organization=world.coop_hanoi)
    wanted = award_record(person=person, code="CSTDCS", year=2023, decision_number="88/QĐ-HTX")
    award_record(person=person, code="LDTT", year=2023)
    award_record(person=PersonFactory(organization=world.coop_hue), code="CSTDCS", year=2023)
    cstdcs = AwardType.objects.get(code="CSTDCS")

    found = selectors.registry_search(world.users.admin, organization="htx-hn-1", award_type=cstdcs,
                                      year=2023, decision_number="88/qđ")

    assert list(found) == [wanted]
    assert list(selectors.registry_search(world.users.admin, organization="rau sạch",
                                          award_type=cstdcs)) == [wanted]


def test_the_organization_history_includes_a_merged_organizations_records(world):
    absorbed = OrganizationFactory(parent=world.hanoi, name="Hợp tác xã Đồng Tâm")
    old = award_record(code="TTLDXS", organization=absorbed, year=2022)
    own = award_record(code="TTLDTT", organization=world.coop_hanoi, year=2024)
    cluster_services.organization_merge(absorbed=absorbed, into=world.coop_hanoi,
                                        on_date=datetime.date(2025, 7, 1))

    years = selectors.organization_award_history(world.coop_hanoi)

    assert [(y["year"], y["records"]) for y in years] == [(2024, [own]), (2022, [old])]
    assert years[1]["records"][0].absorbed_from == absorbed
    assert years[0]["records"][0].absorbed_from is None


def test_the_organization_history_page_marks_the_merged_organization(world, client):
    absorbed = OrganizationFactory(parent=world.hanoi, name="Hợp tác xã Đồng Tâm")
    award_record(code="TTLDXS", organization=absorbed, year=2022)
    cluster_services.organization_merge(absorbed=absorbed, into=world.coop_hanoi,
                                        on_date=datetime.date(2025, 7, 1))
    client.force_login(world.users.staff)

    response = client.get(reverse("awards:organization_awards", args=[world.coop_hanoi.pk]))

    assert "từ Hợp tác xã Đồng Tâm (đã sáp nhập)" in response.content.decode()


def test_the_person_history_is_by_year_and_shows_revocation(world, client):
    person = PersonFactory(organization=world.coop_hanoi)
    first = award_record(person=person, year=2022)
    second = award_record(person=person, code="CSTDCS", year=2023)
    services.award_record_revoke(record=second, decision_number="5/QĐ-X",
                                 revocation_date=datetime.date(2024, 6, 1), reason="Khai man")
    client.force_login(world.users.staff)

    response = client.get(reverse("awards:person_awards", args=[person.pk]))

    assert [(y["year"], [r.pk for r in y["records"]]) for y in response.context["years"]] == [
        (2023, [second.pk]), (2022, [first.pk])]
    assert "đã thu hồi" in response.content.decode()


def test_a_bad_year_in_the_search_form_is_explained_in_vietnamese(world, client):
    award_record(person=PersonFactory(organization=world.coop_hanoi))
    client.force_login(world.users.admin)

    response = client.get(reverse("awards:registry_search"), {"year": "hai nghìn"})

    assert response.status_code == 200
    assert response.context["form"].errors["year"] == ["Nhập một số nguyên."]
    assert AwardRecord.objects.count() == 1


def test_the_demo_award_history_is_built_once(world):
    from awards.demo import build_award_history

    PersonFactory(organization=world.coop_hanoi)
    first = build_award_history()
    second = build_award_history()

    assert first > 0 and second == 0
    assert AwardRecord.objects.count() == first


def test_records_show_the_organization_by_its_name_on_the_decision_day(world, client):
    award_record(code="TTLDXS", year=2023, organization=world.hue,
                 decision_date=datetime.date(2024, 1, 16))
    award_record(code="TTLDXS", year=2025, organization=world.hue,
                 decision_date=datetime.date(2026, 1, 16))
    cluster_services.organization_rename(organization=world.hue, name="Liên minh HTX thành phố Huế",
                                         short_name="", on_date=datetime.date(2025, 1, 1))
    client.force_login(world.users.outsider)

    page = client.get(reverse("awards:organization_awards", args=[world.hue.pk])).content.decode()
    history = {row["year"]: row["records"][0] for row in selectors.organization_award_history(world.hue)}

    assert history[2023].organization_name_then == "Liên minh Hợp tác xã Huế"
    assert history[2025].organization_name_then == "Liên minh HTX thành phố Huế"
    assert "<td>Liên minh Hợp tác xã Huế</td>" in page
