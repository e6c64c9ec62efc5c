"""The appraisal pages: the queues, the review page of one dossier and its forms (opinion,
return, accept, complete), the public notice and the council's timing in working days, the
reviewers' actions on the dossier page; who may open each; bad and hostile input changes
nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from awards import services_dossiers as services
from awards.models import AwardCycle, Dossier, DossierEvent, Nomination, PublicNotice
from awards.selectors_appraisal import (
    appraisal_queue, nominations_ready_for_council, with_ready_dates, with_waiting_days,
)
from awards.tests.test_dossier_pages import award, today
from awards.tests.test_dossier_workflow_services import (  # noqa: F401  (fixtures)
    coop_head, cycle, member_submitted, snapshot, submitted,
)
from clusters.tests.factories import OrganizationFactory, PersonFactory
from deadlines.calendar import working_days_between
from deadlines.models import Holiday

pytestmark = pytest.mark.django_db


def text_of(response):
    return response.content.decode()


def appraisal_url(dossier):
    return reverse("awards:dossier_appraisal", args=[dossier.pk])


def set_submitted_at(dossier, day: datetime.date):
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    Dossier.objects.filter(pk=dossier.pk).update(submitted_at=at)


# --- the queues --------------------------------------------------------------------------------


def test_the_appraisal_queue_lists_submitted_dossiers_oldest_first(world, client, cycle,
                                                                   submitted, member_submitted):
    hue = services.dossier_create(cycle=cycle, organization=world.hue, by=world.users.outsider)
    Dossier.objects.filter(pk=hue.pk).update(status="submitted", round=1)
    set_submitted_at(hue, today() - datetime.timedelta(days=9))
    set_submitted_at(submitted, today() - datetime.timedelta(days=2))
    client.force_login(world.users.appraiser)

    response = client.get(reverse("awards:appraisal_queue"))

    rows = list(response.context["page"].object_list)
    # The cooperative's dossier goes to the Hà Nội alliance, not to the appraisers.
    assert rows == [hue, Dossier.objects.get(pk=submitted.pk)]
    assert [(d.nomination_count, d.waiting_days) for d in rows] == [(0, 9), (2, 2)]
    assert rows[0].waiting_working_days == working_days_between(
        today() - datetime.timedelta(days=9), today())
    assert "Hàng chờ thẩm định" in text_of(response)


def test_the_queue_filters_by_cycle_and_refuses_a_bad_cycle(world, client, cycle, submitted):
    other = services.cycle_create(
        organizer=world.central, kind="merit", year=2025, title="Đợt khác",
        award_types=[award("LDTT")], submitters=[world.hue], deadline=today(),
        by=world.users.admin)
    client.force_login(world.users.appraiser)

    mine = client.get(reverse("awards:appraisal_queue"), {"cycle": cycle.pk})
    none = client.get(reverse("awards:appraisal_queue"), {"cycle": other.pk})
    hostile = client.get(reverse("awards:appraisal_queue"), {"cycle": "<script>x</script>"})

    assert [d.pk for d in mine.context["page"].object_list] == [submitted.pk]
    assert reverse("awards:public_notice", args=[cycle.pk]) in text_of(mine)
    assert list(none.context["page"].object_list) == []
    assert hostile.status_code == 200
    assert "<script>x</script>" not in text_of(hostile)
    assert hostile.context["form"].errors == {"cycle": ["Chọn một đợt xét trong danh sách."]}


def test_waiting_days_count_working_days_across_a_weekend_and_a_holiday(world, submitted):
    Holiday.objects.create(name="Nghỉ bù", day=10, month=3, year=2026)
    set_submitted_at(submitted, datetime.date(2026, 3, 5))  # a Thursday

    [row] = with_waiting_days(appraisal_queue(world.users.appraiser),
                              today=datetime.date(2026, 3, 13))

    # Friday 6, Monday 9, (Tuesday 10 is a holiday), Wednesday 11, Thursday 12, Friday 13.
    assert (row.waiting_days, row.waiting_working_days) == (8, 5)
    assert row.waiting_working_days == working_days_between(datetime.date(2026, 3, 5),
                                                            datetime.date(2026, 3, 13))


def test_the_alliance_sees_the_dossiers_its_members_sent(world, client, submitted,
                                                          member_submitted):
    client.force_login(world.users.staff)

    redirected = client.get(reverse("awards:appraisal_queue"))
    response = client.get(reverse("awards:member_dossier_queue"))

    assert redirected.status_code == 302
    assert redirected.url == reverse("awards:member_dossier_queue")
    assert list(response.context["page"].object_list) == [member_submitted]
    assert "Hồ sơ đơn vị thành viên gửi lên" in text_of(response)


def test_the_queues_are_empty_or_closed_to_others(world, client, member_submitted):
    client.force_login(world.users.outsider)
    outsider = client.get(reverse("awards:member_dossier_queue"))
    client.force_login(world.users.appraiser)
    appraiser = client.get(reverse("awards:member_dossier_queue"))
    client.force_login(world.users.no_role)
    nobody = client.get(reverse("awards:appraisal_queue"))
    client.force_login(world.users.council)
    council = client.get(reverse("awards:appraisal_queue"))

    assert list(outsider.context["page"].object_list) == []
    assert (appraiser.status_code, nobody.status_code, council.status_code) == (403, 403, 403)


def test_the_members_queue_is_for_provincial_alliances(world, client, coop_head):
    client.force_login(coop_head)  # a cooperative sends dossiers, it receives none
    cooperative = client.get(reverse("awards:appraisal_queue"))
    menu = text_of(client.get("/"))
    client.force_login(world.users.office_staff)
    office = client.get(reverse("awards:member_dossier_queue"))

    assert (cooperative.status_code, office.status_code) == (403, 403)
    assert reverse("awards:appraisal_queue") not in menu


def test_the_queues_redirect_anonymous_users_to_login(client, world):
    response = client.get(reverse("awards:appraisal_queue"))

    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response.url


def test_the_navigation_offers_the_queue_to_reviewers_only(world, client):
    client.force_login(world.users.appraiser)
    appraiser = text_of(client.get("/"))
    client.force_login(world.users.council)
    council = text_of(client.get("/"))

    assert reverse("awards:appraisal_queue") in appraiser
    assert reverse("awards:appraisal_queue") not in council


# --- the review page of one dossier ------------------------------------------------------------


def test_the_review_page_shows_both_verdicts_documents_and_forms(world, client, submitted):
    from awards.models import AnnualAssessment

    # Since the dossier was sent, the second nominee's assessment was deleted.
    AnnualAssessment.objects.filter(person__full_name="Trần Thị Hoà").delete()
    client.force_login(world.users.appraiser)

    response = client.get(appraisal_url(submitted))

    page = text_of(response)
    nominations = response.context["nominations"]
    assert [n.candidate_name for n in nominations] == ["Nguyễn Văn Đức", "Trần Thị Hoà"]
    assert [(n.verdict, n.result.verdict) for n in nominations] == [
        ("eligible", "eligible"), ("eligible", "needs_review")]
    assert nominations[0].verdict_reasons[0]["text"] in page
    assert "Kết quả xét khi gửi hồ sơ" in page and "Kết quả xét hôm nay" in page
    document = submitted.documents.filter(nomination__isnull=True).first()
    assert reverse("awards:document_download", args=[document.pk]) in page
    assert page.count(reverse("awards:nomination_appraise",
                              args=[nominations[0].pk])) == 1
    assert reverse("awards:dossier_mark_appraised", args=[submitted.pk]) in page


def test_the_review_page_is_for_those_who_receive_the_dossier(world, client, submitted):
    client.force_login(world.users.head)  # the unit that sent it
    own_unit = client.get(appraisal_url(submitted))
    client.force_login(world.users.outsider)
    outsider = client.get(appraisal_url(submitted))
    client.logout()
    anonymous = client.get(appraisal_url(submitted))

    assert (own_unit.status_code, outsider.status_code) == (403, 404)
    assert anonymous.status_code == 302 and "/tai-khoan/dang-nhap/" in anonymous.url


def test_the_dossier_page_offers_the_reviewers_actions(world, client, submitted,
                                                       member_submitted):
    client.force_login(world.users.appraiser)
    appraiser = text_of(client.get(submitted.get_absolute_url()))
    client.force_login(world.users.head)
    unit = text_of(client.get(submitted.get_absolute_url()))
    client.force_login(world.users.staff)
    alliance = text_of(client.get(member_submitted.get_absolute_url()))

    assert appraisal_url(submitted) in appraiser and "Thẩm định hồ sơ" in appraiser
    assert appraisal_url(submitted) not in unit
    assert reverse("awards:dossier_accept", args=[member_submitted.pk]) in alliance


# --- opinions ----------------------------------------------------------------------------------


def opinion(nomination, opinion="agree", comment=""):
    return {f"n{nomination.pk}-opinion": opinion, f"n{nomination.pk}-comment": comment}


def test_the_appraiser_agrees_and_disagrees(world, client, submitted):
    first, second = submitted.nominations.all()
    client.force_login(world.users.appraiser)

    agreed = client.post(reverse("awards:nomination_appraise", args=[first.pk]), opinion(first))
    client.post(reverse("awards:nomination_appraise", args=[second.pk]),
                opinion(second, "disagree", "Chưa đủ hai năm liền."))

    assert agreed.status_code == 302
    assert agreed.url == f"{appraisal_url(submitted)}#nomination-{first.pk}"
    assert list(submitted.nominations.values_list("status", "appraisal_comment")) == [
        ("agreed", ""), ("disagreed", "Chưa đủ hai năm liền.")]


@pytest.mark.parametrize("data, field, message", [
    ({"opinion": "disagree", "comment": "   "}, "comment",
     "Vui lòng nêu lý do thẩm định không đồng ý."),
    ({"opinion": "", "comment": ""}, "opinion", "Chọn đồng ý hoặc không đồng ý."),
    ({"opinion": "<script>alert(1)</script>", "comment": ""}, "opinion",
     "Chọn đồng ý hoặc không đồng ý."),
    ({"opinion": "disagree", "comment": "x" * 4001}, "comment",
     "Tối đa 4000 ký tự (hiện có 4001)."),
])
def test_the_opinion_form_refuses_bad_input(world, client, submitted, data, field, message):
    nomination = submitted.nominations.first()
    client.force_login(world.users.appraiser)
    before = snapshot(submitted)

    response = client.post(reverse("awards:nomination_appraise", args=[nomination.pk]),
                           {f"n{nomination.pk}-{k}": v for k, v in data.items()})

    assert response.status_code == 200
    [shown] = [n for n in response.context["nominations"] if n.pk == nomination.pk]
    assert shown.opinion_form.errors[field] == [message]
    assert "<script>alert(1)</script>" not in text_of(response)
    assert snapshot(submitted) == before


def test_a_hostile_comment_is_stored_as_text_and_shown_escaped(world, client, submitted):
    nomination = submitted.nominations.first()
    client.force_login(world.users.appraiser)

    client.post(reverse("awards:nomination_appraise", args=[nomination.pk]),
                opinion(nomination, "disagree", "<img src=x onerror=alert(1)>"))
    page = text_of(client.get(appraisal_url(submitted)))

    nomination.refresh_from_db()
    assert nomination.appraisal_comment == "<img src=x onerror=alert(1)>"
    assert "<img src=x onerror" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.mark.parametrize("who", ["head", "staff", "council", "province_admin"])
def test_only_appraisers_give_opinions(world, client, submitted, who):
    nomination = submitted.nominations.first()
    client.force_login(getattr(world.users, who))
    before = snapshot(submitted)

    response = client.post(reverse("awards:nomination_appraise", args=[nomination.pk]),
                           opinion(nomination))

    assert response.status_code in (403, 404)
    assert snapshot(submitted) == before


def test_no_opinion_once_the_dossier_is_returned(world, client, submitted):
    services.dossier_return(dossier=submitted, reason="Thiếu.", by=world.users.appraiser)
    nomination = submitted.nominations.first()
    client.force_login(world.users.appraiser)
    before = snapshot(submitted)

    response = client.post(reverse("awards:nomination_appraise", args=[nomination.pk]),
                           opinion(nomination), follow=True)

    assert "Chỉ thẩm định hồ sơ đã được gửi." in text_of(response)
    assert snapshot(submitted) == before


# --- return, accept, complete ------------------------------------------------------------------


def test_the_appraiser_returns_the_dossier_with_a_reason(world, client, submitted):
    client.force_login(world.users.appraiser)

    response = client.post(reverse("awards:dossier_return", args=[submitted.pk]),
                           {"reason": "Bổ sung biên bản họp Hội đồng."})

    assert response.status_code == 302 and response.url == appraisal_url(submitted)
    submitted.refresh_from_db()
    assert submitted.status == "returned"
    assert DossierEvent.objects.filter(dossier=submitted).last().reason == (
        "Bổ sung biên bản họp Hội đồng.")


@pytest.mark.parametrize("reason, message", [
    ("", "Vui lòng nêu lý do trả lại hồ sơ."),
    ("  \n ", "Vui lòng nêu lý do trả lại hồ sơ."),
    ("x" * 4001, "Tối đa 4000 ký tự (hiện có 4001)."),
])
def test_the_return_form_refuses_bad_input(world, client, submitted, reason, message):
    client.force_login(world.users.appraiser)
    before = snapshot(submitted)

    response = client.post(reverse("awards:dossier_return", args=[submitted.pk]),
                           {"reason": reason})

    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": [message]}
    assert snapshot(submitted) == before


def test_an_empty_post_shows_what_is_missing(world, client, submitted):
    nomination = submitted.nominations.first()
    client.force_login(world.users.appraiser)
    before = snapshot(submitted)

    returned = client.post(reverse("awards:dossier_return", args=[submitted.pk]))
    opinion_given = client.post(reverse("awards:nomination_appraise", args=[nomination.pk]))

    assert returned.context["form"].errors == {"reason": ["Vui lòng nêu lý do trả lại hồ sơ."]}
    [shown] = [n for n in opinion_given.context["nominations"] if n.pk == nomination.pk]
    assert shown.opinion_form.errors == {"opinion": ["Chọn đồng ý hoặc không đồng ý."]}
    assert snapshot(submitted) == before


def test_returning_twice_says_why_and_changes_nothing(world, client, submitted):
    services.dossier_return(dossier=submitted, reason="Thiếu.", by=world.users.appraiser)
    client.force_login(world.users.appraiser)
    before = snapshot(submitted)

    response = client.post(reverse("awards:dossier_return", args=[submitted.pk]),
                           {"reason": "Lần hai."})

    assert "Không thể thực hiện bước này ở trạng thái hiện tại." in text_of(response)
    assert snapshot(submitted) == before


def test_the_alliance_accepts_a_members_dossier_through_the_page(world, client,
                                                                 member_submitted):
    client.force_login(world.users.staff)

    confirm = client.get(reverse("awards:dossier_accept", args=[member_submitted.pk]))
    response = client.post(reverse("awards:dossier_accept", args=[member_submitted.pk]))

    upper = Dossier.objects.get(cycle=member_submitted.cycle, organization=world.hanoi)
    assert "Lê Văn Nam" in text_of(confirm)
    assert response.status_code == 302 and response.url == upper.get_absolute_url()
    assert [n.source_id for n in upper.nominations.all()] == [
        member_submitted.nominations.get().pk]


def test_appraisers_cannot_accept_a_members_dossier(world, client, member_submitted):
    client.force_login(world.users.appraiser)
    before = snapshot(member_submitted)

    response = client.post(reverse("awards:dossier_accept", args=[member_submitted.pk]))

    assert response.status_code == 403
    assert snapshot(member_submitted) == before


def test_completing_the_appraisal_lists_the_nominations_without_opinion(world, client,
                                                                        submitted):
    first, second = submitted.nominations.all()
    services.nomination_appraise(nomination=first, agree=True, by=world.users.appraiser)
    client.force_login(world.users.appraiser)
    before = snapshot(submitted)

    refused = client.post(reverse("awards:dossier_mark_appraised", args=[submitted.pk]))

    assert refused.status_code == 200
    assert refused.context["problems"] == [f"Trần Thị Hoà ({second.award_type.name})"]
    assert "Cần cho ý kiến thẩm định đối với tất cả các đề nghị trước." in text_of(refused)
    assert snapshot(submitted) == before

    services.nomination_appraise(nomination=second, agree=False, comment="Thiếu.",
                                 by=world.users.appraiser)
    done = client.post(reverse("awards:dossier_mark_appraised", args=[submitted.pk]))

    assert done.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "appraised"


def test_the_review_page_shows_each_round(world, client, submitted):
    services.dossier_return(dossier=submitted, reason="Bổ sung thành tích.",
                            by=world.users.appraiser)
    services.dossier_submit(dossier=Dossier.objects.get(pk=submitted.pk), by=world.users.head)
    client.force_login(world.users.appraiser)

    response = client.get(appraisal_url(submitted))

    assert [r["number"] for r in response.context["history"]] == [0, 1, 2]
    page = text_of(response)
    assert "Lần gửi 2" in page and "Bổ sung thành tích." in page


# --- public notice and the council's timing ----------------------------------------------------


@pytest.fixture
def notice_nominations(world, submitted):
    """Two nominations for the Order of Labour (it must be published) and one Bằng khen (it
    need not), in the submitted dossier."""
    people = [PersonFactory(organization=world.hanoi) for _ in range(3)]
    rows = [Nomination.objects.create(dossier=submitted, person=person, award_type=award(code),
                                      achievement_summary="Tốt.", position=10 + i)
            for i, (person, code) in enumerate(zip(people, ("HCLD3", "HCLD3", "BK_CT")))]
    return rows


def test_the_appraiser_records_a_public_notice(world, client, cycle, notice_nominations):
    order_1, order_2, _bk = notice_nominations
    client.force_login(world.users.appraiser)
    url = reverse("awards:public_notice", args=[cycle.pk])

    listed = client.get(url)
    response = client.post(url, {"nominations": [order_1.pk, order_2.pk],
                                 "channel": "Cổng thông tin Liên minh", "start_date": "05/03/2026"})

    assert [n.pk for n in listed.context["nominations"]] == [order_1.pk, order_2.pk]
    assert response.status_code == 302
    notice = PublicNotice.objects.get()
    assert (notice.channel, notice.start_date) == ("Cổng thông tin Liên minh",
                                                   datetime.date(2026, 3, 5))
    assert set(notice.nominations.all()) == {order_1, order_2}
    page = client.get(url)
    assert [n.ready_on for n in page.context["nominations"]] == [datetime.date(2026, 3, 19)] * 2


@pytest.mark.parametrize("data, field, message", [
    ({"nominations": []}, "nominations", "Chọn các đề nghị đã được công khai."),
    ({"nominations": ["abc"]}, "nominations", "Chỉ chọn các đề nghị có trong trang này."),
    ({"channel": ""}, "channel", "Vui lòng nhập thông tin này."),
    ({"channel": "x" * 301}, "channel", "Tối đa 300 ký tự (hiện có 301)."),
    ({"start_date": "31/02/2026"}, "start_date",
     "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 31/12/2025."),
    ({"start_date": "<script>alert(1)</script>"}, "start_date",
     "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 31/12/2025."),
    ({"start_date": "31/12/2024"}, "start_date", "Nhập ngày từ 01/01/2025 đến 31/12/2027."),
    ({"start_date": "01/01/2028"}, "start_date", "Nhập ngày từ 01/01/2025 đến 31/12/2027."),
])
def test_the_public_notice_form_refuses_bad_input(world, client, cycle, notice_nominations,
                                                  data, field, message):
    client.force_login(world.users.appraiser)
    post = {"nominations": [notice_nominations[0].pk], "channel": "Báo Kinh tế hợp tác",
            "start_date": "05/03/2026"} | data

    response = client.post(reverse("awards:public_notice", args=[cycle.pk]), post)

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert "<script>alert(1)</script>" not in text_of(response)
    assert PublicNotice.objects.count() == 0


def test_the_public_notice_refuses_a_nomination_of_another_cycle(world, client, cycle,
                                                                 notice_nominations):
    _order_1, _order_2, bk = notice_nominations  # listed nowhere: Bằng khen needs no notice
    client.force_login(world.users.appraiser)

    response = client.post(reverse("awards:public_notice", args=[cycle.pk]), {
        "nominations": [bk.pk], "channel": "Báo", "start_date": "05/03/2026"})

    assert response.context["form"].errors == {"nominations": [
        "Chỉ chọn các đề nghị có trong trang này."]}
    assert PublicNotice.objects.count() == 0


@pytest.mark.parametrize("who, status", [("staff", 403), ("head", 403), ("council", 403),
                                         ("outsider", 403)])
def test_only_appraisers_record_notices(world, client, cycle, notice_nominations, who, status):
    client.force_login(getattr(world.users, who))

    response = client.post(reverse("awards:public_notice", args=[cycle.pk]), {
        "nominations": [notice_nominations[0].pk], "channel": "Báo",
        "start_date": "05/03/2026"})

    assert response.status_code == status
    assert PublicNotice.objects.count() == 0


def test_the_notice_period_counts_working_days_across_a_weekend_and_a_holiday(
        world, cycle, notice_nominations):
    order_1, order_2, bk = notice_nominations
    Holiday.objects.create(name="Nghỉ bù", day=10, month=3, year=2026)  # a Tuesday
    Nomination.objects.filter(pk__in=[order_1.pk, bk.pk]).update(status="agreed")
    Nomination.objects.filter(pk=order_2.pk).update(status="disagreed")
    # Published on Thursday 5 March: ten working days skip the weekends and Tuesday 10.
    services.public_notice_record(nominations=[order_1, order_2], channel="Báo",
                                  start_date=datetime.date(2026, 3, 5), by=world.users.appraiser)

    [listed, _disagreed] = with_ready_dates([Nomination.objects.get(pk=order_1.pk),
                                              Nomination.objects.get(pk=order_2.pk)])
    day_before = nominations_ready_for_council(cycle, datetime.date(2026, 3, 19))
    ready_day = nominations_ready_for_council(cycle, datetime.date(2026, 3, 20))

    assert listed.ready_on == datetime.date(2026, 3, 20)
    # Bằng khen needs no notice; the disagreed order and LĐTT (no council vote) never go.
    assert day_before == [bk]
    assert ready_day == [order_1, bk]


def test_a_nomination_without_notice_is_never_ready(world, cycle, notice_nominations):
    order_1, _order_2, _bk = notice_nominations
    Nomination.objects.filter(pk=order_1.pk).update(status="agreed")

    assert nominations_ready_for_council(cycle, datetime.date(2100, 1, 1)) == []


def test_the_earliest_notice_counts(world, cycle, notice_nominations):
    order_1, _order_2, _bk = notice_nominations
    Nomination.objects.filter(pk=order_1.pk).update(status="agreed")
    for start in (datetime.date(2026, 3, 16), datetime.date(2026, 3, 2)):
        services.public_notice_record(nominations=[order_1], channel="Báo", start_date=start,
                                      by=world.users.appraiser)

    # From Monday 2 March, ten working days (no holiday): Monday 16 March.
    assert nominations_ready_for_council(cycle, datetime.date(2026, 3, 16)) == [order_1]


# --- for tests/test_cross_province.py and tests/test_query_counts.py ---------------------------


def cross_province_objects(world) -> dict:
    """For each URL name of these pages, the kwargs naming an object of Hà Nội: the Hà Nội
    alliance's own cycle, a cooperative's dossier in it, a nomination, an import batch."""
    from awards.tests.test_dossier_pages import cross_province_objects as dossier_objects
    from clusters.models import ImportBatch

    objects = dossier_objects(world)
    dossier = Dossier.objects.get(pk=objects["awards:dossier_detail"]["pk"])
    nomination = dossier.nominations.first()
    batch = (ImportBatch.objects.filter(kind="nominations", created_by=world.users.province_admin)
             .first() or ImportBatch.objects.create(
                 kind="nominations", file="imports/x.xlsx", original_name="x.xlsx",
                 status="rejected", created_by=world.users.province_admin,
                 report={"dossier_id": dossier.pk, "problems": [], "problem_count": 0}))
    return {
        "awards:dossier_appraisal": {"pk": dossier.pk},
        "awards:nomination_appraise": {"pk": nomination.pk},
        "awards:dossier_return": {"pk": dossier.pk},
        "awards:dossier_accept": {"pk": dossier.pk},
        "awards:dossier_mark_appraised": {"pk": dossier.pk},
        "awards:public_notice": {"pk": dossier.cycle_id},
        "awards:nomination_import": {"pk": dossier.pk},
        "awards:nomination_import_preview": {"pk": dossier.pk, "batch_pk": batch.pk},
    }


def make_queue(world, n):
    """Submitted dossiers of n more units, sent to the Alliance, each with a nomination."""
    cycle = AwardCycle.objects.filter(title="Hàng chờ thẩm định (đếm truy vấn)").first()
    if cycle is None:
        cycle = services.cycle_create(
            organizer=world.central, kind="merit", year=2025,
            title="Hàng chờ thẩm định (đếm truy vấn)", award_types=[award("TTLDTT")],
            submitters=[world.hanoi], deadline=today(), by=world.users.admin)
        services.cycle_set_status(cycle=cycle, status="open", by=world.users.admin)
    for _ in range(n):
        unit = OrganizationFactory(parent=world.hanoi)
        cycle.submitters.add(unit)
        dossier = services.dossier_create(cycle=cycle, organization=unit, by=world.users.admin)
        services.nomination_add(dossier=dossier, award_type=award("TTLDTT"), organization=unit,
                                achievement_summary="Tốt.", by=world.users.admin)
        # Sent as a unit would send it; the sending itself is tested in the services' tests.
        Dossier.objects.filter(pk=dossier.pk).update(status="submitted", round=1,
                                                     submitted_at=timezone.now(),
                                                     submitted_by=world.users.admin)


def make_review_nominations(world, n):
    """n more nominations, with an attachment, in a submitted dossier of Hà Nội."""
    from awards.tests.test_dossier_pages import make_nominations

    Dossier.objects.filter(organization=world.hanoi).update(status="draft")  # to add more
    make_nominations(world, n)
    Dossier.objects.filter(organization=world.hanoi).update(
        status="submitted", round=1, submitted_at=timezone.now(), submitted_by=world.users.head)


def review_page_url(world):
    from awards.tests.test_dossier_pages import dossier_page_url

    return dossier_page_url(world).rstrip("/") + "/tham-dinh/"


# --- a long list, 50 nominations a page ---------------------------------------------------------


def long_submitted(world, submitted, n):
    """`n` more nominations in the submitted dossier, after its own two."""
    from awards.tests.test_dossier_pages import many_nominations

    made = many_nominations(world, submitted, n)
    # After the dossier's own two; among themselves, in the order of their ids.
    Nomination.objects.filter(pk__in=[m.pk for m in made]).update(position=100)
    return made


def test_the_review_page_shows_50_nominations_a_page(world, client, submitted):
    made = long_submitted(world, submitted, 53)
    client.force_login(world.users.appraiser)

    first = client.get(appraisal_url(submitted))
    second = client.get(appraisal_url(submitted), {"page": 2})

    assert len(first.context["nominations"]) == 50
    assert [n.pk for n in second.context["nominations"]] == [m.pk for m in made[48:]]
    assert [n.number for n in second.context["nominations"]] == [51, 52, 53, 54, 55]
    # What is still without an opinion counts the whole list, not the page.
    assert len(second.context["pending"]) == 55
    assert "Danh sách đề nghị (55)" in text_of(second)
    assert "?page=1#nominations-title" in text_of(second)


def test_an_opinion_on_page_2_returns_to_page_2(world, client, submitted):
    made = long_submitted(world, submitted, 53)
    client.force_login(world.users.appraiser)
    target = made[-1]

    agreed = client.post(reverse("awards:nomination_appraise", args=[target.pk]),
                         opinion(target))
    refused = client.post(reverse("awards:nomination_appraise", args=[target.pk]),
                          opinion(target, "disagree", "  "))

    assert agreed.url == f"{appraisal_url(submitted)}?page=2#nomination-{target.pk}"
    # A refused opinion shows the page that holds the nomination, with its form's error.
    assert refused.status_code == 200 and refused.context["page"].number == 2
    assert target.pk in [n.pk for n in refused.context["nominations"]]
    assert Nomination.objects.get(pk=target.pk).status == "agreed"


def test_the_review_page_shows_the_frozen_reasons_against_at_once(world, client, submitted):
    first = submitted.nominations.first()
    Nomination.objects.filter(pk=first.pk).update(verdict="needs_review", verdict_reasons=[
        {"outcome": "met", "text": "Hoàn thành nhiệm vụ.", "citation": "", "verified": True},
        {"outcome": "review", "text": "Hội đồng xem xét sáng kiến.", "citation": "",
         "verified": True}])
    client.force_login(world.users.appraiser)

    page = client.get(appraisal_url(submitted))

    row = next(n for n in page.context["nominations"] if n.pk == first.pk)
    assert [r["text"] for r in row.frozen_key_reasons] == ["Hội đồng xem xét sáng kiến."]
    html = text_of(page)
    card = html[html.index(f'id="nomination-{first.pk}"'):]
    assert card.index("Hội đồng xem xét sáng kiến.") < card.index("<details")
