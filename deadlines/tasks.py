"""Thin Celery adapters for deadlines and notifications."""

import logging
from smtplib import SMTPException

from celery import shared_task

from config.celery import EMAIL_TASK

logger = logging.getLogger(__name__)


@shared_task(name="deadlines.send_notification_email", **EMAIL_TASK)
def send_notification_email_task(*, notification_id: int) -> None:
    from . import emails
    from .models import Notification

    note = (Notification.objects.select_related("user").filter(pk=notification_id).first())
    if note is None or not note.user.is_active or not note.user.email:
        logger.info("Notification %s not mailed: missing, inactive or without e-mail",
                    notification_id)
        return
    emails.send_notification(notification=note)


# --- reminders (issue 8) -------------------------------------------------------------------------
# Each task takes ids, fetches rows and calls one service; every one is idempotent (acks_late in
# settings) and has time limits (quality target C4). Retries use a countdown of at most
# REMINDER_RETRY_MAX_SECONDS, far below the broker's visibility timeout (C3).
REMINDER_MAX_RETRIES = 5


def _backoff(retries: int) -> int:
    import random

    from django.conf import settings

    base = getattr(settings, "REMINDER_RETRY_BASE_SECONDS", 30)
    ceiling = getattr(settings, "REMINDER_RETRY_MAX_SECONDS", 600)
    delay = min(ceiling, base * 2 ** retries)
    return int(delay / 2 + random.uniform(0, delay / 2))  # jitter spreads retries apart


@shared_task(name="deadlines.sweep", bind=True, time_limit=240, soft_time_limit=200)
def sweep_task(self, now: str | None = None) -> dict:
    """The beat entry: one sweep. `now` (ISO) only for tests that must not depend on the clock."""
    import os
    from datetime import datetime

    from .sweeper import sweep

    moment = datetime.fromisoformat(now) if now else None
    worker = f"{self.request.hostname or 'sweeper'}:{os.getpid()}:{self.request.id or ''}"[:100]
    return sweep(now=moment, worker=worker, sync="auto")


@shared_task(name="deadlines.send_reminder_email", bind=True, max_retries=REMINDER_MAX_RETRIES,
             time_limit=60, soft_time_limit=45)
def send_reminder_email_task(self, delivery_id: int) -> bool:
    from . import delivery

    try:
        return delivery.send_delivery(delivery_id)
    except (SMTPException, OSError) as error:
        final = self.request.retries >= self.max_retries
        delivery.record_error(delivery_id, error, final=final)
        if final:
            return False
        raise self.retry(exc=error, countdown=_backoff(self.request.retries))


@shared_task(name="deadlines.send_digests", time_limit=600, soft_time_limit=540)
def send_digests_task() -> dict:
    from .delivery import send_digests

    return send_digests()


@shared_task(name="deadlines.check_background", time_limit=60, soft_time_limit=45)
def check_background_task() -> dict:
    """The beat entry of quality target C9: alert ADMINS on a stale reminder or too many failures
    (deadlines.monitoring.check_and_alert). Idempotent: the alert state makes a rerun harmless."""
    from .monitoring import check_and_alert

    return check_and_alert()
