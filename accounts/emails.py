"""E-mails about accounts. One small function per e-mail; templates under templates/.

Errors propagate to the caller (a Celery task), which retries; nothing is silently dropped."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import User


def _password_link_context(user: User) -> dict:
    """What a "choose your password" link needs. The host comes from SITE_URL, never from a
    request, so a forged Host header cannot redirect the link. The token is Django's
    password-reset token: it works once, for PASSWORD_RESET_TIMEOUT."""
    site = urlsplit(settings.SITE_URL)
    return {
        "email": user.email,
        "domain": site.netloc,
        "site_name": site.netloc,
        "protocol": site.scheme or "https",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "expiry_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }


def _send(*, subject_template: str, body_template: str, context: dict, to: str,
          html_template: str | None = None) -> None:
    subject = "".join(loader.render_to_string(subject_template, context).splitlines()).strip()
    message = EmailMultiAlternatives(subject, loader.render_to_string(body_template, context),
                                     settings.DEFAULT_FROM_EMAIL, [to])
    if html_template:
        message.attach_alternative(loader.render_to_string(html_template, context), "text/html")
    message.send()


def send_account_invitation(*, user: User) -> None:
    """A new account's user name and a link to choose its password."""
    _send(subject_template="emails/account_invitation-subject.txt",
          body_template="emails/account_invitation-body.txt",
          html_template="emails/account_invitation-body.html",
          context=_password_link_context(user), to=user.email)


def send_password_reset(*, user: User) -> None:
    """The link to choose a new password, asked for on the "forgot password" page."""
    _send(subject_template="registration/password_reset_subject.txt",
          body_template="registration/password_reset_email.txt",
          context=_password_link_context(user), to=user.email)
