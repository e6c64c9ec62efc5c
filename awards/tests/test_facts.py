"""The facts the eligibility rules read (annual assessments, recognised initiatives, discipline):
services audited with who did it, who may see and record them, and the pages."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards import services
from awards.models import AnnualAssessment, DisciplineRecord, Initiative
from clusters.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(world):
    return PersonFactory(full_name="Nguyễn Thị Hoà", birth_year=1985,
                         organization=world.coop_hanoi)


def state():
    return {
        "assessments": AnnualAssessment.objects.count(),
        "initiatives": Initiative.objects.count(),
        "discipline": DisciplineRecord.objects.count(),
        "assessment_history": AnnualAssessment.history.count(),
        "initiative_history": Initiative.history.count(),
        "discipline_history": DisciplineRecord.history.count(),
    }


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def history(obj_class, pk):
    return [(h.history_type, h.history_user.username if h.history_user else None)
            for h in obj_class.history.filter(id=pk).order_by("history_date", "history_id")]


# --- services ----------------------------------------------------------------------------------


def test_assessment_create_update_delete_are_audited_with_who(world, person):
    staff = world.users.staff

    assessment = services.assessment_create(person=person, year=2024, rating="good",
                                            months_worked=12, absence_days=2,
                                            note="  Tốt  ", by=staff)
    services.assessment_update(assessment=assessment, rating="excellent", by=world.users.head)
    pk = assessment.pk
    services.assessment_delete(assessment=assessment, by=world.users.admin)

    assert not AnnualAssessment.objects.filter(pk=pk).exists()
    assert history(AnnualAssessment, pk) == [("+", "canbo.hanoi"), ("~", "thutruong.hanoi"),
                                              ("-", "quantri")]


def test_a_person_assessment_keeps_only_individual_figures(world, person):
    assessment = services.assessment_create(person=person, year=2024, rating="good",
                                            months_worked=10, member_count=30,
                                            members_completed=28, by=world.users.staff)

    assessment.refresh_from_db()
    assert (assessment.months_worked, assessment.member_count,
            assessment.members_completed) == (10, None, None)


def test_a_collective_assessment_keeps_only_collective_figures(world):
    assessment = services.assessment_create(organization=world.coop_hanoi, year=2024,
                                            rating="excellent", member_count=30,
                                            members_completed=28, group_rank=1,
                                            months_worked=12, by=world.users.staff)

    assessment.refresh_from_db()
    assert (assessment.member_count, assessment.members_completed, assessment.group_rank,
            assessment.months_worked) == (30, 28, 1, None)
    assert history(AnnualAssessment, assessment.pk) == [("+", "canbo.hanoi")]


def test_initiative_and_discipline_writes_are_audited_with_who(world, person):
    staff = world.users.staff
    initiative = services.initiative_create(person=person, title="Quản lý xã viên bằng phần mềm",
                                            year=2024, scope="sector", by=staff)
    services.initiative_update(initiative=initiative, scope="national", by=staff)
    record = services.discipline_create(person=person, level=1, decision_number="5/QĐ-KL",
                                        effective_from=datetime.date(2023, 5, 1), by=staff)
    services.discipline_update(record=record, effective_to=datetime.date(2024, 5, 1), by=staff)
    initiative_pk, record_pk = initiative.pk, record.pk
    services.initiative_delete(initiative=initiative, by=world.users.head)
    services.discipline_delete(record=record, by=world.users.head)

    assert history(Initiative, initiative_pk) == [
        ("+", "canbo.hanoi"), ("~", "canbo.hanoi"), ("-", "thutruong.hanoi")]
    assert history(DisciplineRecord, record_pk) == [
        ("+", "canbo.hanoi"), ("~", "canbo.hanoi"), ("-", "thutruong.hanoi")]
    assert DisciplineRecord.history.filter(id=record_pk).first().organization_id == \
        world.coop_hanoi.pk


@pytest.mark.parametrize("call", [
    lambda p: services.assessment_create(person=p, year=2024, rating="good", months_worked=13),
    lambda p: services.assessment_create(person=p, year=1900, rating="good"),
    lambda p: services.assessment_create(person=p, year=2024, rating="best"),
    lambda p: services.assessment_create(organization=p.organization, year=2024, rating="good",
                                         member_count=5, members_completed=6),
    lambda p: services.assessment_create(person=p, organization=p.organization, year=2024,
                                         rating="good"),
    lambda p: services.initiative_create(person=p, title="   ", year=2024),
    lambda p: services.initiative_create(person=p, title="x" * 501, year=2024),
    lambda p: services.discipline_create(person=p, effective_from=datetime.date(2024, 1, 1)),
    lambda p: services.discipline_create(person=p, level=2,
                                         effective_from=datetime.date(2024, 1, 1),
                                         effective_to=datetime.date(2023, 1, 1)),
    lambda p: services.discipline_create(person=p, level=2, note="x" * 2001,
                                         effective_from=datetime.date(2024, 1, 1)),
], ids=["months", "year", "rating", "members", "two-subjects", "empty-title", "long-title",
        "no-level", "period", "long-note"])
def test_services_refuse_bad_facts_and_save_nothing(world, person, call):
    before = state()

    with pytest.raises(ValidationError):
        call(person)

    assert state() == before


def test_a_second_assessment_for_the_same_year_is_refused(world, person):
    services.assessment_create(person=person, year=2024, rating="good")
    before = state()

    with pytest.raises(ValidationError) as error:
        services.assessment_create(person=person, year=2024, rating="excellent")

    assert "Cá nhân này đã có kết quả đánh giá, xếp loại của năm này." in error.value.messages
    assert state() == before


def test_an_open_case_needs_no_level(world, person):
    record = services.discipline_create(person=person, pending=True,
                                        effective_from=datetime.date(2025, 2, 1))

    assert record.level is None and record.organization == world.coop_hanoi


# --- permissions -------------------------------------------------------------------------------


def person_urls(person):
    return [reverse("awards:person_assessment_create", args=[person.pk]),
            reverse("awards:initiative_create", args=[person.pk]),
            reverse("awards:discipline_create", args=[person.pk])]


@pytest.mark.parametrize("who", ["staff", "head", "province_admin", "admin"])
def test_hanoi_staff_heads_and_admins_record_facts_for_a_hanoi_person(world, client, person,
                                                                       who):
    client.force_login(getattr(world.users, who))

    page = client.get(reverse("awards:person_facts", args=[person.pk]))
    forms = [client.get(url).status_code for url in person_urls(person)]
    response = client.post(reverse("awards:person_assessment_create", args=[person.pk]),
                           {"year": "2024", "rating": "good", "months_worked": "12"})

    assert page.status_code == 200 and forms == [200, 200, 200]
    assert response.status_code == 302
    assert AnnualAssessment.objects.get(person=person).rating == "good"


def test_hue_staff_get_404_for_a_hanoi_person_and_change_nothing(world, client, person):
    assessment = services.assessment_create(person=person, year=2024, rating="good")
    client.force_login(world.users.outsider)
    before = state()

    statuses = [client.get(reverse("awards:person_facts", args=[person.pk])).status_code,
                client.post(reverse("awards:person_assessment_create", args=[person.pk]),
                            {"year": "2023", "rating": "good"}).status_code,
                client.post(reverse("awards:assessment_delete", args=[assessment.pk])).status_code,
                client.get(reverse("awards:organization_facts",
                                   args=[world.coop_hanoi.pk])).status_code]

    assert statuses == [404, 404, 404, 404]
    assert state() == before


@pytest.mark.parametrize("who", ["council", "appraiser", "leadership"])
def test_central_readers_view_facts_but_cannot_record_them(world, client, person, who):
    assessment = services.assessment_create(person=person, year=2024, rating="good")
    client.force_login(getattr(world.users, who))
    before = state()

    page = client.get(reverse("awards:person_facts", args=[person.pk]))
    statuses = [client.get(url).status_code for url in person_urls(person)]
    posted = client.post(reverse("awards:assessment_update", args=[assessment.pk]),
                         {"year": "2024", "rating": "excellent"})

    assert page.status_code == 200
    assert "Hoàn thành tốt nhiệm vụ" in text_of(page)
    assert reverse("awards:assessment_update", args=[assessment.pk]) not in text_of(page)
    assert statuses == [403, 403, 403] and posted.status_code == 403
    assert state() == before


def test_discipline_is_hidden_from_viewers_without_the_right_to_edit(world, client, person):
    record = services.discipline_create(person=person, level=2, decision_number="77/QĐ-KL",
                                        effective_from=datetime.date(2024, 4, 1))
    client.force_login(world.users.council)

    page = text_of(client.get(reverse("awards:person_facts", args=[person.pk])))
    edit = client.get(reverse("awards:discipline_update", args=[record.pk]))
    delete = client.post(reverse("awards:discipline_delete", args=[record.pk]))

    assert "77/QĐ-KL" not in page and "Cảnh cáo" not in page and "Kỷ luật" not in page
    assert edit.status_code == 403 and delete.status_code == 403
    assert DisciplineRecord.objects.filter(pk=record.pk).exists()

    client.force_login(world.users.staff)
    page = text_of(client.get(reverse("awards:person_facts", args=[person.pk])))
    assert "77/QĐ-KL" in page and "Cảnh cáo" in page and "01/04/2024" in page


def test_collective_assessments_are_recorded_by_those_who_manage_its_people(world, client):
    url = reverse("awards:organization_assessment_create", args=[world.coop_hanoi.pk])
    data = {"year": "2024", "rating": "excellent", "member_count": "25",
            "members_completed": "25", "group_rank": "1"}

    client.force_login(world.users.council)
    refused = client.post(url, data)
    viewed = client.get(reverse("awards:organization_facts", args=[world.coop_hanoi.pk]))
    client.force_login(world.users.head)
    accepted = client.post(url, data)

    assert refused.status_code == 403 and viewed.status_code == 200
    assert accepted.status_code == 302
    assessment = AnnualAssessment.objects.get(organization=world.coop_hanoi)
    assert (assessment.year, assessment.member_count, assessment.group_rank) == (2024, 25, 1)
    assert history(AnnualAssessment, assessment.pk) == [("+", "thutruong.hanoi")]


def test_the_award_history_pages_link_to_the_facts(world, client, person):
    client.force_login(world.users.council)

    person_page = client.get(reverse("awards:person_awards", args=[person.pk])).content.decode()
    org_page = client.get(reverse("awards:organization_awards",
                                  args=[world.coop_hanoi.pk])).content.decode()

    assert reverse("awards:person_facts", args=[person.pk]) in person_page
    assert reverse("awards:organization_facts", args=[world.coop_hanoi.pk]) in org_page
    assert "Dữ liệu xét khen thưởng" in person_page


# --- pages: create, edit, delete ---------------------------------------------------------------


def test_every_page_opens_for_the_hanoi_staff(world, client, person):
    assessment = services.assessment_create(person=person, year=2024, rating="good")
    collective = services.assessment_create(organization=world.coop_hanoi, year=2024,
                                            rating="good", member_count=3)
    initiative = services.initiative_create(person=person, title="Sáng kiến", year=2024)
    record = services.discipline_create(person=person, level=1,
                                        effective_from=datetime.date(2024, 1, 2))
    client.force_login(world.users.staff)
    urls = [reverse("awards:person_facts", args=[person.pk]),
            reverse("awards:organization_facts", args=[world.coop_hanoi.pk]),
            reverse("awards:organization_assessment_create", args=[world.coop_hanoi.pk]),
            *person_urls(person)]
    for name, pk in [("assessment", assessment.pk), ("assessment", collective.pk),
                     ("initiative", initiative.pk), ("discipline", record.pk)]:
        urls += [reverse(f"awards:{name}_update", args=[pk]),
                 reverse(f"awards:{name}_delete", args=[pk])]

    statuses = {url: client.get(url).status_code for url in urls}

    assert set(statuses.values()) == {200}, statuses


def test_post_creates_edits_and_deletes_each_fact(world, client, person):
    client.force_login(world.users.staff)

    client.post(reverse("awards:person_assessment_create", args=[person.pk]),
                {"year": "2024", "rating": "excellent", "months_worked": "12",
                 "absence_days": "0", "note": "Đạt chỉ tiêu"})
    client.post(reverse("awards:initiative_create", args=[person.pk]),
                {"title": "Bán rau qua sàn thương mại điện tử", "kind": "initiative",
                 "year": "2024", "scope": "grassroots", "recognised_by": "Hội đồng sáng kiến",
                 "decision_number": "12/QĐ-HĐSK", "decision_date": "20/11/2024"})
    created = client.post(reverse("awards:discipline_create", args=[person.pk]),
                          {"organization": str(world.coop_hanoi.pk), "level": "1",
                           "decision_number": "3/QĐ-KL", "effective_from": "01/02/2023",
                           "effective_to": "01/02/2024"})
    assessment = AnnualAssessment.objects.get(person=person)
    initiative = Initiative.objects.get(person=person)
    record = DisciplineRecord.objects.get(person=person)

    assert created.status_code == 302
    assert created.url == reverse("awards:person_facts", args=[person.pk])
    assert (assessment.rating, assessment.months_worked, assessment.note) == (
        "excellent", 12, "Đạt chỉ tiêu")
    assert (initiative.decision_date, initiative.scope) == (datetime.date(2024, 11, 20),
                                                            "grassroots")
    assert (record.level, record.effective_to) == (1, datetime.date(2024, 2, 1))
    edit_page = client.get(reverse("awards:discipline_update", args=[record.pk])).content.decode()
    assert 'value="01/02/2023"' in edit_page and 'value="01/02/2024"' in edit_page

    client.post(reverse("awards:assessment_update", args=[assessment.pk]),
                {"year": "2024", "rating": "good", "months_worked": "11"})
    client.post(reverse("awards:initiative_update", args=[initiative.pk]),
                {"title": "Bán rau trực tuyến", "kind": "initiative", "year": "2024",
                 "scope": "national"})
    client.post(reverse("awards:discipline_update", args=[record.pk]),
                {"organization": str(world.coop_hanoi.pk), "pending": "on",
                 "effective_from": "01/02/2023"})
    assessment.refresh_from_db()
    initiative.refresh_from_db()
    record.refresh_from_db()
    assert (assessment.rating, assessment.months_worked, assessment.note) == ("good", 11, "")
    assert (initiative.title, initiative.scope, initiative.decision_date) == (
        "Bán rau trực tuyến", "national", None)
    assert (record.pending, record.level) == (True, None)

    for name, pk in [("assessment", assessment.pk), ("initiative", initiative.pk),
                     ("discipline", record.pk)]:
        assert client.post(reverse(f"awards:{name}_delete", args=[pk])).status_code == 302

    assert state()["assessments"] == state()["initiatives"] == state()["discipline"] == 0
    assert AnnualAssessment.history.filter(history_type="-").get().history_user == \
        world.users.staff


VALID_ASSESSMENT = {"year": "2024", "rating": "good", "months_worked": "12"}


@pytest.mark.parametrize("change, message", [
    ({"year": "1900"}, "Nhập năm trong khoảng từ 1945 đến"),
    ({"year": "2999"}, "Nhập năm trong khoảng từ 1945 đến"),
    ({"year": "hai nghìn"}, "Nhập một số nguyên."),
    ({"year": ""}, "Trường này là bắt buộc."),
    ({"rating": ""}, "Trường này là bắt buộc."),
    ({"rating": "best"}, "Chọn một trong các mức xếp loại đã liệt kê."),
    ({"months_worked": "13"}, "Số tháng công tác phải từ 0 đến 12."),
    ({"months_worked": "-1"}, "Số tháng công tác phải từ 0 đến 12."),
    ({"absence_days": "400"}, "Một năm có tối đa 366 ngày."),
    ({"note": "x" * 10_000},
     "Chỉ được nhập tối đa 2000 ký tự (nội dung này có 10000 ký tự)."),
], ids=["old-year", "future-year", "words", "no-year", "no-rating", "bad-rating", "months",
        "negative-months", "absence", "oversized-note"])
def test_bad_assessment_input_shows_the_message_and_changes_nothing(world, client, person,
                                                                     change, message):
    client.force_login(world.users.staff)
    before = state()

    response = client.post(reverse("awards:person_assessment_create", args=[person.pk]),
                           {**VALID_ASSESSMENT, **change})

    assert response.status_code == 200
    assert message in text_of(response)
    assert state() == before


def test_a_duplicate_year_shows_the_message_and_changes_nothing(world, client, person):
    services.assessment_create(person=person, year=2024, rating="good")
    client.force_login(world.users.staff)
    before = state()

    response = client.post(reverse("awards:person_assessment_create", args=[person.pk]),
                           VALID_ASSESSMENT)

    assert "Cá nhân này đã có kết quả đánh giá, xếp loại của năm này." in text_of(response)
    assert state() == before


def test_more_members_completed_than_members_is_refused(world, client):
    client.force_login(world.users.staff)
    before = state()

    response = client.post(
        reverse("awards:organization_assessment_create", args=[world.coop_hanoi.pk]),
        {"year": "2024", "rating": "good", "member_count": "10", "members_completed": "11"})

    assert ("Số thành viên hoàn thành nhiệm vụ không được vượt quá số thành viên."
            in text_of(response))
    assert state() == before


VALID_DISCIPLINE = {"level": "1", "decision_number": "3/QĐ-KL", "effective_from": "01/02/2023"}


@pytest.mark.parametrize("change, message", [
    ({"level": ""}, "Kỷ luật đã có quyết định phải ghi rõ hình thức kỷ luật."),
    ({"effective_to": "01/01/2023"}, "Ngày kết thúc không được trước ngày bắt đầu."),
    ({"effective_from": ""}, "Trường này là bắt buộc."),
    ({"effective_from": "31/02/2023"}, "Nhập một ngày hợp lệ."),
    ({"decision_number": "9" * 61},
     "Chỉ được nhập tối đa 60 ký tự (nội dung này có 61 ký tự)."),
    ({"note": "x" * 10_000},
     "Chỉ được nhập tối đa 2000 ký tự (nội dung này có 10000 ký tự)."),
], ids=["no-level", "period", "no-start", "bad-date", "long-number", "oversized-note"])
def test_bad_discipline_input_shows_the_message_and_changes_nothing(world, client, person,
                                                                     change, message):
    client.force_login(world.users.staff)
    before = state()

    response = client.post(reverse("awards:discipline_create", args=[person.pk]),
                           {"organization": str(world.coop_hanoi.pk),
                            **VALID_DISCIPLINE, **change})

    assert response.status_code == 200
    assert message in text_of(response)
    assert state() == before


def test_discipline_cannot_be_filed_under_an_unrelated_organization(world, client, person):
    client.force_login(world.users.staff)
    before = state()

    response = client.post(reverse("awards:discipline_create", args=[person.pk]),
                           {"organization": str(world.coop_hue.pk), **VALID_DISCIPLINE})

    assert response.status_code == 200 and state() == before


@pytest.mark.parametrize("change, message", [
    ({"title": ""}, "Trường này là bắt buộc."),
    ({"title": "x" * 501}, "Chỉ được nhập tối đa 500 ký tự (nội dung này có 501 ký tự)."),
    ({"year": "1800"}, "Nhập năm trong khoảng từ 1945 đến"),
    ({"scope": "galaxy"}, "Hãy chọn một lựa chọn hợp lệ."),
    ({"decision_date": "01/01/2999"}, "Ngày quyết định không được sau ngày hôm nay."),
], ids=["no-title", "long-title", "year", "scope", "future-date"])
def test_bad_initiative_input_shows_the_message_and_changes_nothing(world, client, person,
                                                                     change, message):
    client.force_login(world.users.staff)
    before = state()

    response = client.post(reverse("awards:initiative_create", args=[person.pk]),
                           {"title": "Sáng kiến", "kind": "initiative", "year": "2024",
                            "scope": "grassroots", **change})

    assert response.status_code == 200
    assert message in text_of(response)
    assert state() == before


def test_hostile_text_is_escaped_on_output_and_formulas_stay_text(world, client, person):
    client.force_login(world.users.staff)
    formula = "=cmd|' /C calc'!A0"

    client.post(reverse("awards:initiative_create", args=[person.pk]),
                {"title": "<script>alert('x')</script>", "kind": "initiative", "year": "2024",
                 "scope": "grassroots", "recognised_by": formula})
    page = client.get(reverse("awards:person_facts", args=[person.pk])).content.decode()

    initiative = Initiative.objects.get(person=person)
    assert initiative.title == "<script>alert('x')</script>"
    assert initiative.recognised_by == formula
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
