"""The pages of award cycles and nomination dossiers: who may do what, what they show, bad and
hostile input (nothing changes), and the workflow through the pages (submit, delegation,
deadline)."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import user_with_role
from awards import services_dossiers as services
from awards.models import (
    AnnualAssessment, AwardCycle, AwardType, CycleExtension, Dossier, DossierEvent, Nomination,
    SubmitDelegation,
)
from clusters.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def award(code):
    return AwardType.objects.get(code=code)


def today():
    return timezone.localdate()


@pytest.fixture
def cycle(world):
    cycle = services.cycle_create(
        organizer=world.central, kind="merit", year=2025, title="Xét khen thưởng năm 2025",
        award_types=[award(c) for c in ("LDTT", "CSTDCS", "TTLDTT", "BK_CT")],
        submitters=[world.hanoi, world.hue], deadline=today() + datetime.timedelta(days=30),
        by=world.users.admin)
    return services.cycle_set_status(cycle=cycle, status="open", by=world.users.admin)


@pytest.fixture
def dossier(world, cycle):
    return services.dossier_create(cycle=cycle, organization=world.hanoi, by=world.users.staff)


@pytest.fixture
def good_worker(world):
    """Lao động tiên tiến of 2025 in every respect."""
    person = PersonFactory(organization=world.hanoi, full_name="Nguyễn Văn Đức")
    AnnualAssessment.objects.create(person=person, year=2025, rating="good", months_worked=12,
                                    absence_days=0)
    return person


def pdf(name="to-trinh.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def ready_dossier(world, dossier, person):
    """A dossier that may be sent: one eligible nomination and every document."""
    nomination = services.nomination_add(dossier=dossier, award_type=award("LDTT"), person=person,
                                         achievement_summary="Hoàn thành xuất sắc nhiệm vụ.",
                                         by=world.users.staff)
    for kind in ("submission", "review_minutes"):
        services.document_add(dossier=dossier, kind=kind, upload=pdf(), by=world.users.staff)
    services.document_add(dossier=dossier, kind="achievement_report", upload=pdf(),
                          nomination=nomination, by=world.users.staff)
    return nomination


def text_of(response):
    return response.content.decode()


# --- cycles ------------------------------------------------------------------------------------


def cycle_post(world, **overrides):
    data = {"kind": "merit", "year": "2025", "title": "Đợt xét khen thưởng năm 2025",
            "award_types": [award("BK_CT").pk, award("CSTDN").pk],
            "submitters": [world.hanoi.pk], "deadline": "15/12/2099", "note": ""}
    data.update(overrides)
    return data


def test_central_admin_creates_a_cycle_for_all_provincial_alliances(world, client):
    client.force_login(world.users.admin)

    response = client.post(reverse("awards:cycle_create"),
                           cycle_post(world, submitters=[], all_submitters="on"))

    cycle = AwardCycle.objects.get()
    assert response.status_code == 302 and response.url == cycle.get_absolute_url()
    assert cycle.organizer == world.central and cycle.status == "draft"
    assert set(cycle.submitters.all()) == {world.hanoi, world.hue}
    assert cycle.deadline == datetime.date(2099, 12, 15)


def test_provincial_admin_creates_a_cycle_of_its_own_for_the_awards_it_grants(world, client):
    client.force_login(world.users.province_admin)

    refused = client.post(reverse("awards:cycle_create"), cycle_post(
        world, award_types=[award("BK_CT").pk], submitters=[world.coop_hanoi.pk]))
    accepted = client.post(reverse("awards:cycle_create"), cycle_post(
        world, award_types=[award("GK").pk], submitters=[world.coop_hanoi.pk]))

    assert refused.status_code == 200
    assert "Không thể chọn danh hiệu, hình thức này cho đợt xét." in text_of(refused)
    cycle = AwardCycle.objects.get()
    assert accepted.status_code == 302 and cycle.organizer == world.hanoi
    assert list(cycle.award_types.all()) == [award("GK")]


@pytest.mark.parametrize("overrides, message", [
    ({"title": "   "}, "Vui lòng nhập thông tin này."),
    ({"title": "x" * 301}, "Tối đa 300 ký tự (hiện có 301)."),
    ({"deadline": "31/02/2026"}, "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 31/12/2025."),
    ({"deadline": "<script>alert(1)</script>"}, "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 31/12/2025."),
    ({"year": "1900"}, "Nhập năm từ 1945 đến 2100."),
    ({"award_types": []}, "Chọn ít nhất một danh hiệu hoặc hình thức khen thưởng."),
    ({"award_types": ["999999"]}, "Không thể chọn danh hiệu, hình thức này cho đợt xét."),
    ({"submitters": []}, "Chọn ít nhất một đơn vị được gửi hồ sơ."),
    ({"submitters": ["abc"]}, "Không thể chọn đơn vị này cho đợt xét."),
])
def test_cycle_form_refuses_bad_input_and_saves_nothing(world, client, overrides, message):
    client.force_login(world.users.admin)

    response = client.post(reverse("awards:cycle_create"), cycle_post(world, **overrides))

    assert response.status_code == 200
    assert message in text_of(response)
    assert AwardCycle.objects.count() == 0


def test_cycle_form_refuses_an_organization_of_another_province(world, client):
    client.force_login(world.users.province_admin)

    response = client.post(reverse("awards:cycle_create"), cycle_post(
        world, award_types=[award("GK").pk], submitters=[world.coop_hue.pk]))

    assert response.status_code == 200
    assert "Không thể chọn đơn vị này cho đợt xét." in text_of(response)
    assert AwardCycle.objects.count() == 0


def test_unit_staff_cannot_create_or_manage_cycles(world, client, cycle):
    client.force_login(world.users.staff)

    statuses = [client.get(reverse("awards:cycle_create")).status_code,
                client.post(reverse("awards:cycle_set_status", args=[cycle.pk]),
                            {"status": "closed"}).status_code,
                client.get(reverse("awards:cycle_update", args=[cycle.pk])).status_code,
                client.post(reverse("awards:cycle_extend", args=[cycle.pk]), {}).status_code]

    assert statuses == [403, 403, 403, 403]
    assert AwardCycle.objects.get().status == "open"


def test_cycle_list_shows_status_and_counts(world, client, cycle, dossier):
    client.force_login(world.users.staff)

    response = client.get(reverse("awards:cycle_list"))

    assert [c.dossier_count for c in response.context["page"].object_list] == [1]
    assert "Xét khen thưởng năm 2025" in text_of(response)
    assert (today() + datetime.timedelta(days=30)).strftime("%d/%m/%Y") in text_of(response)


def test_cycle_list_hides_cycles_of_another_province(world, client):
    services.cycle_create(organizer=world.hanoi, kind="merit", year=2025,
                          title="Giấy khen Hà Nội", award_types=[award("GK")],
                          submitters=[world.coop_hanoi], deadline=today(),
                          by=world.users.province_admin)
    client.force_login(world.users.outsider)

    response = client.get(reverse("awards:cycle_list"))

    assert list(response.context["page"].object_list) == []


def test_admin_edits_a_cycle(world, client, cycle):
    client.force_login(world.users.admin)

    response = client.post(reverse("awards:cycle_update", args=[cycle.pk]), cycle_post(
        world, title="Tên mới", award_types=[award("LDTT").pk]))

    cycle.refresh_from_db()
    assert response.status_code == 302
    assert cycle.title == "Tên mới" and list(cycle.award_types.all()) == [award("LDTT")]


def test_admin_closes_and_reopens_a_cycle(world, client, cycle):
    client.force_login(world.users.admin)
    url = reverse("awards:cycle_set_status", args=[cycle.pk])

    confirm = client.get(url)
    closed = client.post(url, {"status": "closed"})
    status_after_close = AwardCycle.objects.get().status
    hostile = client.post(url, {"status": "deleted"})

    assert confirm.status_code == 200 and closed.status_code == 302
    assert status_after_close == "closed"
    assert hostile.status_code == 200 and "Trạng thái này không tồn tại." in text_of(hostile)
    assert AwardCycle.objects.get().status == "closed"


def test_cycle_detail_shows_dossiers_and_a_dashboard(world, client, cycle, dossier, good_worker):
    services.nomination_add(dossier=dossier, award_type=award("LDTT"), person=good_worker,
                            achievement_summary="Tốt.", by=world.users.staff)
    client.force_login(world.users.admin)

    response = client.get(reverse("awards:cycle_detail", args=[cycle.pk]))

    dashboard = response.context["dashboard"]
    assert dashboard["dossier_total"] == 1 and dashboard["nomination_total"] == 1
    assert dict(dashboard["dossiers"])["Đang chuẩn bị"] == 1
    assert [d.nomination_count for d in response.context["page"].object_list] == [1]
    assert reverse("awards:cycle_extend", args=[cycle.pk]) in text_of(response)


def test_admin_extends_the_deadline_for_one_organization(world, client, cycle, dossier):
    client.force_login(world.users.admin)
    until = today() + datetime.timedelta(days=40)

    response = client.post(reverse("awards:cycle_extend", args=[cycle.pk]), {
        "organization": world.hanoi.pk, "until": until.strftime("%d/%m/%Y"),
        "reason": "Ngập lụt, chậm tổng hợp hồ sơ."})

    extension = CycleExtension.objects.get()
    assert response.status_code == 302
    assert (extension.organization, extension.until) == (world.hanoi, until)
    assert DossierEvent.objects.filter(dossier=dossier, action="extend").count() == 1


@pytest.mark.parametrize("data, message", [
    ({"until": "01/01/2000", "reason": "Lý do"}, "Ngày mới không được ở trong quá khứ."),
    ({"until": "hôm nay", "reason": "Lý do"}, "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 31/12/2025."),
    ({"until": "31/12/2099", "reason": "  "}, "Vui lòng nhập thông tin này."),
    ({"until": "31/12/2099", "reason": "x" * 2001}, "Tối đa 2000 ký tự (hiện có 2001)."),
])
def test_extension_form_refuses_bad_input(world, client, cycle, data, message):
    client.force_login(world.users.admin)

    response = client.post(reverse("awards:cycle_extend", args=[cycle.pk]),
                           {"organization": world.hanoi.pk, **data})

    assert response.status_code == 200 and message in text_of(response)
    assert CycleExtension.objects.count() == 0


def test_extension_refuses_an_organization_outside_the_cycle(world, client, cycle):
    client.force_login(world.users.admin)

    response = client.post(reverse("awards:cycle_extend", args=[cycle.pk]), {
        "organization": world.office.pk, "until": "31/12/2099", "reason": "Lý do"})

    assert "Đơn vị này không thuộc các đơn vị được gửi hồ sơ trong đợt xét." in text_of(response)
    assert CycleExtension.objects.count() == 0


# --- dossiers ----------------------------------------------------------------------------------


def test_unit_staff_create_the_dossier_of_their_unit(world, client, cycle):
    client.force_login(world.users.staff)

    confirm = client.get(reverse("awards:dossier_create", args=[cycle.pk]))
    response = client.post(reverse("awards:dossier_create", args=[cycle.pk]))
    again = client.post(reverse("awards:dossier_create", args=[cycle.pk]), follow=True)

    dossier = Dossier.objects.get()
    assert confirm.status_code == 200
    assert response.url == dossier.get_absolute_url()
    assert (dossier.organization, dossier.recipient) == (world.hanoi, world.central)
    assert "Đơn vị đã có hồ sơ trong đợt xét này." in text_of(again)
    assert Dossier.objects.count() == 1


def test_no_dossier_in_a_cycle_being_prepared(world, client, cycle):
    services.cycle_set_status(cycle=cycle, status="draft", by=world.users.admin)
    client.force_login(world.users.staff)

    response = client.post(reverse("awards:dossier_create", args=[cycle.pk]), follow=True)

    assert "Đợt xét chưa mở để nhận hồ sơ." in text_of(response)
    assert Dossier.objects.count() == 0


def test_dossier_list_filters_by_cycle_and_status(world, client, cycle, dossier):
    client.force_login(world.users.staff)

    everything = client.get(reverse("awards:dossier_list"))
    drafts = client.get(reverse("awards:dossier_list"), {"cycle": cycle.pk, "status": "draft"})
    sent = client.get(reverse("awards:dossier_list"), {"status": "submitted"})
    hostile = client.get(reverse("awards:dossier_list"), {"cycle": "1 OR 1=1", "status": "x"})

    assert list(everything.context["page"].object_list) == [dossier]
    assert list(drafts.context["page"].object_list) == [dossier]
    assert list(sent.context["page"].object_list) == []
    assert hostile.status_code == 200


def test_dossier_list_hides_another_provinces_dossiers(world, client, dossier):
    client.force_login(world.users.outsider)

    response = client.get(reverse("awards:dossier_list"))

    assert list(response.context["page"].object_list) == []


def test_outsider_gets_404_on_the_dossier(world, client, dossier):
    client.force_login(world.users.outsider)

    assert client.get(dossier.get_absolute_url()).status_code == 404


def test_anonymous_is_sent_to_login(client, world, dossier):
    response = client.get(dossier.get_absolute_url())

    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response.url


# --- nominations -------------------------------------------------------------------------------


def nomination_post(person, **overrides):
    data = {"kind": "person", "q": "", "candidate": person.pk, "award_type": award("LDTT").pk,
            "achievement_summary": "Hoàn thành xuất sắc nhiệm vụ năm 2025."}
    data.update(overrides)
    return data


def test_staff_add_a_nomination_and_see_its_verdict(world, client, dossier, good_worker):
    client.force_login(world.users.staff)

    response = client.post(reverse("awards:nomination_create", args=[dossier.pk]),
                           nomination_post(good_worker))
    page = client.get(dossier.get_absolute_url())

    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert (nomination.person, nomination.award_type.code) == (good_worker, "LDTT")
    assert [n.result.verdict for n in page.context["nominations"]] == ["eligible"]
    assert reverse("awards:person_facts", args=[good_worker.pk]) in text_of(page)
    assert "Báo cáo thành tích" in text_of(page)  # what the nomination still needs


def test_a_collective_nomination(world, client, dossier):
    client.force_login(world.users.staff)

    response = client.post(reverse("awards:nomination_create", args=[dossier.pk]), {
        "kind": "organization", "candidate": world.coop_hanoi.pk,
        "award_type": award("TTLDTT").pk, "achievement_summary": "Tập thể tiêu biểu."})

    assert response.status_code == 302
    assert Nomination.objects.get().organization == world.coop_hanoi


@pytest.mark.parametrize("overrides, message", [
    ({"candidate": ""}, "Chọn người được đề nghị trong danh sách."),
    ({"candidate": "abc"}, "Chọn người được đề nghị trong danh sách."),
    ({"achievement_summary": "   "}, "Vui lòng nhập thông tin này."),
    ({"achievement_summary": "x" * 8001}, "Tối đa 8000 ký tự (hiện có 8001)."),
    ({"award_type": ""}, "Vui lòng nhập thông tin này."),
    ({"kind": "robot"}, "Chọn cá nhân hoặc tập thể."),
])
def test_nomination_form_refuses_bad_input(world, client, dossier, good_worker, overrides,
                                           message):
    client.force_login(world.users.staff)

    response = client.post(reverse("awards:nomination_create", args=[dossier.pk]),
                           nomination_post(good_worker, **overrides))

    assert response.status_code == 200 and message in text_of(response)
    assert Nomination.objects.count() == 0


def test_nomination_refuses_an_award_the_cycle_does_not_accept(world, client, dossier,
                                                                good_worker):
    client.force_login(world.users.staff)

    response = client.post(reverse("awards:nomination_create", args=[dossier.pk]),
                           nomination_post(good_worker, award_type=award("HCLD1").pk))

    assert "Đợt xét này không nhận danh hiệu, hình thức khen thưởng này." in text_of(response)
    assert Nomination.objects.count() == 0


def test_nomination_refuses_a_collective_award_for_a_person(world, client, dossier, good_worker):
    client.force_login(world.users.staff)

    response = client.post(reverse("awards:nomination_create", args=[dossier.pk]),
                           nomination_post(good_worker, award_type=award("TTLDTT").pk))

    assert response.status_code == 200
    assert "chỉ tặng cho tập thể" in text_of(response)
    assert Nomination.objects.count() == 0


def test_nomination_refuses_a_person_of_another_province(world, client, dossier):
    stranger = PersonFactory(organization=world.coop_hue, full_name="Lê Thị Huế")
    client.force_login(world.users.staff)

    response = client.post(reverse("awards:nomination_create", args=[dossier.pk]),
                           nomination_post(stranger))

    assert "Chọn người được đề nghị trong danh sách." in text_of(response)
    assert Nomination.objects.count() == 0


def test_search_without_javascript_lists_the_matches(world, client, dossier, good_worker):
    client.force_login(world.users.staff)

    response = client.get(reverse("awards:nomination_create", args=[dossier.pk]),
                          {"kind": "person", "q": "nguyen van duc"})

    assert [c.pk for c in response.context["found"]] == [good_worker.pk]
    assert f'<option value="{good_worker.pk}"' in text_of(response)


def test_typeahead_returns_scoped_matches_ignoring_diacritics(world, client, dossier,
                                                              good_worker):
    PersonFactory(organization=world.coop_hue, full_name="Nguyễn Văn Đức")
    for _ in range(25):
        PersonFactory(organization=world.coop_hanoi, full_name="Nguyễn Văn Đức")
    client.force_login(world.users.staff)

    response = client.get(reverse("awards:candidate_search", args=[dossier.pk]),
                          {"q": "NGUYEN van đuc", "kind": "person"})

    results = json.loads(response.content)["results"]
    assert response["Content-Type"] == "application/json"
    assert len(results) == 20
    assert all("Huế" not in r["label"] for r in results)


def test_typeahead_finds_collectives_by_name_or_code(world, client, dossier):
    client.force_login(world.users.staff)

    by_name = client.get(reverse("awards:candidate_search", args=[dossier.pk]),
                         {"q": "rau sach", "kind": "organization"})
    by_code = client.get(reverse("awards:candidate_search", args=[dossier.pk]),
                         {"q": "htx-hn-1", "kind": "organization"})
    other = client.get(reverse("awards:candidate_search", args=[dossier.pk]),
                       {"q": "non la", "kind": "organization"})

    assert [r["id"] for r in json.loads(by_name.content)["results"]] == [world.coop_hanoi.pk]
    assert [r["id"] for r in json.loads(by_code.content)["results"]] == [world.coop_hanoi.pk]
    assert json.loads(other.content)["results"] == []


def test_typeahead_is_for_those_who_edit_the_dossier(world, client, dossier):
    client.force_login(world.users.outsider)
    assert client.get(reverse("awards:candidate_search", args=[dossier.pk]),
                      {"q": "a"}).status_code == 404
    client.force_login(world.users.appraiser)
    assert client.get(reverse("awards:candidate_search", args=[dossier.pk]),
                      {"q": "a"}).status_code == 403


def test_staff_edit_and_remove_a_nomination(world, client, dossier, good_worker):
    nomination = services.nomination_add(dossier=dossier, award_type=award("LDTT"),
                                         person=good_worker, achievement_summary="Cũ.",
                                         by=world.users.staff)
    client.force_login(world.users.staff)

    edited = client.post(reverse("awards:nomination_update", args=[nomination.pk]), {
        "award_type": award("CSTDCS").pk, "achievement_summary": "Mới."})
    nomination.refresh_from_db()
    summary, code = nomination.achievement_summary, nomination.award_type.code
    confirm = client.get(reverse("awards:nomination_delete", args=[nomination.pk]))
    removed = client.post(reverse("awards:nomination_delete", args=[nomination.pk]))

    assert edited.status_code == 302 and (summary, code) == ("Mới.", "CSTDCS")
    assert confirm.status_code == 200 and removed.status_code == 302
    assert Nomination.objects.count() == 0


def test_nomination_edit_refuses_bad_input(world, client, dossier, good_worker):
    nomination = services.nomination_add(dossier=dossier, award_type=award("LDTT"),
                                         person=good_worker, achievement_summary="Cũ.",
                                         by=world.users.staff)
    client.force_login(world.users.staff)

    response = client.post(reverse("awards:nomination_update", args=[nomination.pk]), {
        "award_type": award("HCLD1").pk, "achievement_summary": ""})

    nomination.refresh_from_db()
    assert "Đợt xét này không nhận danh hiệu, hình thức khen thưởng này." in text_of(response)
    assert "Vui lòng nhập thông tin này." in text_of(response)
    assert (nomination.achievement_summary, nomination.award_type.code) == ("Cũ.", "LDTT")


@pytest.mark.parametrize("holders, nominated, state, alert", [
    (3, 3, "exceeded", "Vượt tỷ lệ"),   # 15% of 3 Lao động tiên tiến: none
    (7, 1, "full", "Đã đủ tỷ lệ"),      # 15% of 7: one, taken
])
def test_quota_counters_warn_when_reached_and_exceeded(world, client, dossier, holders,
                                                       nominated, state, alert):
    from awards.models import Initiative, RuleParameter
    from awards.tests.factories import award_record

    RuleParameter.objects.filter(key="cstdcs_quota_enabled").update(value="true")
    people = [PersonFactory(organization=world.hanoi) for _ in range(holders)]
    for person in people:
        award_record(person=person, code="LDTT", year=2025)
    for person in people[:nominated]:
        AnnualAssessment.objects.create(person=person, year=2025, rating="excellent",
                                        months_worked=12, absence_days=0)
        Initiative.objects.create(person=person, year=2025, title="Sáng kiến")
        services.nomination_add(dossier=dossier, award_type=award("CSTDCS"), person=person,
                                achievement_summary="Tốt.", by=world.users.staff)
    client.force_login(world.users.staff)

    response = client.get(dossier.get_absolute_url())

    quotas = response.context["quotas"]
    assert [(q["used"], q["state"]) for q in quotas] == [(nominated, state)]
    assert alert in text_of(response)


# --- submitting --------------------------------------------------------------------------------


def test_staff_cannot_send_the_dossier(world, client, dossier, good_worker):
    ready_dossier(world, dossier, good_worker)
    client.force_login(world.users.staff)

    response = client.post(reverse("awards:dossier_submit", args=[dossier.pk]))

    assert response.status_code == 403
    assert Dossier.objects.get().status == "draft"
    page = client.get(dossier.get_absolute_url())
    assert reverse("awards:dossier_submit", args=[dossier.pk]) not in text_of(page)


def test_the_head_sends_a_complete_dossier(world, client, dossier, good_worker):
    ready_dossier(world, dossier, good_worker)
    client.force_login(world.users.head)

    response = client.post(reverse("awards:dossier_submit", args=[dossier.pk]))
    page = client.get(dossier.get_absolute_url())

    dossier.refresh_from_db()
    assert response.status_code == 302
    assert dossier.status == "submitted" and dossier.submitted_by == world.users.head
    assert Nomination.objects.get().verdict == "eligible"
    assert "Đã gửi" in text_of(page)
    assert page.context["can_edit"] is False
    assert reverse("awards:document_create", args=[dossier.pk]) not in text_of(page)


def test_sending_refused_lists_every_problem_and_changes_nothing(world, client, dossier):
    missing_fact = PersonFactory(organization=world.hanoi, full_name="Trần Văn Thiếu")
    services.nomination_add(dossier=dossier, award_type=award("LDTT"), person=missing_fact,
                            achievement_summary="Tốt.", by=world.users.staff)
    client.force_login(world.users.head)

    response = client.post(reverse("awards:dossier_submit", args=[dossier.pk]))

    problems = response.context["problems"]
    assert response.status_code == 200
    assert "Hồ sơ chưa thể gửi." in text_of(response)
    assert any("Tờ trình" in p for p in problems)
    assert any("Biên bản" in p for p in problems)
    assert any("Trần Văn Thiếu" in p for p in problems)
    assert all(p in text_of(response) for p in [problems[0]])
    dossier.refresh_from_db()
    assert (dossier.status, dossier.round, dossier.submitted_at) == ("draft", 0, None)
    assert not DossierEvent.objects.filter(action="submit").exists()


def test_the_submit_page_lists_the_problems_before_sending(world, client, dossier):
    client.force_login(world.users.head)

    response = client.get(reverse("awards:dossier_submit", args=[dossier.pk]))

    assert response.status_code == 200
    assert "Hồ sơ chưa có đề nghị nào." in text_of(response)


def test_a_delegate_sends_the_dossier(world, client, dossier, good_worker):
    ready_dossier(world, dossier, good_worker)
    services.delegation_grant(organization=world.hanoi, user=world.users.staff,
                              valid_until=None, by=world.users.head)
    client.force_login(world.users.staff)

    response = client.post(reverse("awards:dossier_submit", args=[dossier.pk]))

    assert response.status_code == 302
    assert Dossier.objects.get().status == "submitted"


def test_after_the_deadline_sending_is_refused_unless_extended(world, client, cycle, dossier,
                                                                good_worker):
    ready_dossier(world, dossier, good_worker)
    AwardCycle.objects.filter(pk=cycle.pk).update(deadline=today() - datetime.timedelta(days=1))
    client.force_login(world.users.head)

    late = client.post(reverse("awards:dossier_submit", args=[dossier.pk]))
    status_when_late = Dossier.objects.get().status
    services.cycle_extend(cycle=cycle, organization=world.hanoi,
                          until=today() + datetime.timedelta(days=3), reason="Bão lũ.",
                          by=world.users.admin)
    extended = client.post(reverse("awards:dossier_submit", args=[dossier.pk]))

    assert late.status_code == 200 and "Đã quá hạn gửi hồ sơ" in text_of(late)
    assert status_when_late == "draft"
    assert extended.status_code == 302
    assert Dossier.objects.get().status == "submitted"


def test_the_dossier_page_shows_the_return_reason_and_history(world, client, dossier,
                                                              good_worker):
    ready_dossier(world, dossier, good_worker)
    services.dossier_submit(dossier=dossier, by=world.users.head)
    services.dossier_return(dossier=dossier, reason="Thiếu chữ ký trên tờ trình.",
                            by=world.users.appraiser)
    client.force_login(world.users.staff)

    response = client.get(dossier.get_absolute_url())

    assert "Thiếu chữ ký trên tờ trình." in text_of(response)
    assert [e.action for e in response.context["events"]] == ["create", "submit", "return"]
    assert "Trả lại để hoàn thiện" in text_of(response)
    assert response.context["can_edit"] is True


def test_locked_dossier_refuses_changes_through_the_pages(world, client, dossier, good_worker):
    nomination = ready_dossier(world, dossier, good_worker)
    services.dossier_submit(dossier=dossier, by=world.users.head)
    client.force_login(world.users.staff)

    response = client.post(reverse("awards:nomination_update", args=[nomination.pk]), {
        "award_type": award("LDTT").pk, "achievement_summary": "Sửa lén."})

    nomination.refresh_from_db()
    assert "chỉ sửa được sau khi được trả lại để hoàn thiện" in text_of(response)
    assert nomination.achievement_summary == "Hoàn thành xuất sắc nhiệm vụ."


# --- delegations -------------------------------------------------------------------------------


def test_the_head_delegates_and_withdraws(world, client):
    client.force_login(world.users.head)

    granted = client.post(reverse("awards:delegation_list"), {
        "user": world.users.staff.pk, "valid_until": "31/12/2099"})
    delegation = SubmitDelegation.objects.get()
    history_user = delegation.history.first().history_user
    revoked = client.post(reverse("awards:delegation_revoke", args=[delegation.pk]))

    assert granted.status_code == 302
    assert (delegation.user, delegation.valid_until) == (world.users.staff,
                                                         datetime.date(2099, 12, 31))
    assert history_user == world.users.head
    assert revoked.status_code == 302 and SubmitDelegation.objects.count() == 0


@pytest.mark.parametrize("data, message", [
        ({"user": "", "valid_until": ""}, "Vui lòng nhập thông tin này."),
        ({"valid_until": "01/01/2000"}, "Ngày không được ở trong quá khứ."),
        ({"valid_until": "32/01/2099"}, "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 31/12/2025."),
    ])
def test_delegation_form_refuses_bad_input(world, client, data, message):
    client.force_login(world.users.head)

    response = client.post(reverse("awards:delegation_list"),
                           {"user": world.users.staff.pk, **data})

    assert response.status_code == 200 and message in text_of(response)
    assert SubmitDelegation.objects.count() == 0


def test_delegation_refuses_a_user_of_another_unit(world, client):
    client.force_login(world.users.head)

    response = client.post(reverse("awards:delegation_list"), {"user": world.users.outsider.pk})

    assert "Chọn một người dùng làm việc tại đơn vị của bạn." in text_of(response)
    assert SubmitDelegation.objects.count() == 0


def test_only_the_head_delegates(world, client):
    delegation = services.delegation_grant(organization=world.hanoi, user=world.users.staff,
                                           valid_until=None, by=world.users.head)
    client.force_login(world.users.staff)

    page = client.get(reverse("awards:delegation_list"))
    revoke = client.post(reverse("awards:delegation_revoke", args=[delegation.pk]))

    assert (page.status_code, revoke.status_code) == (403, 403)
    assert SubmitDelegation.objects.count() == 1


def test_an_expired_delegation_does_not_allow_sending(world, client, dossier, good_worker):
    ready_dossier(world, dossier, good_worker)
    SubmitDelegation.objects.create(organization=world.hanoi, user=world.users.staff,
                                    valid_until=today() - datetime.timedelta(days=1),
                                    granted_by=world.users.head)
    client.force_login(world.users.staff)

    response = client.post(reverse("awards:dossier_submit", args=[dossier.pk]))

    assert response.status_code == 403
    assert Dossier.objects.get().status == "draft"


def test_province_head_cannot_send_a_cooperatives_dossier(world, client, cycle):
    coop_head = user_with_role("unit_head", world.coop_hanoi)
    dossier = services.dossier_create(cycle=cycle, organization=world.coop_hanoi, by=coop_head)
    client.force_login(world.users.head)

    response = client.post(reverse("awards:dossier_submit", args=[dossier.pk]))

    assert response.status_code == 403
    assert dossier.recipient == world.hanoi


# --- objects for tests/test_cross_province.py and tests/test_query_counts.py --------------------


def cross_province_objects(world) -> dict:
    """For each URL name of these pages, the kwargs naming an object of Hà Nội: the Hà Nội
    alliance's own Giấy khen cycle, a cooperative's dossier in it, a nomination, a document and
    a delegation."""
    cycle = AwardCycle.objects.filter(title="Giấy khen Hà Nội (chéo tỉnh)").first()
    if cycle is None:
        cycle = services.cycle_create(
            organizer=world.hanoi, kind="merit", year=2025, title="Giấy khen Hà Nội (chéo tỉnh)",
            award_types=[award("GK")], submitters=[world.coop_hanoi],
            deadline=today() + datetime.timedelta(days=30), by=world.users.province_admin)
        services.cycle_set_status(cycle=cycle, status="open", by=world.users.province_admin)
    admin = world.users.province_admin
    dossier = Dossier.objects.filter(cycle=cycle).first() or services.dossier_create(
        cycle=cycle, organization=world.coop_hanoi, by=admin)
    nomination = dossier.nominations.first() or services.nomination_add(
        dossier=dossier, award_type=award("GK"), achievement_summary="Tốt.", by=admin,
        person=PersonFactory(organization=world.coop_hanoi))
    document = dossier.documents.first() or services.document_add(
        dossier=dossier, kind="submission", upload=pdf(), by=admin)
    delegation = SubmitDelegation.objects.filter(organization=world.hanoi).first() or (
        services.delegation_grant(organization=world.hanoi, user=world.users.staff,
                                  valid_until=None, by=world.users.head))
    return {
        "awards:cycle_detail": {"pk": cycle.pk},
        "awards:cycle_update": {"pk": cycle.pk},
        "awards:cycle_set_status": {"pk": cycle.pk},
        "awards:cycle_extend": {"pk": cycle.pk},
        "awards:dossier_create": {"pk": cycle.pk},
        "awards:dossier_detail": {"pk": dossier.pk},
        "awards:dossier_submit": {"pk": dossier.pk},
        "awards:candidate_search": {"pk": dossier.pk},
        "awards:nomination_create": {"pk": dossier.pk},
        "awards:nomination_update": {"pk": nomination.pk},
        "awards:nomination_delete": {"pk": nomination.pk},
        "awards:document_create": {"pk": dossier.pk},
        "awards:document_download": {"pk": document.pk},
        "awards:document_delete": {"pk": document.pk},
        "awards:delegation_revoke": {"pk": delegation.pk},
    }


def _query_cycle(world):
    cycle = AwardCycle.objects.filter(title="Đợt đếm truy vấn").first()
    if cycle is None:
        cycle = services.cycle_create(
            organizer=world.central, kind="merit", year=2025, title="Đợt đếm truy vấn",
            award_types=[award("LDTT"), award("TTLDTT")], submitters=[world.hanoi, world.hue],
            deadline=today() + datetime.timedelta(days=30), by=world.users.admin)
        services.cycle_set_status(cycle=cycle, status="open", by=world.users.admin)
    return cycle


def make_cycles(world, n):
    for i in range(n):
        cycle = services.cycle_create(
            organizer=world.central, kind="merit", year=2025, title=f"Đợt xét số {i}",
            award_types=[award("LDTT")], submitters=[world.hanoi],
            deadline=today(), by=world.users.admin)
        services.cycle_set_status(cycle=cycle, status="open", by=world.users.admin)
        services.dossier_create(cycle=cycle, organization=world.hanoi, by=world.users.staff)


def make_dossiers(world, n):
    from clusters.tests.factories import OrganizationFactory

    cycle = _query_cycle(world)
    for _ in range(n):
        unit = OrganizationFactory(parent=world.hanoi)
        dossier = services.dossier_create(cycle=cycle, organization=unit, by=world.users.admin)
        services.nomination_add(dossier=dossier, award_type=award("TTLDTT"), organization=unit,
                                achievement_summary="Tốt.", by=world.users.admin)


def make_nominations(world, n):
    """Nominations of people and collectives, each with its facts and an attachment."""
    from awards.tests.factories import award_record
    from clusters.tests.factories import OrganizationFactory

    cycle = _query_cycle(world)
    dossier = (Dossier.objects.filter(cycle=cycle, organization=world.hanoi).first()
               or services.dossier_create(cycle=cycle, organization=world.hanoi,
                                          by=world.users.staff))
    for i in range(n):
        person = PersonFactory(organization=world.hanoi)
        AnnualAssessment.objects.create(person=person, year=2025, rating="good",
                                        months_worked=12, absence_days=0)
        award_record(person=person, code="LDTT", year=2024)
        nomination = services.nomination_add(dossier=dossier, award_type=award("LDTT"),
                                             person=person, achievement_summary="Tốt.",
                                             by=world.users.staff)
        services.document_add(dossier=dossier, kind="achievement_report", upload=pdf(),
                               nomination=nomination, by=world.users.staff)
        if i % 2:
            unit = OrganizationFactory(parent=world.hanoi)
            services.nomination_add(dossier=dossier, award_type=award("TTLDTT"),
                                    organization=unit, achievement_summary="Tốt.",
                                    by=world.users.staff)


def dossier_page_url(world):
    cycle = _query_cycle(world)
    return Dossier.objects.get(cycle=cycle, organization=world.hanoi).get_absolute_url()


def test_the_cycle_page_offers_a_dossier_only_to_units_that_may_submit(world, client, cycle):
    client.force_login(world.users.staff)
    staff_page = client.get(reverse("awards:cycle_detail", args=[cycle.pk]))
    client.force_login(world.users.admin)
    central_page = client.get(reverse("awards:cycle_detail", args=[cycle.pk]))

    assert staff_page.context["can_create_dossier"] is True
    assert central_page.context["can_create_dossier"] is False


def test_the_cycle_page_issues_a_constant_number_of_queries(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.users.admin)
    make_dossiers(world, 2)
    url = reverse("awards:cycle_detail", args=[_query_cycle(world).pk])
    client.get(url)
    with CaptureQueriesContext(connection) as two:
        client.get(url)

    make_dossiers(world, 18)
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(url)

    assert len(response.context["page"].object_list) == 20
    assert len(two) == len(twenty)


# --- a long list, 50 nominations a page (bench/RESULTS.md, section 9) ---------------------------


def many_nominations(world, dossier, n, *, status=Nomination.Status.PROPOSED):
    """`n` nominations of Lao động tiên tiến written in one go (the services' per-row checks
    are tested above), in the list's order, each of a person rated well in 2025."""
    people = [PersonFactory(organization=world.hanoi, full_name=f"Người Thứ {i + 1:03d}")
              for i in range(n)]
    AnnualAssessment.objects.bulk_create([
        AnnualAssessment(person=p, year=2025, rating="good", months_worked=12, absence_days=0)
        for p in people])
    return Nomination.objects.bulk_create([
        Nomination(dossier=dossier, person=p, award_type=award("LDTT"), position=i + 1,
                   achievement_summary="Hoàn thành tốt nhiệm vụ.", status=status)
        for i, p in enumerate(people)])


def names_on(response):
    return [n.candidate_name for n in response.context["nominations"]]


def test_the_dossier_page_shows_50_nominations_a_page_numbered_in_the_whole_list(
        world, client, dossier):
    made = many_nominations(world, dossier, 55)
    client.force_login(world.users.staff)

    first = client.get(dossier.get_absolute_url())
    second = client.get(dossier.get_absolute_url(), {"page": 2})
    beyond = client.get(dossier.get_absolute_url(), {"page": 99})

    assert names_on(first) == [n.candidate_name for n in made[:50]]
    assert names_on(second) == [n.candidate_name for n in made[50:]]
    assert [n.number for n in second.context["nominations"]] == [51, 52, 53, 54, 55]
    assert names_on(beyond) == names_on(second)  # past the end: the last page
    assert "Danh sách đề nghị (55)" in text_of(first) and "Trang 1/2" in text_of(first)
    assert "Hiển thị 51–55 trên tổng số 55" in text_of(second)
    assert "?page=2#nominations-title" in text_of(first)


def test_the_quotas_and_problems_count_the_whole_list_not_the_page(world, client, dossier):
    many_nominations(world, dossier, 55)
    client.force_login(world.users.staff)

    second = client.get(dossier.get_absolute_url(), {"page": 2})

    # Every nomination still lacks its achievement report: 55 problems plus the two documents
    # of the dossier, ten shown and the rest behind a <details>.
    shown, more = second.context["problems"], second.context["more_problems"]
    assert len(shown) + len(more) == 57 and len(shown) == 10
    html = text_of(second)
    assert html.count("<li>") >= 57 and html.index(more[0]) > html.index("<details class=\"mt-1\">")


def test_a_deeper_page_issues_as_many_queries_as_the_first(world, client, dossier):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    many_nominations(world, dossier, 120)
    client.force_login(world.users.staff)
    client.get(dossier.get_absolute_url())

    counts = []
    for page in (1, 2, 3):
        with CaptureQueriesContext(connection) as queries:
            client.get(dossier.get_absolute_url(), {"page": page})
        counts.append(len(queries))

    assert counts == [counts[0]] * 3


def test_actions_on_a_nomination_return_to_its_page(world, client, dossier, good_worker):
    made = many_nominations(world, dossier, 60)
    client.force_login(world.users.staff)
    url = dossier.get_absolute_url()

    edited = client.post(reverse("awards:nomination_update", args=[made[54].pk]), {
        "award_type": award("LDTT").pk, "achievement_summary": "Mới."})
    on_first = client.post(reverse("awards:nomination_update", args=[made[3].pk]), {
        "award_type": award("LDTT").pk, "achievement_summary": "Mới."})
    attached = client.post(reverse("awards:document_create", args=[dossier.pk]), {
        "kind": "achievement_report", "nomination": made[52].pk, "file": pdf("bao-cao.pdf")})
    added = client.post(reverse("awards:nomination_create", args=[dossier.pk]),
                        nomination_post(good_worker))
    removed = client.post(reverse("awards:nomination_delete", args=[made[51].pk]))

    new = Nomination.objects.get(person=good_worker)
    assert edited.url == f"{url}?page=2#nomination-{made[54].pk}"
    assert on_first.url == f"{url}#nomination-{made[3].pk}"
    assert attached.url == f"{url}?page=2#nomination-{made[52].pk}"
    assert added.url == f"{url}?page=2#nomination-{new.pk}"
    assert removed.url == f"{url}?page=2#nominations-title"
    assert not Nomination.objects.filter(pk=made[51].pk).exists()


def test_reasons_against_a_nomination_show_at_once_and_the_full_list_on_demand(
        world, client, dossier):
    rated = many_nominations(world, dossier, 1)[0]
    unrated = Nomination.objects.create(
        dossier=dossier, person=PersonFactory(organization=world.hanoi, full_name="Chưa Đánh Giá"),
        award_type=award("LDTT"), position=2, achievement_summary="Tốt.")
    client.force_login(world.users.staff)

    page = client.get(dossier.get_absolute_url())

    by_pk = {n.pk: n for n in page.context["nominations"]}
    assert by_pk[rated.pk].key_reasons == []
    assert [r.outcome for r in by_pk[unrated.pk].key_reasons] == ["missing"]
    html = text_of(page)
    rated_card = html[html.index(f'id="nomination-{rated.pk}"'):html.index(
        f'id="nomination-{unrated.pk}"')]
    unrated_card = html[html.index(f'id="nomination-{unrated.pk}"'):]
    unrated_card = unrated_card[:unrated_card.index("</article>")]
    # The eligible one: its reasons only behind a closed <details>.
    assert "<details" in rated_card and "<details open" not in html
    # The other: what is missing at once; the list is not repeated when that is all of it.
    reasons = by_pk[unrated.pk].result.reasons
    assert by_pk[unrated.pk].key_reasons[0].text in unrated_card
    assert ("<details" in unrated_card) == (len(reasons) > 1)
