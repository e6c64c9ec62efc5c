"""Sending reminder e-mails, one delivery row at a time, and the daily digest.

A delivery row exists (with its in-app notification) before any e-mail is sent; the send task
locks it, records the attempt and commits before talking to the mail server, then marks it
sent. So a redelivered or retried task finds the row sent and stops, and the only repeat
possible is a worker dying between the server's acceptance and the mark: the next attempt sees
an attempt started and never finished and counts it in `possible_repeats`."""

import logging
from datetime import datetime, timedelta
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template import loader
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .ladder import VIETNAM, local_date
from .models import DigestDelivery, ReminderDelivery, ReminderPreference

logger = logging.getLogger(__name__)
Status = ReminderDelivery.EmailStatus


def _setting(name: str, default: int) -> int:
    return getattr(settings, name, default)


def due_text(day) -> str:
    return day.strftime("%d/%m/%Y")


def reminder_text(deadline, offset: int, escalation: bool = False) -> str:
    """The one-line message of a step (the in-app notification and the e-mail's first line)."""
    values = {"title": deadline.title, "due": due_text(deadline.due_on), "days": abs(offset)}
    if escalation:
        return _("Escalation: “%(title)s” (due on %(due)s) has still not been done in your "
                 "unit.") % values
    if offset < 0:
        return ngettext("Reminder: “%(title)s” is due on %(due)s, in %(days)d working day.",
                        "Reminder: “%(title)s” is due on %(due)s, in %(days)d working days.",
                        values["days"]) % values
    if offset == 0:
        return _("Reminder: “%(title)s” is due today, %(due)s.") % values
    return ngettext("Overdue: “%(title)s” was due on %(due)s, %(days)d working day ago.",
                    "Overdue: “%(title)s” was due on %(due)s, %(days)d working days ago.",
                    values["days"]) % values


def link_for(deadline) -> str:
    return urljoin(settings.SITE_URL, deadline.url) if deadline.url else settings.SITE_URL


def digest_users(user_ids) -> set[int]:
    return set(ReminderPreference.objects.filter(user_id__in=user_ids, daily_digest=True)
               .values_list("user_id", flat=True))


def initial_status(user, digest: bool) -> str:
    if not user.email:
        return Status.NO_ADDRESS
    return Status.DIGEST if digest else Status.PENDING


# --- one e-mail per delivery ---------------------------------------------------------------------


def _in_flight_window() -> timedelta:
    # Longer than the send task's hard time limit: an attempt started more recently may still be
    # talking to the mail server, so another task must not start a second one.
    return timedelta(seconds=_setting("REMINDER_IN_FLIGHT_SECONDS", 120))


def start_attempt(delivery_id: int, now: datetime | None = None) -> ReminderDelivery | None:
    """Lock the row and record the attempt (committed before any e-mail leaves). None when
    there is nothing to send: missing, no longer pending, or another attempt still running."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (ReminderDelivery.objects.select_for_update()
                    .select_related("user", "reminder__deadline").filter(pk=delivery_id).first())
        if delivery is None or delivery.email_status != Status.PENDING:
            return None
        if not delivery.user.is_active or not delivery.user.email:
            delivery.email_status = Status.NO_ADDRESS
            delivery.save(update_fields=["email_status"])
            return None
        repeats = delivery.possible_repeats
        # An attempt that started and ended neither sent nor with an error was cut off: the
        # server may have accepted its e-mail, so this one may repeat it.
        if delivery.attempts and not delivery.error:
            if delivery.last_attempt_at and delivery.last_attempt_at > now - _in_flight_window():
                return None
            repeats += 1
        # The conditional update is the guard on SQLite, where select_for_update does nothing.
        started = ReminderDelivery.objects.filter(
            pk=delivery.pk, email_status=Status.PENDING, attempts=delivery.attempts,
        ).update(attempts=F("attempts") + 1, last_attempt_at=now, error="",
                 possible_repeats=repeats)
        if not started:
            return None
    delivery.refresh_from_db(fields=["attempts", "last_attempt_at", "error", "possible_repeats"])
    return delivery


def render_reminder(delivery) -> EmailMultiAlternatives:
    deadline = delivery.reminder.deadline
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": delivery.user, "deadline": deadline, "due": due_text(deadline.due_on),
            "text": reminder_text(deadline, delivery.reminder.offset, delivery.escalation),
            "escalation": delivery.escalation, "link": link_for(deadline),
        }
        subject = " ".join(loader.render_to_string("emails/reminder-subject.txt", context)
                           .split()).strip()
        body = loader.render_to_string("emails/reminder-body.txt", context)
        html = loader.render_to_string("emails/reminder-body.html", context)
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL,
                                     [delivery.user.email])
    message.attach_alternative(html, "text/html")
    return message


def send_delivery(delivery_id: int) -> bool:
    """Send one delivery's e-mail. True when sent now; False when there was nothing to send.
    Mail server errors propagate (the task retries them)."""
    delivery = start_attempt(delivery_id)
    if delivery is None:
        return False
    render_reminder(delivery).send()
    ReminderDelivery.objects.filter(pk=delivery.pk, email_status=Status.PENDING).update(
        email_status=Status.SENT, sent_at=timezone.now(), error="")
    return True


def record_error(delivery_id: int, error: Exception, final: bool) -> None:
    """Note a failed attempt (so the next one is not counted as a possible repeat); the last one
    marks the delivery failed, which administrators see in the deliveries log."""
    text = f"{type(error).__name__}: {error}"[:500]
    changes = {"error": text}
    if final:
        changes["email_status"] = Status.FAILED
        logger.error("Reminder delivery %s failed for good: %s", delivery_id, text)
    ReminderDelivery.objects.filter(pk=delivery_id, email_status=Status.PENDING).update(**changes)


# --- the daily digest ----------------------------------------------------------------------------


def digest_window(day) -> tuple[datetime, datetime]:
    """The deliveries a digest of `day` carries: sent from the previous digest time up to
    this day's (fixed times, so each delivery falls in exactly one digest)."""
    hour, minute = _setting("REMINDER_DIGEST_HOUR", 7), _setting("REMINDER_DIGEST_MINUTE", 30)
    end = datetime(day.year, day.month, day.day, hour, minute, tzinfo=VIETNAM)
    return end - timedelta(days=1), end


def latest_digest_day(now: datetime):
    day = local_date(now)
    return day if now >= digest_window(day)[1] else day - timedelta(days=1)


def send_digests(now: datetime | None = None) -> dict:
    """One e-mail per digest user for the latest closed window and the one before it (a missed
    run is caught up); DigestDelivery (user, day) makes a second e-mail impossible."""
    now = now or timezone.now()
    latest = latest_digest_day(now)
    counts = {"sent": 0, "skipped": 0}
    for day in (latest - timedelta(days=1), latest):
        start, end = digest_window(day)
        # By the step's sending time (done_at, the sweep's clock), like the single e-mails.
        rows = (ReminderDelivery.objects.filter(email_status=Status.DIGEST,
                                                reminder__done_at__gte=start,
                                                reminder__done_at__lt=end)
                .select_related("user", "reminder__deadline").order_by("user_id", "created_at"))
        by_user: dict[int, list] = {}
        for row in rows:
            by_user.setdefault(row.user_id, []).append(row)
        for deliveries in by_user.values():
            sent = _send_digest(deliveries[0].user, day, deliveries, now)
            counts["sent" if sent else "skipped"] += 1
    return counts


def _send_digest(user, day, deliveries, now) -> bool:
    if not user.is_active or not user.email:
        return False
    with transaction.atomic():
        digest, _created = DigestDelivery.objects.get_or_create(user=user, day=day)
        digest = DigestDelivery.objects.select_for_update().get(pk=digest.pk)
        if digest.sent_at is not None:
            return False
        started = DigestDelivery.objects.filter(
            pk=digest.pk, sent_at__isnull=True, attempts=digest.attempts,
        ).update(attempts=F("attempts") + 1, items=len(deliveries))
        if not started:
            return False
    with translation.override(settings.LANGUAGE_CODE):
        items = [{"text": reminder_text(d.reminder.deadline, d.reminder.offset, d.escalation),
                  "link": link_for(d.reminder.deadline)} for d in deliveries]
        context = {"user": user, "day": due_text(day), "items": items,
                   "site": settings.SITE_URL}
        subject = " ".join(loader.render_to_string("emails/digest-subject.txt", context)
                           .split()).strip()
        body = loader.render_to_string("emails/digest-body.txt", context)
        html = loader.render_to_string("emails/digest-body.html", context)
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    message.send()
    DigestDelivery.objects.filter(pk=digest.pk, sent_at__isnull=True).update(sent_at=now)
    return True
