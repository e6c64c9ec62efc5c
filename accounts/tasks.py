"""Thin Celery adapters: fetch the row, call one function."""

import logging
from smtplib import SMTPException

from celery import shared_task

from . import emails
from .models import User

logger = logging.getLogger(__name__)


@shared_task(name="accounts.send_password_reset", autoretry_for=(SMTPException, OSError),
             retry_backoff=True, max_retries=5)
def send_password_reset_task(*, user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        logger.info("Password reset for user %s skipped: inactive, missing or without e-mail", user_id)
        return
    emails.send_password_reset(user=user)
