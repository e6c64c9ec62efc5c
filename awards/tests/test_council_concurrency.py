"""Integrity under load (issue 5, parts 7 and 9): ballots submitted by threads, each with its own
database connection, at the same moment. One ballot per member however many submissions race;
thirty members on a 500-item agenda lose nothing; a close racing with ballots in flight leaves
every ballot either counted or refused, never half-written. The published counts always equal
`recount` and the counts computed here from what each thread submitted.

PostgreSQL only: SQLite has no row locks (`select_for_update` is a no-op) and answers concurrent
writers with "database is locked", so the race these tests exercise does not exist there. They
skip with the reason on SQLite and fail instead under REQUIRE_SERVICES=1 (CI runs them on
PostgreSQL)."""

import random
import threading
import time
from collections import Counter

import pytest
from django.db import connection
from django.utils import translation

from awards import services_council as sc
from awards.models import (
    AgendaItem, Ballot, BallotParticipation, CouncilMeeting, Nomination, OpenVote,
)
from awards.tests.council_builders import open_meeting
from awards.tests.test_decisions import agreed, make_cycle, make_dossier
from awards.workflow import TransitionError
from conftest import require_or_skip
from tests.test_browser import award_catalogue  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

CHOICES = ("agree", "disagree", "abstain")


@pytest.fixture(scope="module", autouse=True)
def postgresql_only():
    """Skip before any database fixture runs, so that nothing is flushed on SQLite."""
    require_or_skip(connection.vendor == "postgresql",
                    "cơ sở dữ liệu kiểm thử không phải PostgreSQL: SQLite không khóa dòng, kiểm "
                    "thử bỏ phiếu đồng thời chỉ chạy trên PostgreSQL")


@pytest.fixture(autouse=True)
def catalogue(award_catalogue):  # noqa: F811
    """An earlier transactional test may have flushed the rows the migrations seeded (award
    catalogue, rule sets): put them back. (serialized_rollback clashed with the content types
    that a flush re-creates.)"""


def vi(msgid):
    with translation.override("vi"):
        return translation.gettext(msgid)


def mixed_nominations(world, *, secret, open_):
    """`secret` agreed nominations of Chiến sĩ thi đua ngành (secret ballot) and `open_` of the
    Chairman's Bằng khen (open vote), in one appraised dossier of the central 2025 cycle."""
    cycle = make_cycle(world, codes=("CSTDN", "BK_CT"))
    dossier = make_dossier(world, cycle)
    return (agreed(world, dossier, code="CSTDN", n=secret)
            + agreed(world, dossier, code="BK_CT", n=open_))


def run_at_once(targets):
    """Start one thread per callable, release them together with a barrier, wait for all.
    Returns [(index, result or exception)] in thread order. Each thread closes its own
    connection."""
    barrier = threading.Barrier(len(targets))
    outcomes = [None] * len(targets)

    def run(index, target):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = target()
        except Exception as error:  # noqa: BLE001 - collected and asserted by the test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a thread never finished"
    return outcomes


def expected_counts(items, submitted):
    """{item id: Counter(choice)} from the choices each successful ballot carried."""
    counts = {item.pk: Counter() for item in items}
    for choices in submitted:
        for key, choice in choices.items():
            counts[int(key)][choice] += 1
    return counts


def assert_published_equals_recount_and(meeting, expected):
    recount = sc.recount(meeting)
    stored = {i.pk: (i.agree, i.disagree, i.abstain) for i in meeting.items.all()}
    assert set(stored) == set(recount) == set(expected)
    for pk, (agree, disagree, abstain) in stored.items():
        again = recount[pk]
        assert (agree, disagree, abstain) == (again.agree, again.disagree, again.abstain), pk
        mine = expected[pk]
        assert (agree, disagree, abstain) == (mine["agree"], mine["disagree"],
                                              mine["abstain"]), pk


def assert_nothing_half_written(meeting, *, ballots, open_items):
    """Every participation has its ballot and its open votes, and nothing else exists."""
    participations = BallotParticipation.objects.filter(meeting=meeting)
    assert participations.count() == ballots
    assert Ballot.objects.filter(meeting=meeting).count() == ballots
    assert OpenVote.objects.filter(item__meeting=meeting).count() == ballots * open_items
    voters = set(participations.values_list("member_id", flat=True))
    per_member = Counter(OpenVote.objects.filter(item__meeting=meeting)
                         .values_list("member_id", flat=True))
    assert set(per_member) == (voters if open_items else set())
    assert all(n == open_items for n in per_member.values())


def test_twenty_simultaneous_submissions_of_one_member_give_one_ballot(world):
    nominations = mixed_nominations(world, secret=2, open_=2)
    meeting, seats, _secretary = open_meeting(world, members=5, nominations=nominations)
    items = list(meeting.items.order_by("position"))
    member = seats[2]
    choices = [{str(item.pk): CHOICES[(i + n) % 3] for n, item in enumerate(items)}
               for i in range(20)]

    outcomes = run_at_once([
        (lambda c=c: sc.ballot_submit(meeting=meeting, by=member.user, choices=c))
        for c in choices])

    receipts = [o for o in outcomes if isinstance(o, str)]
    refusals = [o for o in outcomes if isinstance(o, TransitionError)]
    assert len(receipts) == 1 and len(receipts[0]) == 19, outcomes
    assert len(refusals) == 19, outcomes
    already = vi("This member has already voted in this meeting.")
    assert {str(r.message) for r in refusals} == {already}
    assert BallotParticipation.objects.filter(meeting=meeting, member=member).count() == 1
    assert_nothing_half_written(meeting, ballots=1, open_items=2)
    # The ballot kept is the one whose submission succeeded, whole.
    winner = choices[outcomes.index(receipts[0])]
    ballot = Ballot.objects.get(meeting=meeting)
    secret_ids = {str(i.pk) for i in items if i.mode == AgendaItem.Mode.SECRET}
    assert ballot.choices == {k: v for k, v in winner.items() if k in secret_ids}
    assert ballot.receipt_hash == sc.receipt_hash(receipts[0])
    assert {str(pk): c for pk, c in OpenVote.objects.filter(member=member)
            .values_list("item_id", "choice")} == {
        k: v for k, v in winner.items() if k not in secret_ids}


def test_thirty_members_on_a_500_item_agenda_lose_nothing(world):
    nominations = mixed_nominations(world, secret=250, open_=250)
    meeting, seats, _secretary = open_meeting(world, members=30, nominations=nominations)
    items = list(meeting.items.order_by("position"))
    assert len(items) == 500
    open_items = sum(1 for i in items if i.mode == AgendaItem.Mode.OPEN)
    assert open_items == 250
    submitted = []
    for index, _seat in enumerate(seats):
        rng = random.Random(index)
        if index % 3 == 0:
            # Choose on a few items only and agree to all remaining.
            picked = {str(i.pk): rng.choice(CHOICES) for i in rng.sample(items, 40)}
            submitted.append((picked, True))
        else:
            submitted.append(({str(i.pk): rng.choice(CHOICES) for i in items}, False))

    outcomes = run_at_once([
        (lambda s=seat, c=c, rest=rest: sc.ballot_submit(meeting=meeting, by=s.user, choices=c,
                                                        agree_remaining=rest))
        for seat, (c, rest) in zip(seats, submitted)])

    assert all(isinstance(o, str) and len(o) == 19 for o in outcomes), outcomes
    assert len(set(outcomes)) == 30  # thirty distinct receipts
    assert_nothing_half_written(meeting, ballots=30, open_items=open_items)
    hashes = set(Ballot.objects.filter(meeting=meeting).values_list("receipt_hash", flat=True))
    assert hashes == {sc.receipt_hash(code) for code in outcomes}

    sc.meeting_close(meeting=meeting, by=seats[0].user)

    meeting.refresh_from_db()
    assert meeting.status == CouncilMeeting.Status.CLOSED
    full = [{**({str(i.pk): "agree" for i in items} if rest else {}), **c}
            for c, rest in submitted]
    expected = expected_counts(items, full)
    assert_published_equals_recount_and(meeting, expected)
    for item in meeting.items.select_related("nomination"):
        assert item.agree + item.disagree + item.abstain == 30
        assert item.nomination.status == (Nomination.Status.PASSED if item.passed
                                          else Nomination.Status.REJECTED)


def test_a_close_racing_with_ballots_in_flight_leaves_nothing_half_written(world):
    nominations = mixed_nominations(world, secret=30, open_=30)
    meeting, seats, _secretary = open_meeting(world, members=20, nominations=nominations)
    items = list(meeting.items.order_by("position"))
    open_items = sum(1 for i in items if i.mode == AgendaItem.Mode.OPEN)
    chair = seats[0]
    voters = seats[1:]
    choices = [{str(i.pk): random.Random(n).choice(CHOICES) for i in items}
               for n in range(len(voters))]
    closing_after = 3

    def close():
        # Close once a few ballots are in; the others are queued on the meeting's lock, in
        # flight, or not yet started (each voter starts a little later than the one before).
        deadline = time.monotonic() + 60
        while (BallotParticipation.objects.filter(meeting=meeting).count() < closing_after
               and time.monotonic() < deadline):
            time.sleep(0.005)
        return sc.meeting_close(meeting=meeting, by=chair.user)

    def vote(seat, picked, delay):
        time.sleep(delay)
        return sc.ballot_submit(meeting=meeting, by=seat.user, choices=picked)

    outcomes = run_at_once([close] + [
        (lambda s=s, c=c, d=n * 0.01: vote(s, c, d)) for n, (s, c) in enumerate(zip(voters,
                                                                                      choices))])

    closed, ballots = outcomes[0], outcomes[1:]
    assert isinstance(closed, CouncilMeeting), closed
    counted = [c for c, o in zip(choices, ballots) if isinstance(o, str)]
    refused = [o for o in ballots if not isinstance(o, str)]
    not_open = vi("Voting is not open.")
    assert all(isinstance(o, TransitionError) and str(o.message) == not_open
               for o in refused), refused
    assert len(counted) + len(refused) == len(voters)
    assert len(counted) >= closing_after
    assert_nothing_half_written(meeting, ballots=len(counted), open_items=open_items)
    meeting.refresh_from_db()
    assert meeting.status == CouncilMeeting.Status.CLOSED
    assert_published_equals_recount_and(meeting, expected_counts(items, counted))
    # The close event counted exactly the ballots that were written.
    event = meeting.events.get(action="close")
    assert str(len(counted)) in event.detail


def test_the_close_runs_the_same_queries_for_2_and_20_items(world):
    from django.db import connection as main
    from django.test.utils import CaptureQueriesContext

    from awards.models import Attendance
    from awards.tests.council_builders import MEETING_DAY, make_council

    council, _term, seats, secretary = make_council(world, members=3)
    counts = []
    for n in (2, 20):
        meeting = sc.meeting_save(council=council, by=world.users.appraiser, title=f"Phiên {n}",
                                  date=MEETING_DAY, chair=seats[0], secretary=secretary)
        sc.agenda_add(meeting=meeting, by=world.users.appraiser,
                      nominations=mixed_nominations(world, secret=n // 2, open_=n - n // 2))
        sc.attendance_record(meeting=meeting, by=world.users.appraiser,
                             statuses={s.pk: Attendance.Status.PRESENT for s in seats})
        meeting = sc.meeting_open(meeting=meeting, by=seats[0].user)
        for seat in seats:
            sc.ballot_submit(meeting=meeting, by=seat.user, choices={}, agree_remaining=True)
        with CaptureQueriesContext(main) as queries:
            sc.meeting_close(meeting=meeting, by=seats[0].user)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
