"""The council's services: meetings, quorum, ballots (secret and open), the exact threshold
comparison, recusals, written opinions, the tally and its effect on the nominations."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from awards import services_council as sc
from awards.models import (
    AgendaItem, Attendance, Ballot, BallotParticipation, CouncilMeeting, DossierEvent,
    Nomination, OpenVote, Recusal, RuleParameter,
)
from awards.selectors_council import members_not_voted, published_receipts
from awards.selectors_decisions import nominations_ready_for_decision
from awards.tests.council_builders import (
    MEETING_DAY, council_nominations, make_council, open_meeting,
)
from awards.workflow import TransitionError

pytestmark = pytest.mark.django_db


def vote_all(meeting, seats, choice_of):
    """Each seat votes choice_of(index, item) on every item it may vote on."""
    receipts = []
    items = list(meeting.items.all())
    for i, seat in enumerate(seats):
        recused = set(Recusal.objects.filter(member=seat).values_list("item_id", flat=True))
        choices = {str(item.pk): choice_of(i, item) for item in items if item.pk not in recused}
        receipts.append(sc.ballot_submit(meeting=meeting, by=seat.user, choices=choices))
    return receipts


# --- passes(): the exact comparison ------------------------------------------------------------


@pytest.mark.parametrize("agree,base,threshold,strict,expected", [
    (9, 10, Decimal("90"), False, True),     # exactly 90 % reaches 90 %
    (8, 10, Decimal("90"), False, False),
    (26, 29, Decimal("90"), False, False),   # 89,66 %: no rounding up
    (27, 30, Decimal("90"), False, True),
    (5, 10, Decimal("50"), True, False),     # a tie does not exceed a half
    (6, 10, Decimal("50"), True, True),
    (2, 3, Decimal("66.67"), False, False),  # 66,666…% < 66,67 %
    (2, 3, Decimal("66.66"), False, True),
    (0, 0, Decimal("50"), True, False),      # nobody entitled: never passes
    (0, 5, Decimal("0"), False, True),       # a zero threshold is reached by zero votes
])
def test_the_comparison_is_exact_in_integers(agree, base, threshold, strict, expected):
    assert sc.passes(agree, base, threshold, strict) is expected


def test_quorum_is_two_thirds_rounded_up(world):
    params = {"council_quorum_numerator": 2, "council_quorum_denominator": 3}
    assert [sc.quorum_for(n, params) for n in (0, 1, 3, 5, 6, 7, 30)] == [0, 1, 2, 4, 4, 5, 20]


# --- the rule of each item ---------------------------------------------------------------------


def test_item_rules_come_from_the_award_and_the_rule_set_of_the_meeting_day(world):
    cstdn = council_nominations(world, code="CSTDN", n=1)
    bk = council_nominations(world, code="BK_CT", n=1)
    meeting, seats, _ = open_meeting(world, nominations=cstdn + bk)
    by_code = {i.nomination.award_type.code: i for i in meeting.items.select_related(
        "nomination__award_type")}
    assert (by_code["CSTDN"].mode, by_code["CSTDN"].threshold, by_code["CSTDN"].strict) == (
        AgendaItem.Mode.SECRET, Decimal("90"), False)
    assert (by_code["BK_CT"].mode, by_code["BK_CT"].threshold, by_code["BK_CT"].strict) == (
        AgendaItem.Mode.OPEN, Decimal("50"), True)
    assert by_code["CSTDN"].denominator == AgendaItem.Denominator.ENTITLED
    assert meeting.rule_set.valid_from == datetime.date(2025, 7, 1)


# --- opening -----------------------------------------------------------------------------------


def test_voting_opens_only_with_the_quorum(world):
    council, term, seats, secretary = make_council(world, members=6)
    meeting = sc.meeting_save(council=council, by=world.users.appraiser, title="Phiên họp",
                              date=MEETING_DAY, chair=seats[0], secretary=secretary)
    sc.agenda_add(meeting=meeting, nominations=council_nominations(world),
                  by=world.users.appraiser)
    sc.attendance_record(meeting=meeting, by=world.users.appraiser, statuses={
        s.pk: Attendance.Status.PRESENT if i < 3 else Attendance.Status.ABSENT
        for i, s in enumerate(seats)})
    with pytest.raises(TransitionError) as refused:
        sc.meeting_open(meeting=meeting, by=seats[0].user)
    assert "3/6" in refused.value.message.replace(" trên ", "/") or "3" in refused.value.message
    meeting.refresh_from_db()
    assert meeting.status == CouncilMeeting.Status.DRAFT and meeting.opened_at is None
    sc.attendance_record(meeting=meeting, by=secretary.user,
                         statuses={seats[3].pk: Attendance.Status.PRESENT})
    meeting = sc.meeting_open(meeting=meeting, by=seats[0].user)
    assert (meeting.status, meeting.quorum, meeting.present_members) == (
        CouncilMeeting.Status.OPEN, 4, 4)
    assert meeting.events.filter(action="open", actor=seats[0].user).exists()


def test_only_the_presiding_member_opens_and_closes(world):
    meeting, seats, secretary = open_meeting(world)
    for user in (seats[1].user, secretary.user, world.users.appraiser, world.users.admin):
        with pytest.raises(PermissionDenied):
            sc.meeting_close(meeting=meeting, by=user)
    meeting.refresh_from_db()
    assert meeting.status == CouncilMeeting.Status.OPEN


# --- ballots -----------------------------------------------------------------------------------


def test_a_secret_ballot_keeps_no_link_to_the_member(world):
    meeting, seats, _ = open_meeting(world, members=3,
                                     nominations=council_nominations(world, n=1))
    item = meeting.items.get()
    code = sc.ballot_submit(meeting=meeting, by=seats[0].user, choices={str(item.pk): "agree"})
    assert len(code) == 19 and code.count("-") == 3
    ballot = Ballot.objects.get()
    assert ballot.choices == {str(item.pk): "agree"}
    assert ballot.receipt_hash == sc.receipt_hash(code)
    assert BallotParticipation.objects.filter(meeting=meeting, member=seats[0]).exists()
    fields = {f.name for f in Ballot._meta.get_fields()}
    assert fields == {"id", "meeting", "choices", "written", "receipt_hash"}


def test_a_member_votes_once(world):
    meeting, seats, _ = open_meeting(world, members=3)
    item = meeting.items.first()
    choices = {str(i.pk): "agree" for i in meeting.items.all()}
    sc.ballot_submit(meeting=meeting, by=seats[0].user, choices=choices)
    with pytest.raises(TransitionError):
        sc.ballot_submit(meeting=meeting, by=seats[0].user, choices=choices)
    assert Ballot.objects.count() == 1 and BallotParticipation.objects.count() == 1
    assert item  # the agenda is unchanged
    assert meeting.items.count() == 2


def test_an_incomplete_ballot_is_refused_and_nothing_is_written(world):
    meeting, seats, _ = open_meeting(world, members=3)
    first = meeting.items.first()
    with pytest.raises(ValidationError) as refused:
        sc.ballot_submit(meeting=meeting, by=seats[0].user, choices={str(first.pk): "agree"})
    assert "1" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        sc.ballot_submit(meeting=meeting, by=seats[0].user,
                         choices={str(i.pk): "maybe" for i in meeting.items.all()})
    with pytest.raises(ValidationError):
        sc.ballot_submit(meeting=meeting, by=seats[0].user, choices={"999999": "agree"})
    assert not Ballot.objects.exists() and not BallotParticipation.objects.exists()
    sc.ballot_submit(meeting=meeting, by=seats[0].user, choices={str(first.pk): "disagree"},
                     agree_remaining=True)
    assert sorted(Ballot.objects.get().choices.values()) == ["agree", "disagree"]


def test_absent_members_and_outsiders_cannot_vote(world):
    meeting, seats, secretary = open_meeting(world, members=4, present=3)
    choices = {str(i.pk): "agree" for i in meeting.items.all()}
    with pytest.raises(TransitionError):
        sc.ballot_submit(meeting=meeting, by=seats[3].user, choices=choices)
    for outsider in (world.users.admin, world.users.outsider, secretary.user):
        with pytest.raises(PermissionDenied):
            sc.ballot_submit(meeting=meeting, by=outsider, choices=choices)
    assert not BallotParticipation.objects.exists()


def test_open_votes_are_named_and_drafts_keep_only_open_items(world):
    secret = council_nominations(world, code="CSTDN", n=1)
    open_ = council_nominations(world, code="BK_CT", n=1)
    meeting, seats, _ = open_meeting(world, members=3, nominations=secret + open_)
    s_item = meeting.items.get(mode=AgendaItem.Mode.SECRET)
    o_item = meeting.items.get(mode=AgendaItem.Mode.OPEN)
    kept = sc.draft_save(meeting=meeting, by=seats[1].user,
                         choices={str(s_item.pk): "disagree", str(o_item.pk): "agree"})
    assert kept == 1
    from awards.models import BallotDraft
    assert BallotDraft.objects.get().choices == {str(o_item.pk): "agree"}
    sc.ballot_submit(meeting=meeting, by=seats[1].user,
                     choices={str(s_item.pk): "disagree", str(o_item.pk): "agree"})
    assert OpenVote.objects.get().member == seats[1]
    assert Ballot.objects.get().choices == {str(s_item.pk): "disagree"}
    assert not BallotDraft.objects.exists()


# --- recusals ----------------------------------------------------------------------------------


def test_a_member_is_recused_from_items_of_their_own_unit(world):
    council, term, seats, secretary = make_council(world, members=4)
    seats[2].organization = world.hanoi
    seats[2].save()
    hanoi = council_nominations(world, n=1)  # a Hà Nội dossier
    other = council_nominations(world, n=1, organization=world.hue)
    meeting = sc.meeting_save(council=council, by=world.users.appraiser, title="Phiên họp",
                              date=MEETING_DAY, chair=seats[0], secretary=secretary)
    sc.agenda_add(meeting=meeting, nominations=hanoi + other, by=world.users.appraiser)
    recusal = Recusal.objects.get()
    assert (recusal.member, recusal.item.nomination, recusal.automatic) == (seats[2], hanoi[0],
                                                                            True)
    sc.attendance_record(meeting=meeting, by=secretary.user,
                         statuses={s.pk: "present" for s in seats})
    meeting = sc.meeting_open(meeting=meeting, by=seats[0].user)
    other_item = meeting.items.get(nomination=other[0])
    sc.recusal_declare(meeting=meeting, item=other_item, by=seats[3].user,
                       reason="Người được đề nghị là người thân")
    # The recused member's choice on the item is not taken, and it needs none.
    vote_all(meeting, seats, lambda i, item: "agree")
    sc.meeting_close(meeting=meeting, by=seats[0].user)
    hanoi_item = meeting.items.get(nomination=hanoi[0])
    other_item.refresh_from_db()
    assert (hanoi_item.agree, hanoi_item.entitled, hanoi_item.base) == (3, 3, 3)
    assert (other_item.agree, other_item.entitled) == (3, 3)
    assert hanoi_item.passed and other_item.passed


# --- the tally ---------------------------------------------------------------------------------


def test_close_counts_decides_and_moves_the_nominations(world):
    nominations = council_nominations(world, code="CSTDN", n=2)
    meeting, seats, _ = open_meeting(world, members=10, nominations=nominations)
    first, second = meeting.items.order_by("position")
    # First item: 9 of 10 agree (90 %: passes). Second: 8 of 10 (fails).
    vote_all(meeting, seats, lambda i, item: "agree" if (item == first and i < 9) or (
        item == second and i < 8) else ("disagree" if i % 2 else "abstain"))
    sc.meeting_close(meeting=meeting, by=seats[0].user)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.agree, first.base, first.passed) == (9, 10, True)
    assert (second.agree, second.disagree + second.abstain, second.passed) == (8, 2, False)
    n1, n2 = (Nomination.objects.get(pk=n.pk) for n in nominations)
    assert (n1.status, n2.status) == (Nomination.Status.PASSED, Nomination.Status.REJECTED)
    event = DossierEvent.objects.get(nomination=n2, action="council_reject")
    assert "8" in event.reason and "10" in event.reason
    ready = list(nominations_ready_for_decision(n1.dossier.cycle))
    assert ready == [n1]


def test_nothing_voted_fails_every_item(world):
    meeting, seats, _ = open_meeting(world, members=3)
    sc.meeting_close(meeting=meeting, by=seats[0].user)
    assert list(meeting.items.values_list("agree", "passed")) == [(0, False), (0, False)]


def test_no_count_before_close_and_the_recount_equals_the_result(world):
    meeting, seats, _ = open_meeting(world, members=5)
    vote_all(meeting, seats, lambda i, item: ["agree", "disagree", "abstain"][i % 3])
    assert published_receipts(meeting) == []
    assert all(i.agree is None for i in meeting.items.all())
    sc.meeting_close(meeting=meeting, by=seats[0].user)
    recount = sc.recount(meeting)
    for item in meeting.items.all():
        assert (item.agree, item.disagree, item.abstain) == (
            recount[item.pk].agree, recount[item.pk].disagree, recount[item.pk].abstain)


def test_receipts_are_published_after_close(world):
    meeting, seats, _ = open_meeting(world, members=3)
    receipts = vote_all(meeting, seats, lambda i, item: "agree")
    sc.meeting_close(meeting=meeting, by=seats[0].user)
    meeting.refresh_from_db()
    assert published_receipts(meeting) == sorted(sc.receipt_hash(r) for r in receipts)


@pytest.mark.parametrize("counts,denominator,expected_base", [
    (True, "total_members", 6), (True, "present_members", 5), (True, "entitled_members", 6),
    (False, "present_members", 4), (False, "total_members", 6),
])
def test_written_opinions_and_denominators(world, counts, denominator, expected_base):
    RuleParameter.objects.filter(key="council_absent_written_votes_count").update(
        value="true" if counts else "false")
    RuleParameter.objects.filter(key="council_vote_denominator").update(value=denominator)
    nominations = council_nominations(world, code="BK_CT", n=1)
    meeting, seats, secretary = open_meeting(world, members=6, present=4, written=(4,),
                                             nominations=nominations)
    item = meeting.items.get()
    for seat in seats[:4]:
        sc.ballot_submit(meeting=meeting, by=seat.user, choices={str(item.pk): "agree"})
    sc.written_opinion_record(meeting=meeting, member=seats[4], by=secretary.user,
                              choices={str(item.pk): "agree"})
    # 4 present, 1 absent with a written opinion, 1 absent: 6 members.
    sc.meeting_close(meeting=meeting, by=seats[0].user)
    item.refresh_from_db()
    assert item.agree == (5 if counts else 4)
    assert item.base == expected_base
    assert item.passed == sc.passes(item.agree, expected_base, Decimal("50"), True)


def test_members_who_have_not_voted(world):
    meeting, seats, _ = open_meeting(world, members=4)
    sc.ballot_submit(meeting=meeting, by=seats[1].user,
                     choices={str(i.pk): "agree" for i in meeting.items.all()})
    assert list(members_not_voted(meeting)) == [seats[0], seats[2], seats[3]]
    sc.meeting_close(meeting=meeting, by=seats[0].user)
    meeting.refresh_from_db()
    assert list(members_not_voted(meeting)) == []
