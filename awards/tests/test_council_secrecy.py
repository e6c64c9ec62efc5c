"""Secret ballots (issue 5 §4, quality-targets S7), checked from the outside: the models cannot
tie a member to a choice, and a vote through the pages leaves no choice, ballot id or receipt
in the logs, the audit history, the session, the e-mails or the notifications. No count is
visible before the close."""

import logging

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import models
from django.urls import reverse
from simple_history.models import registered_models

from awards import permissions
from awards import services_council as sc
from awards.models import (
    AgendaItem, Ballot, BallotDraft, BallotParticipation, CouncilMember, MeetingEvent,
)
from awards.tests.test_council_ballot import ballot_url, mixed_meeting
from tests.test_browser import award_catalogue  # noqa: F401  (reseeds after a flush)
from deadlines.models import Notification

pytestmark = pytest.mark.django_db


# --- introspection -----------------------------------------------------------------------------


def test_a_ballot_has_no_link_to_a_user_and_no_date():
    fields = Ballot._meta.get_fields()

    relations = [f.name for f in fields if f.is_relation]
    dated = [f.name for f in fields if isinstance(f, (models.DateField, models.TimeField))]

    assert relations == ["meeting"]
    assert Ballot._meta.get_field("meeting").related_model.__name__ == "CouncilMeeting"
    assert not any(f.related_model in (get_user_model(), CouncilMember) for f in fields
                   if f.is_relation)
    assert dated == []
    assert isinstance(Ballot._meta.pk, models.UUIDField)
    assert Ballot._meta.ordering == ["id"]  # a random key: the order says nothing


def test_participation_says_who_voted_but_not_how():
    names = {f.name for f in BallotParticipation._meta.get_fields()}

    assert names == {"id", "meeting", "member", "written"}
    assert not any(isinstance(f, (models.JSONField, models.DateField, models.TimeField))
                   for f in BallotParticipation._meta.get_fields())


def test_ballots_and_participations_are_not_in_the_audit_history():
    audited = set(registered_models.values())

    assert Ballot not in audited and BallotParticipation not in audited
    assert not hasattr(Ballot, "history") and not hasattr(BallotParticipation, "history")
    assert not any(m.__name__ in ("HistoricalBallot", "HistoricalBallotParticipation")
                   for m in apps.get_models())


# --- a vote through the pages ------------------------------------------------------------------


def _history_rows():
    """Every row of every audit table (the historical models of django-simple-history), as
    text."""
    rows = {}
    for history in apps.get_models():
        if history._meta.object_name.startswith("Historical") and hasattr(history,
                                                                          "instance_type"):
            rows[history._meta.label] = {r["history_id"]: repr(r)
                                         for r in history.objects.values()}
    return rows


@pytest.fixture
def voted(world, client, caplog, django_capture_on_commit_callbacks):
    """Member 1 votes "disagree" on the secret item and "abstain" on the open one, through the
    pages; everything the system wrote meanwhile is collected."""
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    client.force_login(seats[1].user)
    before = _history_rows()
    events = set(MeetingEvent.objects.values_list("pk", flat=True))
    notes = set(Notification.objects.values_list("pk", flat=True))
    mail.outbox.clear()
    choices = {f"choice_{secret.pk}": "disagree", f"choice_{open_.pk}": "abstain"}

    caplog.set_level(logging.DEBUG)
    logging.getLogger("awards").debug("probe: the capture works")
    with django_capture_on_commit_callbacks(execute=True):
        client.get(ballot_url(meeting))
        client.post(reverse("awards:ballot_draft", args=[meeting.pk]), choices,
                    HTTP_ACCEPT="application/json")
        client.post(ballot_url(meeting), choices)
        receipt = client.post(ballot_url(meeting), {**choices, "confirm": "1"})
        client.get(ballot_url(meeting))
    after = _history_rows()
    ballot = Ballot.objects.get(meeting=meeting)
    return {
        "meeting": meeting, "ballot": ballot, "code": receipt.context["code"],
        "logs": [r.getMessage() + repr(r.args) for r in caplog.records
                 if not r.name.startswith("django.db.backends")],
        "history": [row for label, rows in after.items() for pk, row in rows.items()
                    if pk not in before.get(label, {})],
        "events": [repr(e) for e in MeetingEvent.objects.exclude(pk__in=events).values()],
        "notes": [n.text + n.url for n in Notification.objects.exclude(pk__in=notes)],
        "mails": [m.subject + m.body + "".join(str(a[0]) for a in getattr(m, "alternatives", []))
                  for m in mail.outbox],
        "secret_choice": "disagree", "history_before": before,
    }


def _secrets(voted):
    ballot = voted["ballot"]
    return [voted["secret_choice"], str(ballot.pk), ballot.pk.hex, voted["code"],
            ballot.receipt_hash]


def test_the_vote_writes_the_ballot(voted):
    assert voted["ballot"].choices == {k: "disagree" for k in voted["ballot"].choices}
    assert voted["code"] and voted["ballot"].receipt_hash == sc.receipt_hash(voted["code"])


def test_the_logs_hold_no_choice_and_no_ballot(voted):
    leaks = [line for line in voted["logs"] for s in _secrets(voted) + ["abstain"] if s in line]

    assert "probe: the capture works()" in voted["logs"]
    assert leaks == []


def test_the_audit_history_holds_no_choice(voted):
    written = voted["history"] + voted["events"]

    assert voted["history_before"]["awards.HistoricalCouncilMeeting"]  # the tables are read
    assert [row for row in written for s in _secrets(voted) + ["abstain"] if s in row] == []


def test_mails_and_notifications_hold_no_choice(voted):
    sent = voted["mails"] + voted["notes"]

    assert [m for m in sent for s in _secrets(voted) + ["abstain"] if s in m] == []


def test_the_session_keeps_neither_the_receipt_nor_the_choices(voted):
    stored = [str(s.get_decoded()) for s in Session.objects.all()]

    assert [s for s in stored for secret in _secrets(voted) if secret in s] == []


def test_no_draft_of_a_secret_item_ever_reaches_the_server(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    client.force_login(seats[1].user)

    client.post(reverse("awards:ballot_draft", args=[meeting.pk]),
                {f"choice_{secret.pk}": "disagree"}, HTTP_ACCEPT="application/json")

    assert list(BallotDraft.objects.values_list("choices", flat=True)) == [{}]


def test_the_ballot_script_sends_only_open_items_as_draft():
    from django.conf import settings

    script = (settings.BASE_DIR / "static" / "js" / "ballot.js").read_text()
    draft = script[script.index("function sendDraft"):script.index("var hasOpen")]

    assert "!isSecret(fs) && value" in draft
    assert "localStorage" not in draft


# --- no count before the close -----------------------------------------------------------------


def test_no_result_is_visible_while_voting_is_open(world, client):
    meeting, seats, _, secret, open_ = mixed_meeting(world)
    sc.ballot_submit(meeting=meeting, by=seats[0].user, choices={}, agree_remaining=True)
    client.force_login(seats[1].user)

    results = client.get(reverse("awards:meeting_results", args=[meeting.pk]))
    item_page = client.get(reverse("awards:agenda_item_detail", args=[secret.pk]))

    assert results.status_code == 403
    assert [permissions.can_view_results(u, meeting) for u in
            (seats[0].user, seats[1].user, world.users.appraiser, world.users.admin)] == [
        False, False, False, False]
    assert list(AgendaItem.objects.filter(meeting=meeting).values_list(
        "agree", "disagree", "abstain", "passed")) == [(None, None, None, None)] * 2
    assert reverse("awards:meeting_results", args=[meeting.pk]) not in item_page.content.decode()


# --- the storage itself (found while writing these tests; the fix belongs to the service) ------
# A database administrator must not be able to match a ballot to its participation either
# (issue 5 §4: "nothing (ids, ordering, …) lets anyone … match one to the other"). Both rows are
# written in the same transaction and in voting order, so the table's physical order (SQLite's
# rowid, PostgreSQL's ctid) and PostgreSQL's xmin would tie them together; the service writes
# every ballot of the meeting again in a random order with each new one.


def _eight_ballots(world):
    """Eight members vote in turn; the receipt hashes in voting order. (Eight: a random order
    equals the voting order once in 40,320 runs.)"""
    from awards.tests.council_builders import council_nominations, open_meeting

    meeting, seats, _ = open_meeting(world, members=8,
                                     nominations=council_nominations(world, n=1))
    issued = [sc.receipt_hash(sc.ballot_submit(meeting=meeting, by=seat.user, choices={},
                                               agree_remaining=True)) for seat in seats]
    return meeting, issued, seats


def _physical_order(meeting):
    from django.db import connection

    position = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT receipt_hash FROM awards_ballot WHERE meeting_id = %s "
                       f"ORDER BY {position}", [meeting.pk])
        return [row[0] for row in cursor.fetchall()]


def test_the_physical_order_of_ballots_is_not_the_voting_order(world):
    meeting, issued, _seats = _eight_ballots(world)

    stored = _physical_order(meeting)

    assert sorted(stored) == sorted(issued)
    assert stored != issued  # a random order equals the voting order once in 40,320 runs


@pytest.mark.django_db(transaction=True)
def test_postgresql_transaction_ids_do_not_tie_a_ballot_to_its_voter(world, award_catalogue):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("xmin is PostgreSQL's")
    meeting, issued, seats = _eight_ballots(world)
    with connection.cursor() as cursor:
        # Transaction ids grow with time: the participations and the ballots, each sorted by
        # the id of the transaction that wrote them, pair up voter by voter.
        cursor.execute("SELECT member_id FROM awards_ballotparticipation WHERE meeting_id = %s "
                       "ORDER BY xmin::text::bigint", [meeting.pk])
        voters = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT receipt_hash FROM awards_ballot WHERE meeting_id = %s "
                       "ORDER BY xmin::text::bigint", [meeting.pk])
        ballots = [row[0] for row in cursor.fetchall()]

    assert dict(zip(voters, ballots)) != {seat.pk: digest for seat, digest in zip(seats, issued)}
