"""The sweeper (architecture §9): run by Celery beat every few minutes, and by
`manage.py send_due_reminders`.

1. Mirror the dated obligations into Deadline rows (deadlines.obligations.sync_deadlines).
2. Materialize one Reminder row per ladder step of each active deadline.
3. Claim the due reminders with a lease (two sweepers never take the same one; a crashed
   sweeper's lease expires and the reminder is taken again).
4. For each claimed reminder, in one transaction: a ReminderDelivery and an in-app Notification
   per user who still owes the work (and the heads on escalation steps), then the reminder is
   done. The send tasks are queued after the commit, one per e-mail.
Reminders are rows, never long-delayed broker messages: losing the broker loses no reminder."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation

from . import ladder
from .delivery import digest_users, initial_status, reminder_text
from .models import Deadline, Notification, Reminder, ReminderDelivery

logger = logging.getLogger(__name__)
PENDING, DONE, CANCELLED = (Reminder.Status.PENDING, Reminder.Status.DONE,
                            Reminder.Status.CANCELLED)
SYNC_CACHE_KEY = "deadlines:last-sync"


def _seconds(name: str, default: int) -> timedelta:
    return timedelta(seconds=getattr(settings, name, default))


def sweep(now: datetime | None = None, worker: str = "sweeper", sync: bool | str = True) -> dict:
    """One pass. `sync="auto"` (the beat task) syncs at most every REMINDER_SYNC_SECONDS in this
    process; True always (the command, the "send now" button)."""
    now = now or timezone.now()
    result = {"synced": None, "created": 0, "rescheduled": 0, "cancelled": 0, "claimed": 0,
              "deliveries": 0, "emails": 0, "requeued": 0, "errors": 0, "quiet": ladder.is_quiet(now)}
    if sync is True or (sync == "auto" and cache.add(
            SYNC_CACHE_KEY, 1, int(_seconds("REMINDER_SYNC_SECONDS", 240).total_seconds()))):
        from .obligations import sync_deadlines

        from .owing_cache import refresh_obligations

        result["synced"] = sync_deadlines(today=ladder.local_date(now))
        # The dashboards' copy of who owes what (reminders ask the sources again when sent).
        refresh_obligations()
    result.update(materialize(now))
    if result["quiet"]:
        return result
    for reminder_id in claim_due(now, worker):
        try:
            made, emails = deliver(reminder_id, worker, now)
        except Exception:
            # One broken source must not hold back the others: this reminder stays pending and
            # is taken again when its lease expires.
            logger.exception("Reminder %s could not be delivered", reminder_id)
            result["errors"] += 1
            continue
        if made is not None:
            result["claimed"] += 1
            result["deliveries"] += made
            result["emails"] += emails
    result["requeued"] = requeue_stale(now)
    return result


# --- materializing the ladder --------------------------------------------------------------------


def materialize(now: datetime) -> dict:
    """Reminder rows for the steps of active deadlines, kept in step with due dates and
    ladders. A step more than a day in the past when its row is first made is recorded as
    cancelled, so a deadline seen late does not fire its whole ladder at once. Every write is
    conditional on the row still being pending (or cancelled), so a concurrent sweeper's claim
    is never undone."""
    counts = {"created": 0, "rescheduled": 0, "cancelled": 0}
    counts["cancelled"] += Reminder.objects.filter(status=PENDING, deadline__active=False).update(
        status=CANCELLED, lease_until=None)
    deadlines = list(Deadline.objects.filter(active=True).only("id", "kind", "due_on"))
    defaults = ladder.default_ladders()
    own = ladder.own_ladders([d.pk for d in deadlines])
    existing: dict[int, dict[int, Reminder]] = {}
    for reminder in Reminder.objects.filter(deadline__active=True).only(
            "id", "deadline_id", "offset", "escalate", "send_at", "status"):
        existing.setdefault(reminder.deadline_id, {})[reminder.offset] = reminder
    late = now - timedelta(days=1)
    holidays: dict = {}
    new = []
    for deadline in deadlines:
        steps = own.get(deadline.pk) or defaults.get(deadline.kind, [])
        rows = existing.get(deadline.pk, {})
        for offset, escalate in steps:
            when = ladder.send_at(deadline.due_on, offset, holidays)
            row = rows.pop(offset, None)
            if row is None:
                new.append(Reminder(deadline_id=deadline.pk, offset=offset, escalate=escalate,
                                    send_at=when, status=CANCELLED if when < late else PENDING))
            elif row.status == PENDING and (row.send_at != when or row.escalate != escalate):
                counts["rescheduled"] += Reminder.objects.filter(pk=row.pk, status=PENDING).update(
                    send_at=when, escalate=escalate)
            elif row.status == CANCELLED and when >= late:
                # The due date moved later or the deadline came back: the step is ahead again.
                counts["rescheduled"] += Reminder.objects.filter(
                    pk=row.pk, status=CANCELLED).update(send_at=when, escalate=escalate,
                                                        status=PENDING, lease_until=None)
        # Steps removed from the ladder.
        gone = [row.pk for row in rows.values() if row.status == PENDING]
        if gone:
            counts["cancelled"] += Reminder.objects.filter(pk__in=gone, status=PENDING).update(
                status=CANCELLED, lease_until=None)
    if new:
        # Another sweeper may have made the same rows a moment ago: the unique (deadline,
        # offset) keeps one, and the conflict is not an error.
        Reminder.objects.bulk_create(new, ignore_conflicts=True)
        counts["created"] = len(new)
    return counts


# --- claiming ------------------------------------------------------------------------------------


def _lease_free(now):
    return Q(lease_until__isnull=True) | Q(lease_until__lte=now)


def claim_due(now: datetime, worker: str, limit: int | None = None) -> list[int]:
    """Take a lease on due reminders nobody holds. PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED,
    so concurrent sweepers split the rows without waiting. SQLite (no row locks): one
    conditional UPDATE per row, which only one writer can win."""
    if ladder.is_quiet(now):
        return []
    limit = limit or getattr(settings, "REMINDER_CLAIM_BATCH", 200)
    lease_until = now + _seconds("REMINDER_LEASE_SECONDS", 300)
    due = (Reminder.objects.filter(status=PENDING, send_at__lte=now).filter(_lease_free(now))
           .order_by("send_at", "id"))
    if connection.vendor == "postgresql":
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
            Reminder.objects.filter(pk__in=ids).update(lease_until=lease_until, claimed_by=worker)
        return ids
    ids = []
    for pk in due.values_list("pk", flat=True)[:limit]:
        if Reminder.objects.filter(_lease_free(now), pk=pk, status=PENDING).update(
                lease_until=lease_until, claimed_by=worker):
            ids.append(pk)
    return ids


# --- delivering one claimed reminder -------------------------------------------------------------


def recipients(reminder) -> list[tuple[object, bool]]:
    """(user, escalation) of everyone who still owes the work, plus the heads of the units that
    owe it on escalation steps; active users only, each once."""
    from .obligations import OBLIGATIONS

    adapter = OBLIGATIONS[reminder.deadline.kind]
    owed = adapter.owing(reminder.deadline)
    people: dict[int, tuple[object, bool]] = {}
    for item in owed:
        if item.user.is_active:
            people.setdefault(item.user.pk, (item.user, False))
    if reminder.escalate and owed:
        for head in adapter.heads(reminder.deadline, owed):
            if head.is_active:
                people.setdefault(head.pk, (head, True))
    return list(people.values())


def deliver(reminder_id: int, worker: str, now: datetime) -> tuple[int | None, int]:
    """Create the deliveries and notifications of one claimed reminder and mark it done, all in
    one transaction; queue the e-mails after the commit. (None, 0) when the claim was lost."""
    from .tasks import send_reminder_email_task

    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        reminder = (Reminder.objects.select_for_update().select_related("deadline")
                    .filter(pk=reminder_id, status=PENDING, claimed_by=worker).first())
        if reminder is None:
            return None, 0
        if not reminder.deadline.active:
            Reminder.objects.filter(pk=reminder.pk).update(status=CANCELLED, lease_until=None)
            return 0, 0
        people = recipients(reminder)
        already = set(ReminderDelivery.objects.filter(reminder=reminder)
                      .values_list("user_id", flat=True))
        people = [(user, escalation) for user, escalation in people if user.pk not in already]
        digest = digest_users([user.pk for user, _escalation in people])
        url = reminder.deadline.url[:300]
        notes = Notification.objects.bulk_create([
            Notification(user=user, url=url, text=reminder_text(
                reminder.deadline, reminder.offset, escalation)[:500])
            for user, escalation in people])
        rows = ReminderDelivery.objects.bulk_create([
            ReminderDelivery(reminder=reminder, user=user, escalation=escalation,
                             notification=note,
                             email_status=initial_status(user, user.pk in digest))
            for (user, escalation), note in zip(people, notes)])
        Reminder.objects.filter(pk=reminder.pk).update(
            status=DONE, done_at=now, lease_until=None,
            recipients=len(already) + len(rows))
        pending = [row.pk for row in rows if row.email_status == ReminderDelivery.EmailStatus.PENDING]
        for pk in pending:
            transaction.on_commit(lambda pk=pk: send_reminder_email_task.delay(delivery_id=pk))
    return len(rows), len(pending)


def requeue_stale(now: datetime) -> int:
    """Queue again the e-mails still pending long after their last attempt (or creation): the
    broker lost the message, or a worker died. The send task itself stops if it has nothing to
    do, so queueing twice is harmless."""
    from .tasks import send_reminder_email_task

    stale = now - _seconds("REMINDER_REQUEUE_SECONDS", 240)
    ids = list(ReminderDelivery.objects.filter(
        email_status=ReminderDelivery.EmailStatus.PENDING, created_at__lt=stale,
    ).filter(Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lt=stale))
        .values_list("pk", flat=True)[:1000])
    for pk in ids:
        transaction.on_commit(lambda pk=pk: send_reminder_email_task.delay(delivery_id=pk))
    return len(ids)
