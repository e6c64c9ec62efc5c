"""E-mails about accounts. One small function per e-mail; templates under templates/emails/."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import User


def send_account_invitation(user: User) -> None:
    """Send a new account its user name and a link to choose a password.

    The link is Django's password-reset link (PasswordResetForm's machinery and token): it works
    once, for PASSWORD_RESET_TIMEOUT, and not after the password is set. Sending failures are
    logged by PasswordResetForm.send_mail, never raised."""
    site = urlsplit(settings.SITE_URL)
    context = {
        "email": user.email,
        "domain": site.netloc,
        "site_name": site.netloc,
        "protocol": site.scheme or "https",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "expiry_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    PasswordResetForm().send_mail(
        "emails/account_invitation-subject.txt", "emails/account_invitation-body.txt", context,
        None, user.email, html_email_template_name="emails/account_invitation-body.html",
    )


def send_account_invitations(*, user_ids) -> None:
    for user in User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
        send_account_invitation(user)


def send_password_reset(*, user: User) -> None:
    """The link to choose a new password, asked for on the "forgot password" page. The host comes
    from SITE_URL, never from the request, so a forged Host header cannot redirect the link.
    Errors propagate, so that the Celery task retries."""
    site = urlsplit(settings.SITE_URL)
    context = {
        "email": user.email,
        "domain": site.netloc,
        "protocol": site.scheme or "https",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
    }
    subject = "".join(
        loader.render_to_string("registration/password_reset_subject.txt", context).splitlines()
    )
    body = loader.render_to_string("registration/password_reset_email.txt", context)
    EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]).send()
