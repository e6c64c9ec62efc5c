"""`make run` shows the council at work: the demo builds the Alliance's council and its term,
seats the demo users, holds one meeting through the services (results equal to a recount) and
prepares another one whose agenda is ready."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from awards import services_council as sc
from awards.demo_council import COUNCIL_NAME, COUNCIL_USERS, TERM_NAME, build_council_demo
from awards.models import (
    AgendaItem, Attendance, Ballot, BallotParticipation, Council, CouncilMeeting, CouncilMember,
    MeetingEvent, Nomination, OpenVote,
)
from awards.selectors_council import get_meeting_for_user
from clusters.demo import DemoBuilder

pytestmark = pytest.mark.django_db

P = CouncilMember.Position


def test_the_demo_builds_a_council_with_a_held_and_a_prepared_meeting():
    DemoBuilder().build()

    council = Council.objects.get()
    assert council.name == COUNCIL_NAME and council.organization.code == "LMHTXVN"
    term = council.terms.get()
    assert term.name == TERM_NAME and term.basis.startswith("Quyết định số")
    seats = {m.user.username: m for m in CouncilMember.objects.filter(term=term)
             .select_related("user")}
    assert (seats["lanhdao"].position, seats["hoidong"].position) == (P.CHAIR, P.VICE_CHAIR)
    assert seats["thamdinh"].position == P.SECRETARY and not seats["thamdinh"].votes
    assert all(seats[name].votes for name in ["lanhdao", "hoidong", *COUNCIL_USERS])
    for name in COUNCIL_USERS:  # demo accounts with the council member role, demo password
        user = seats[name].user
        assert user.check_password("demo-thidua-2026")
        assert RoleAssignment.objects.current().filter(
            user=user, role=Role.COUNCIL_MEMBER, organization__code="LMHTXVN").exists()

    held, prepared = CouncilMeeting.objects.order_by("date")
    # The meeting held: closed through the services, its counts equal to a recount.
    assert held.status == CouncilMeeting.Status.CLOSED and held.rule_set_id
    assert held.chair == seats["lanhdao"] and held.secretary == seats["thamdinh"]
    assert held.present_members >= held.quorum > 0
    assert set(held.events.values_list("action", flat=True)) >= {"create", "agenda_add", "open",
                                                                 "close"}
    items = list(held.items.select_related("nomination__award_type"))
    assert {i.mode for i in items} == {AgendaItem.Mode.SECRET, AgendaItem.Mode.OPEN}
    recount = sc.recount(held)
    for item in items:
        assert (item.agree, item.disagree, item.abstain) == (
            recount[item.pk].agree, recount[item.pk].disagree, recount[item.pk].abstain)
        assert item.passed == sc.passes(item.agree, item.base, item.threshold, item.strict)
        assert item.nomination.status == (Nomination.Status.PASSED if item.passed
                                          else Nomination.Status.REJECTED)
    assert {i.passed for i in items} == {True, False}  # approved and not approved both shown
    voting = len(["lanhdao", "hoidong", *COUNCIL_USERS])
    assert BallotParticipation.objects.filter(meeting=held).count() == voting
    assert BallotParticipation.objects.filter(meeting=held, written=True).count() == 1
    assert Ballot.objects.filter(meeting=held).count() == voting
    assert OpenVote.objects.filter(item__meeting=held).count() == voting * sum(
        1 for i in items if i.mode == AgendaItem.Mode.OPEN)

    # The meeting in preparation: an agenda of agreed nominations, attendance not recorded.
    assert prepared.status == CouncilMeeting.Status.DRAFT
    assert prepared.date > held.date
    assert not Attendance.objects.filter(meeting=prepared).exists()
    prepared_items = list(prepared.items.select_related("nomination"))
    assert len(prepared_items) >= 3
    assert {i.mode for i in prepared_items} == {AgendaItem.Mode.SECRET, AgendaItem.Mode.OPEN}
    assert {i.nomination.status for i in prepared_items} == {Nomination.Status.AGREED}
    # Everyone needed to run it can reach it.
    for name in ["lanhdao", "thamdinh", "uyvien1"]:
        assert get_meeting_for_user(seats[name].user, prepared.pk) == prepared
    assert held.date == timezone.localdate()
    assert prepared.date == held.date + datetime.timedelta(days=14)

    # Loading the demo again changes nothing.
    events = MeetingEvent.objects.count()
    assert build_council_demo() == 0
    DemoBuilder().build()
    assert (Council.objects.count(), CouncilMeeting.objects.count(),
            MeetingEvent.objects.count()) == (1, 2, events)
