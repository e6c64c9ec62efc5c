"""Thin Celery adapters for deadlines and notifications."""

import logging
from smtplib import SMTPException

from celery import shared_task

logger = logging.getLogger(__name__)
RETRY = {"autoretry_for": (SMTPException, OSError), "retry_backoff": True, "max_retries": 5}


@shared_task(name="deadlines.send_notification_email", **RETRY)
def send_notification_email_task(*, notification_id: int) -> None:
    from . import emails
    from .models import Notification

    note = (Notification.objects.select_related("user").filter(pk=notification_id).first())
    if note is None or not note.user.is_active or not note.user.email:
        logger.info("Notification %s not mailed: missing, inactive or without e-mail",
                    notification_id)
        return
    emails.send_notification(notification=note)
