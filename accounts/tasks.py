"""Thin Celery adapters: fetch the row, call one function; retries stay here."""

import logging

from celery import shared_task

from config.celery import EMAIL_TASK

from . import emails
from .models import User

logger = logging.getLogger(__name__)


def _active_user(user_id: int) -> User | None:
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        logger.info("Mail to user %s skipped: inactive, missing or without e-mail", user_id)
    return user


@shared_task(name="accounts.send_password_reset", **EMAIL_TASK)
def send_password_reset_task(*, user_id: int) -> None:
    if user := _active_user(user_id):
        emails.send_password_reset(user=user)


@shared_task(name="accounts.send_account_invitation", **EMAIL_TASK)
def send_account_invitation_task(*, user_id: int) -> None:
    if user := _active_user(user_id):
        emails.send_account_invitation(user=user)


@shared_task(name="accounts.revoke_ended_role_sessions", time_limit=300, soft_time_limit=240)
def revoke_ended_role_sessions_task() -> int:
    """Nightly (beat): sessions of users whose last role ended at midnight (S6)."""
    from .sessions import revoke_sessions_of_ended_roles

    return revoke_sessions_of_ended_roles()
