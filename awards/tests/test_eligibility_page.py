"""The eligibility page (xét điều kiện): who may use it, what it shows, and bad input."""

import datetime

import pytest
from django.utils.html import escape

from awards import services
from awards.models import AnnualAssessment, RuleParameter, RuleSet
from awards.selectors import default_achievement_year
from clusters.models import Person
from clusters.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
URL = "/khen-thuong/xet-dieu-kien/"


@pytest.fixture
def part_timer(world):
    """Rated well in 2025 but worked only 8 months: not Lao động tiên tiến under a 10-month
    minimum, eligible under a 6-month one."""
    person = PersonFactory(organization=world.coop_hanoi, full_name="Mai Văn Sơn")
    AnnualAssessment.objects.create(person=person, year=2025, rating="good", months_worked=8,
                                    absence_days=0)
    return person


def page(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def test_default_year_is_the_last_full_year():
    assert default_achievement_year(datetime.date(2026, 11, 27)) == 2025
    assert default_achievement_year(datetime.date(2027, 1, 2)) == 2026


def test_staff_see_the_verdict_and_its_reasons(world, client, part_timer):
    response = page(client, world.users.staff, person=part_timer.pk, award="LDTT", year=2025,
                    on_date="27/11/2026")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Không đủ điều kiện" in text
    assert "8 tháng" in text and "ít nhất 10" in text
    assert "Luật Thi đua, khen thưởng năm 2022 và Nghị định 152/2025/NĐ-CP" in text


def test_every_award_for_the_candidate_when_none_is_chosen(world, client, part_timer):
    response = page(client, world.users.staff, person=part_timer.pk, year=2025)
    names = [r.award_type.code for r in response.context["results"]]
    assert "LDTT" in names and "HCLD3" in names
    assert "TTLDTT" not in names  # collectives only


def test_changing_a_parameter_changes_the_verdict(world, client, part_timer):
    before = page(client, world.users.staff, person=part_timer.pk, award="LDTT", year=2025,
                  on_date="27/11/2026").context["results"][0]
    assert before.verdict == "not_eligible"
    parameter = RuleParameter.objects.get(rule_set__valid_from=datetime.date(2025, 7, 1),
                                          key="ldtt_min_months_employed")
    services.rule_parameter_set_value(parameter=parameter, value="6", by=world.users.admin)
    after = page(client, world.users.staff, person=part_timer.pk, award="LDTT", year=2025,
                 on_date="27/11/2026").context["results"][0]
    assert after.verdict == "eligible"


def test_the_date_picks_the_rule_set(world, client, part_timer):
    old = page(client, world.users.staff, person=part_timer.pk, award="LDTT", year=2023,
               on_date="31/12/2023")
    assert old.context["rule_set"] == RuleSet.objects.get(valid_from=datetime.date(2017, 9, 15))
    new = page(client, world.users.staff, person=part_timer.pk, award="LDTT", year=2023,
               on_date="01/01/2024")
    assert new.context["rule_set"] == RuleSet.objects.get(valid_from=datetime.date(2024, 1, 1))


def test_search_lists_only_people_in_scope(world, client):
    PersonFactory(organization=world.coop_hanoi, full_name="Nguyễn Văn Tìm")
    PersonFactory(organization=world.coop_hue, full_name="Nguyễn Văn Tìm Huế")
    response = page(client, world.users.staff, q="nguyen van tim", kind="person")
    found = response.context["found"]
    assert [p.full_name for p in found] == ["Nguyễn Văn Tìm"]


def test_collectives_are_found_by_name(world, client):
    response = page(client, world.users.staff, q="rau sach", kind="organization")
    assert world.coop_hanoi in response.context["found"]


def test_a_person_outside_scope_is_not_found(world, client, part_timer):
    response = page(client, world.users.outsider, person=part_timer.pk)
    assert response.status_code == 404


def test_a_user_without_a_role_is_refused(world, client):
    assert page(client, world.users.no_role).status_code == 403


@pytest.mark.parametrize("params, message", [
    ({"year": "abc"}, "Nhập năm từ 1945 đến 2100."),
    ({"year": "99999"}, "Nhập năm từ 1945 đến 2100."),
    ({"on_date": "31/02/2025"}, "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 31/12/2025."),
    ({"q": "x" * 121}, "121"),
    ({"award": "KHONG_CO"}, "Danh hiệu, hình thức khen thưởng này không có trong danh mục."),
    ({"person": "-3"}, "Đối tượng đã chọn không hợp lệ"),
], ids=["year-text", "year-huge", "bad-date", "oversized-name", "unknown-award", "negative-id"])
def test_bad_input_gets_a_vietnamese_message(world, client, params, message):
    count = Person.objects.count()
    response = page(client, world.users.staff, **params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "results" not in response.context
    assert Person.objects.count() == count


def test_hostile_search_text_is_escaped(world, client):
    response = page(client, world.users.staff, q="<script>alert(1)</script>", kind="person")
    text = response.content.decode()
    assert "<script>alert(1)</script>" not in text
    assert escape("<script>alert(1)</script>") in text
    assert response.context["found"] == []


def test_person_page_shows_what_they_may_be_proposed_for(world, client, part_timer):
    AnnualAssessment.objects.filter(person=part_timer).update(months_worked=12)
    client.force_login(world.users.staff)
    response = client.get(f"/khen-thuong/so-khen-thuong/ca-nhan/{part_timer.pk}/")
    eligible = [r.award_type.code for r in response.context["eligible_now"]]
    assert "LDTT" in eligible
    assert "CSTDN" not in eligible
    assert "Lao động tiên tiến" in response.content.decode()
