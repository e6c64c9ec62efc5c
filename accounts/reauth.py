"""Re-authentication before sensitive actions (quality target S6), in the manner of GitHub's
"sudo mode": casting a ballot and changing who holds which role need a session whose user
proved who they are within the last REAUTH_SECONDS.

- The stamp: `reauth_at` (Unix time) in the session, written at every login (password form,
  and Client.force_login in tests, both fire user_logged_in) and whenever the user confirms
  their identity again.
- Confirming identity: the account's password and, for a user with a confirmed TOTP device,
  also a current code or a backup code (accounts.twofactor.verify_code, with django-otp's own
  throttling on the device).
- Guessing: every wrong password or code in a session counts; at MAX_FAILURES the user is
  signed out and has to log in again through the login form, which django-axes throttles. So a
  borrowed or stolen session never gives more than MAX_FAILURES guesses.
- The log ("accounts.reauth") records confirmations and failures by user id only: never a
  password, never what a ballot holds.

Views use one piece: `IdentityCheck(request, data)`; its `form` is None while the stamp is
fresh (nothing is asked), otherwise a ConfirmIdentityForm to render; `passes()` says whether the
action may go ahead and renews the stamp. Views that call it wear `@signs_out_on_lockout`.
"""

import logging
import time
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from . import twofactor

log = logging.getLogger("accounts.reauth")

REAUTH_AT_KEY = "reauth_at"  # Unix time of the latest login or identity confirmation
FAILURES_KEY = "reauth_failures"  # wrong passwords or codes since then, in this session
MAX_FAILURES = 5
PREFIX = "reauth"  # form prefix: the user form has a "password" field of its own


class TooManyFailures(Exception):
    """Raised after the user was signed out for MAX_FAILURES wrong confirmations."""


def stamp(request) -> None:
    request.session[REAUTH_AT_KEY] = int(time.time())
    request.session.pop(FAILURES_KEY, None)


@receiver(user_logged_in, dispatch_uid="accounts.reauth.on_login")
def _stamp_on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        stamp(request)


def recently_authenticated(request, now: float | None = None) -> bool:
    """True while the latest login or confirmation is less than REAUTH_SECONDS old."""
    at = request.session.get(REAUTH_AT_KEY)
    if not isinstance(at, (int, float)):
        return False
    return (now or time.time()) - at < settings.REAUTH_SECONDS


def _record_failure(request) -> None:
    failures = request.session.get(FAILURES_KEY, 0) + 1
    request.session[FAILURES_KEY] = failures
    user_id = request.user.pk
    log.warning("identity confirmation failed: user=%s failures=%d", user_id, failures)
    if failures >= MAX_FAILURES:
        logout(request)  # flushes the session, the counter with it
        log.warning("identity confirmation: too many failures, signed out: user=%s", user_id)
        messages.error(request, _("Too many wrong confirmations: you have been signed out. "
                                  "Log in again to continue."))
        raise TooManyFailures


def _verify(request, form) -> bool:
    """The form's password (and code) against the signed-in user; errors go on the form."""
    if not form.is_valid():
        return False
    user = request.user
    if not user.check_password(form.cleaned_data["password"]):
        form.add_error("password", _("The password is not correct."))
        _record_failure(request)
        return False
    if form.needs_code:
        try:
            twofactor.verify_code(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
            if error.code == "wrong":
                _record_failure(request)
            return False
    return True


class IdentityCheck:
    """What a sensitive view asks before acting: nothing while the stamp is fresh, otherwise the
    password (and code). `data` is the POST to check, or None to show an empty form."""

    def __init__(self, request, data=None):
        from .forms import ConfirmIdentityForm

        self.request = request
        self.form = None
        if not recently_authenticated(request):
            self.form = ConfirmIdentityForm(data, user=request.user, prefix=PREFIX)

    def passes(self) -> bool:
        """True when the action may go ahead; a confirmation renews the stamp and hides the
        form from the page shown next. Raises TooManyFailures after signing the user out."""
        if self.form is None:
            return True
        if not _verify(self.request, self.form):
            return False
        stamp(self.request)
        log.info("identity confirmed: user=%s", self.request.user.pk)
        self.form = None
        return True


def signs_out_on_lockout(view):
    """Answer TooManyFailures (the user is already signed out) with the login page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except TooManyFailures:
            return redirect(settings.LOGIN_URL)

    return wrapper
