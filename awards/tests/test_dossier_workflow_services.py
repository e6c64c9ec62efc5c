"""Every transition of the dossier workflow at the service level (awards.services_dossiers):
who may perform it and who may not; every refusal gives its message and changes nothing (the
dossier's state, its events, its nominations); a returned dossier corrected and sent again keeps
each round; accepting a member's dossier forwards its nominations into the alliance's dossier."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.tests.factories import user_with_role
from awards import services_dossiers as services
from awards.models import AnnualAssessment, Dossier, DossierEvent, Nomination, PublicNotice
from awards.selectors_appraisal import dossier_history
from awards.tests.test_dossier_pages import award, pdf, ready_dossier, today
from awards.workflow import TransitionError
from clusters.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

NOT_POSSIBLE = "Không thể thực hiện bước này ở trạng thái hiện tại."


@pytest.fixture
def cycle(world):
    cycle = services.cycle_create(
        organizer=world.central, kind="merit", year=2025, title="Xét khen thưởng năm 2025",
        award_types=[award(c) for c in ("LDTT", "CSTDCS", "TTLDTT", "BK_CT", "HCLD3")],
        submitters=[world.hanoi, world.hue], deadline=today() + datetime.timedelta(days=30),
        by=world.users.admin)
    return services.cycle_set_status(cycle=cycle, status="open", by=world.users.admin)


def worker(organization, name="Nguyễn Văn Đức"):
    person = PersonFactory(organization=organization, full_name=name)
    AnnualAssessment.objects.create(person=person, year=2025, rating="good", months_worked=12,
                                    absence_days=0)
    return person


@pytest.fixture
def submitted(world, cycle):
    """Hà Nội's dossier, sent to the Alliance (the cycle's organizer), with two nominations."""
    dossier = services.dossier_create(cycle=cycle, organization=world.hanoi, by=world.users.staff)
    ready_dossier(world, dossier, worker(world.hanoi))
    second = services.nomination_add(dossier=dossier, award_type=award("LDTT"),
                                     person=worker(world.hanoi, "Trần Thị Hoà"),
                                     achievement_summary="Hoàn thành tốt nhiệm vụ.",
                                     by=world.users.staff)
    services.document_add(dossier=dossier, kind="achievement_report", upload=pdf(),
                          nomination=second, by=world.users.staff)
    return services.dossier_submit(dossier=dossier, by=world.users.head)


@pytest.fixture
def coop_head(world):
    return user_with_role("unit_head", world.coop_hanoi, username="thutruong.htx")


@pytest.fixture
def member_submitted(world, cycle, coop_head):
    """A Hà Nội cooperative's dossier in the Alliance's cycle: it goes to the Hà Nội alliance,
    which reviews it and forwards its nominations."""
    dossier = services.dossier_create(cycle=cycle, organization=world.coop_hanoi, by=coop_head)
    ready_dossier(world, dossier, worker(world.coop_hanoi, "Lê Văn Nam"))
    return services.dossier_submit(dossier=dossier, by=coop_head)


def snapshot(dossier):
    """What a refused transition must leave as it was."""
    dossier = Dossier.objects.get(pk=dossier.pk)
    return (dossier.status, dossier.round, dossier.submitted_at,
            list(DossierEvent.objects.filter(dossier=dossier).values_list("pk", "action")),
            list(dossier.nominations.values_list("pk", "status", "appraisal_comment",
                                                 "appraised_by")),
            Dossier.objects.count(), Nomination.objects.count(), PublicNotice.objects.count())


def actions(dossier):
    return list(DossierEvent.objects.filter(dossier=dossier, nomination__isnull=True)
                .values_list("action", flat=True))


def users(world, *names):
    return [getattr(world.users, name) for name in names]


OUTSIDE_THE_APPRAISAL = ("council", "leadership", "office_staff", "province_admin", "staff",
                         "head", "group_leader", "outsider", "no_role")


# --- return ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["appraiser", "admin"])
def test_appraisers_return_a_submitted_dossier_with_the_reason(world, submitted, who):
    by = getattr(world.users, who)

    dossier = services.dossier_return(dossier=submitted, reason="  Thiếu biên bản  họp. ", by=by)

    assert dossier.status == "returned"
    event = DossierEvent.objects.filter(dossier=submitted).last()
    assert (event.action, event.from_status, event.to_status, event.reason, event.actor) == (
        "return", "submitted", "returned", "Thiếu biên bản họp.", by)


@pytest.mark.parametrize("who", OUTSIDE_THE_APPRAISAL)
def test_others_cannot_return_a_dossier_sent_to_the_alliance(world, submitted, who):
    before = snapshot(submitted)

    with pytest.raises(PermissionDenied):
        services.dossier_return(dossier=submitted, reason="Thiếu.", by=getattr(world.users, who))

    assert snapshot(submitted) == before


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_returning_needs_a_reason(world, submitted, reason):
    before = snapshot(submitted)

    with pytest.raises(ValidationError) as refused:
        services.dossier_return(dossier=submitted, reason=reason, by=world.users.appraiser)

    assert refused.value.message_dict == {"reason": ["Vui lòng nêu lý do trả lại hồ sơ."]}
    assert snapshot(submitted) == before


def test_returning_refuses_an_overlong_reason(world, submitted):
    before = snapshot(submitted)

    with pytest.raises(ValidationError) as refused:
        services.dossier_return(dossier=submitted, reason="x" * 4001, by=world.users.appraiser)

    assert refused.value.message_dict == {"reason": ["Tối đa 4000 ký tự (hiện có 4001)."]}
    assert snapshot(submitted) == before


def test_a_draft_or_returned_dossier_cannot_be_returned(world, submitted, cycle):
    services.dossier_return(dossier=submitted, reason="Thiếu.", by=world.users.appraiser)
    draft = services.dossier_create(cycle=cycle, organization=world.hue, by=world.users.outsider)

    for dossier in (submitted, draft):
        before = snapshot(dossier)
        with pytest.raises(TransitionError) as refused:
            services.dossier_return(dossier=dossier, reason="Lần nữa.", by=world.users.appraiser)
        assert refused.value.message == NOT_POSSIBLE
        assert snapshot(dossier) == before


# --- appraisal of each nomination and of the dossier -------------------------------------------


@pytest.mark.parametrize("who", ["appraiser", "admin"])
def test_appraisers_give_an_opinion_on_each_nomination(world, submitted, who):
    first, second = submitted.nominations.all()
    by = getattr(world.users, who)

    services.nomination_appraise(nomination=first, agree=True, by=by)
    services.nomination_appraise(nomination=second, agree=False, comment="Chưa đủ số năm.", by=by)

    assert list(submitted.nominations.values_list("status", "appraisal_comment",
                                                  "appraised_by")) == [
        ("agreed", "", by.pk), ("disagreed", "Chưa đủ số năm.", by.pk)]
    assert list(DossierEvent.objects.filter(nomination__isnull=False).values_list(
        "action", "from_status", "to_status", "reason")) == [
        ("agree", "proposed", "agreed", ""),
        ("disagree", "proposed", "disagreed", "Chưa đủ số năm.")]


def test_an_opinion_can_be_changed_before_the_appraisal_is_complete(world, submitted):
    nomination = submitted.nominations.first()
    services.nomination_appraise(nomination=nomination, agree=False, comment="Thiếu.",
                                 by=world.users.appraiser)

    services.nomination_appraise(nomination=nomination, agree=True, by=world.users.appraiser)

    nomination.refresh_from_db()
    assert (nomination.status, nomination.appraisal_comment) == ("agreed", "")


@pytest.mark.parametrize("who", OUTSIDE_THE_APPRAISAL)
def test_others_cannot_give_an_opinion(world, submitted, who):
    before = snapshot(submitted)

    with pytest.raises(PermissionDenied):
        services.nomination_appraise(nomination=submitted.nominations.first(), agree=True,
                                     by=getattr(world.users, who))

    assert snapshot(submitted) == before


@pytest.mark.parametrize("comment", ["", "   "])
def test_disagreeing_needs_a_comment(world, submitted, comment):
    before = snapshot(submitted)

    with pytest.raises(ValidationError) as refused:
        services.nomination_appraise(nomination=submitted.nominations.first(), agree=False,
                                     comment=comment, by=world.users.appraiser)

    assert refused.value.message_dict == {"comment": ["Vui lòng nêu lý do thẩm định không đồng ý."]}
    assert snapshot(submitted) == before


def test_no_opinion_on_a_dossier_that_is_not_submitted(world, submitted):
    services.dossier_return(dossier=submitted, reason="Thiếu.", by=world.users.appraiser)
    submitted.refresh_from_db()
    before = snapshot(submitted)

    with pytest.raises(TransitionError) as refused:
        services.nomination_appraise(nomination=submitted.nominations.first(), agree=True,
                                     by=world.users.appraiser)

    assert refused.value.message == "Chỉ thẩm định hồ sơ đã được gửi."
    assert snapshot(submitted) == before


def test_the_appraisal_is_complete_when_every_nomination_has_an_opinion(world, submitted):
    first, second = submitted.nominations.all()
    services.nomination_appraise(nomination=first, agree=True, by=world.users.appraiser)
    before = snapshot(submitted)

    with pytest.raises(TransitionError) as refused:
        services.dossier_mark_appraised(dossier=submitted, by=world.users.appraiser)

    assert refused.value.message == "Cần cho ý kiến thẩm định đối với tất cả các đề nghị trước."
    assert refused.value.problems == [
        f"Trần Thị Hoà ({refused_nomination_award(submitted)})"]
    assert snapshot(submitted) == before

    services.nomination_appraise(nomination=second, agree=True, by=world.users.appraiser)
    dossier = services.dossier_mark_appraised(dossier=submitted, by=world.users.appraiser)

    assert dossier.status == "appraised"
    assert actions(submitted) == ["create", "submit", "appraise"]


@pytest.mark.parametrize("who", OUTSIDE_THE_APPRAISAL)
def test_others_cannot_complete_the_appraisal(world, submitted, who):
    for nomination in submitted.nominations.all():
        services.nomination_appraise(nomination=nomination, agree=True, by=world.users.appraiser)
    before = snapshot(submitted)

    with pytest.raises(PermissionDenied):
        services.dossier_mark_appraised(dossier=submitted, by=getattr(world.users, who))

    assert snapshot(submitted) == before


def test_an_appraised_dossier_is_not_appraised_or_returned_again(world, submitted):
    for nomination in submitted.nominations.all():
        services.nomination_appraise(nomination=nomination, agree=True, by=world.users.appraiser)
    services.dossier_mark_appraised(dossier=submitted, by=world.users.appraiser)
    before = snapshot(submitted)

    for attempt in (lambda: services.dossier_mark_appraised(dossier=submitted,
                                                            by=world.users.appraiser),
                    lambda: services.dossier_return(dossier=submitted, reason="Muộn.",
                                                    by=world.users.appraiser)):
        with pytest.raises(TransitionError) as refused:
            attempt()
        assert refused.value.message == NOT_POSSIBLE

    assert snapshot(submitted) == before


# --- rounds: returned, corrected, sent again ---------------------------------------------------


def test_a_returned_dossier_corrected_and_sent_again_keeps_each_round(world, submitted):
    first, second = submitted.nominations.all()
    services.nomination_appraise(nomination=first, agree=True, by=world.users.appraiser)
    services.dossier_return(dossier=submitted, reason="Bổ sung thành tích.",
                            by=world.users.appraiser)

    second = Nomination.objects.get(pk=second.pk)  # as a new request reads it
    services.nomination_update(nomination=second, achievement_summary="Thành tích đã bổ sung.",
                               by=world.users.staff)
    dossier = services.dossier_submit(dossier=submitted, by=world.users.head)

    assert (dossier.status, dossier.round) == ("submitted", 2)
    # A new round is appraised again: the earlier opinion no longer stands.
    assert list(dossier.nominations.values_list("status", flat=True)) == ["proposed", "proposed"]
    assert actions(dossier) == ["create", "submit", "return", "resubmit"]
    rounds = dossier_history(dossier)
    assert [(r["number"], [e.action for e in r["events"]]) for r in rounds] == [
        (0, ["create"]), (1, ["submit", "agree", "return"]), (2, ["resubmit"])]
    assert rounds[1]["events"][-1].reason == "Bổ sung thành tích."


def test_a_submitted_dossier_is_locked_until_returned(world, submitted):
    before = snapshot(submitted)

    with pytest.raises(TransitionError) as refused:
        services.nomination_update(nomination=submitted.nominations.first(),
                                   achievement_summary="Sửa lén.", by=world.users.staff)

    assert refused.value.message == ("Hồ sơ đã được gửi: chỉ sửa được sau khi được trả lại để "
                                     "hoàn thiện.")
    assert snapshot(submitted) == before


# --- a provincial alliance accepts and forwards its members' dossiers ---------------------------


@pytest.mark.parametrize("who", ["staff", "head", "province_admin"])
def test_the_alliance_accepts_and_forwards_a_members_nominations(world, member_submitted, who):
    by = getattr(world.users, who)
    forwarded = list(member_submitted.nominations.all())

    dossier = services.dossier_accept(dossier=member_submitted, by=by)

    assert dossier.status == "accepted"
    upper = Dossier.objects.get(cycle=member_submitted.cycle, organization=world.hanoi)
    assert (upper.status, upper.recipient, upper.created_by) == ("draft", world.central, by)
    assert [(n.source, n.person, n.award_type.code, n.status) for n in upper.nominations.all()] == [
        (forwarded[0], forwarded[0].person, "LDTT", "proposed")]
    assert list(member_submitted.nominations.values_list("status", flat=True)) == ["forwarded"]
    assert actions(member_submitted) == ["create", "submit", "accept"]
    assert actions(upper) == ["create"]


def test_forwarding_adds_to_the_alliances_existing_draft(world, member_submitted):
    upper = services.dossier_create(cycle=member_submitted.cycle, organization=world.hanoi,
                                    by=world.users.staff)
    own = services.nomination_add(dossier=upper, award_type=award("LDTT"),
                                  person=worker(world.hanoi), achievement_summary="Tốt.",
                                  by=world.users.staff)

    services.dossier_accept(dossier=member_submitted, by=world.users.staff)

    assert [n.source_id for n in upper.nominations.all()] == [
        None, member_submitted.nominations.get().pk]
    assert upper.nominations.first() == own


@pytest.mark.parametrize("who", ["appraiser", "admin", "council", "leadership", "outsider",
                                 "office_staff", "no_role"])
def test_only_the_receiving_alliance_accepts(world, member_submitted, who, coop_head):
    before = snapshot(member_submitted)

    with pytest.raises(PermissionDenied):
        services.dossier_accept(dossier=member_submitted, by=getattr(world.users, who))

    assert snapshot(member_submitted) == before


def test_the_cooperative_cannot_accept_its_own_dossier(world, member_submitted, coop_head):
    before = snapshot(member_submitted)

    with pytest.raises(PermissionDenied):
        services.dossier_accept(dossier=member_submitted, by=coop_head)

    assert snapshot(member_submitted) == before


def test_a_dossier_sent_to_the_organizer_is_appraised_not_forwarded(world, submitted):
    before = snapshot(submitted)

    with pytest.raises(TransitionError) as refused:
        services.dossier_accept(dossier=submitted, by=world.users.appraiser)

    assert refused.value.message == "Hồ sơ này được thẩm định, không chuyển lên cấp trên."
    assert snapshot(submitted) == before


def test_no_forwarding_once_the_alliance_has_sent_its_own_dossier(world, member_submitted):
    upper = services.dossier_create(cycle=member_submitted.cycle, organization=world.hanoi,
                                    by=world.users.staff)
    ready_dossier(world, upper, worker(world.hanoi))
    services.dossier_submit(dossier=upper, by=world.users.head)
    before = snapshot(member_submitted)

    with pytest.raises(TransitionError) as refused:
        services.dossier_accept(dossier=member_submitted, by=world.users.staff)

    assert refused.value.message.startswith(world.hanoi.name)
    assert snapshot(member_submitted) == before


def test_the_alliance_returns_a_members_dossier(world, member_submitted, coop_head):
    dossier = services.dossier_return(dossier=member_submitted, reason="Thiếu tờ trình.",
                                      by=world.users.staff)

    assert dossier.status == "returned"
    # The alliance does not appraise: no opinion on a member's nominations.
    before = snapshot(member_submitted)
    with pytest.raises(PermissionDenied):
        services.nomination_appraise(nomination=member_submitted.nominations.get(), agree=True,
                                     by=world.users.staff)
    assert snapshot(member_submitted) == before


def test_an_accepted_dossier_cannot_be_accepted_or_returned_again(world, member_submitted):
    services.dossier_accept(dossier=member_submitted, by=world.users.staff)
    before = snapshot(member_submitted)

    for attempt in (lambda: services.dossier_accept(dossier=member_submitted,
                                                    by=world.users.staff),
                    lambda: services.dossier_return(dossier=member_submitted, reason="Muộn.",
                                                    by=world.users.staff)):
        with pytest.raises(TransitionError) as refused:
            attempt()
        assert refused.value.message == NOT_POSSIBLE

    assert snapshot(member_submitted) == before


# --- public notice -----------------------------------------------------------------------------


def needing_notice(nominations):
    """The award of these nominations is one published before the council meets."""
    from awards.models import AwardType

    AwardType.objects.filter(pk__in=[n.award_type_id for n in nominations]).update(
        public_notice_required=True)
    return [type(n).objects.select_related("award_type", "dossier").get(pk=n.pk)
            for n in nominations]


def refused_nomination_award(dossier) -> str:
    return dossier.nominations.filter(status="proposed").first().award_type.name


def test_a_notice_is_refused_for_awards_that_need_none(world, submitted):
    before = snapshot(submitted)
    with pytest.raises(ValidationError) as refused:
        services.public_notice_record(nominations=list(submitted.nominations.all()),
                                      channel="Báo", start_date=today(),
                                      by=world.users.appraiser)
    assert "không cần công khai" in refused.value.messages[0]
    assert snapshot(submitted) == before


def test_appraisers_record_a_public_notice(world, submitted):
    nominations = needing_notice(list(submitted.nominations.all()))

    notice = services.public_notice_record(nominations=nominations, channel=" Cổng  thông tin ",
                                           start_date=datetime.date(2026, 3, 2),
                                           by=world.users.appraiser)

    assert (notice.channel, notice.start_date, list(notice.nominations.all())) == (
        "Cổng thông tin", datetime.date(2026, 3, 2), nominations)


@pytest.mark.parametrize("who", OUTSIDE_THE_APPRAISAL)
def test_others_cannot_record_a_public_notice(world, submitted, who):
    before = snapshot(submitted)

    with pytest.raises(PermissionDenied):
        services.public_notice_record(nominations=submitted.nominations.all(), channel="Báo",
                                      start_date=today(), by=getattr(world.users, who))

    assert snapshot(submitted) == before


@pytest.mark.parametrize("nominations, channel, message", [
    ("none", "Báo", "Chọn các đề nghị đã được công khai."),
    ("all", "   ", {"channel": ["Vui lòng nhập thông tin này."]}),
    ("all", "x" * 301, {"channel": ["Tối đa 300 ký tự (hiện có 301)."]}),
])
def test_a_public_notice_refuses_bad_input(world, submitted, nominations, channel, message):
    chosen = [] if nominations == "none" else needing_notice(list(submitted.nominations.all()))
    before = snapshot(submitted)

    with pytest.raises(ValidationError) as refused:
        services.public_notice_record(nominations=chosen, channel=channel, start_date=today(),
                                      by=world.users.appraiser)

    if isinstance(message, dict):
        assert refused.value.message_dict == message
    else:
        assert refused.value.messages == [message]
    assert snapshot(submitted) == before


def test_a_forwarded_nomination_follows_the_award_of_its_alliances_copy(world, member_submitted):
    """The cooperative's own nomination is marked awarded when the decision on the copy its
    alliance sent up is issued, and the cooperative is told."""
    from awards import services_decisions
    from deadlines.models import Notification

    services.dossier_accept(dossier=member_submitted, by=world.users.staff)
    upper = Dossier.objects.get(cycle=member_submitted.cycle, organization=world.hanoi)
    for document in member_submitted.documents.filter(nomination__isnull=True):
        services.document_add(dossier=upper, kind=document.kind, upload=pdf(), by=world.users.staff)
    for copy in upper.nominations.all():
        services.document_add(dossier=upper, kind="achievement_report", upload=pdf(),
                              nomination=copy, by=world.users.staff)
    services.dossier_submit(dossier=upper, by=world.users.head)
    copy = upper.nominations.get()
    services.nomination_appraise(nomination=copy, agree=True, by=world.users.appraiser)
    fields = services_decisions.decision_prefill(kind="grant", issuer=world.central,
                                                 cycle=upper.cycle)
    fields.update(date=today(), signer_name="Nguyễn Văn Hùng", place="Hà Nội")
    decision = services_decisions.decision_create(kind="grant", cycle=upper.cycle,
                                                  nominations=[copy], by=world.users.appraiser,
                                                  **fields)
    services_decisions.decision_issue(decision=decision, by=world.users.appraiser)

    original = member_submitted.nominations.get()
    copy.refresh_from_db()
    assert copy.status == Nomination.Status.AWARDED and copy.award_record is not None
    assert original.status == Nomination.Status.AWARDED
    assert DossierEvent.objects.filter(dossier=member_submitted, nomination=original,
                                       action="award").exists()
    told = set(Notification.objects.filter(text__contains=decision.number_and_symbol)
               .values_list("user_id", flat=True))
    cooperative = set(member_submitted.organization.role_assignments.values_list("user_id",
                                                                                 flat=True))
    assert told & cooperative
