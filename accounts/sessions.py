"""Session lifetime and revocation (quality targets S6 and A5).

- Idle timeout: SESSION_COOKIE_AGE, extended by the user's requests; the page warns
  SESSION_WARNING_SECONDS before it and offers a one-click extend (static/js/session-timeout.js
  posts to the keep-alive view). The expiry is moved at most once per 1/30 of the idle time (a
  minute for 30 minutes), not on every request: saving the session on every page was one UPDATE
  per request, a write on every read (bench/RESULTS.md F4). The page is told the real time left.
- Absolute lifetime: SESSION_ABSOLUTE_SECONDS from the login, whatever the activity. The login
  time is written into the session when the user logs in; the middleware below logs out after it.
- Revocation: every session key is recorded against its user (UserSession), so that all of a
  user's sessions can be deleted when the account is locked, the last role ends, or the second
  factor is reset. The key is recorded at login and again whenever it rotates (password change,
  two-factor verification), since a rotated key would otherwise escape revocation.
"""

import logging
import time
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.auth.views import redirect_to_login
from django.db.models import Exists, OuterRef
from django.dispatch import receiver
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import RoleAssignment, User, UserSession

log = logging.getLogger("accounts.sessions")

LOGIN_AT_KEY = "login_at"  # Unix time of the password login
RENEWED_AT_KEY = "renewed_at"  # Unix time the idle expiry was last moved
TRACKED_KEY = "tracked_session_key"  # the session key last written to UserSession


def _session_store(session_key=None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def track_session(user, session) -> None:
    """Record the session's current key against the user, forgetting the key it replaced."""
    key = session.session_key
    if not key:
        return
    previous = session.get(TRACKED_KEY)
    if previous and previous != key:
        UserSession.objects.filter(session_key=previous).delete()
    UserSession.objects.update_or_create(session_key=key, defaults={"user": user})
    session[TRACKED_KEY] = key


def prune_sessions(user) -> None:
    """Forget the user's keys whose session is gone (expired or logged out elsewhere)."""
    store = _session_store()
    gone = [row.pk for row in UserSession.objects.filter(user=user) if not store.exists(row.session_key)]
    if gone:
        UserSession.objects.filter(pk__in=gone).delete()


def revoke_user_sessions(user, *, reason: str) -> int:
    """Delete every session of the user: their next request is anonymous. Returns how many."""
    rows = list(UserSession.objects.filter(user=user))
    for row in rows:
        _session_store(row.session_key).delete()
    UserSession.objects.filter(pk__in=[row.pk for row in rows]).delete()
    log.info("sessions revoked: user=%s count=%d reason=%s", user.pk, len(rows), reason)
    return len(rows)


def revoke_sessions_of_ended_roles(day=None) -> int:
    """End the sessions of users whose every role has ended. A role ended with a date still to
    come (accounts.services.role_end) cannot revoke anything when it is recorded; this runs each
    night just after midnight, Vietnam time (beat: accounts.revoke_ended_role_sessions). Users who
    never had a role (an account waiting for one) are left alone: they see nothing anyway.
    Returns how many users lost their sessions."""
    still_current = RoleAssignment.objects.current(day).filter(user=OuterRef("pk"))
    users = list(
        User.objects.filter(Exists(UserSession.objects.filter(user=OuterRef("pk"))),
                            Exists(RoleAssignment.objects.filter(user=OuterRef("pk"))))
        .exclude(Exists(still_current))
    )
    for user in users:
        revoke_user_sessions(user, reason="last role ended (nightly)")
    return len(users)


@receiver(user_logged_in, dispatch_uid="accounts.sessions.on_login")
def _on_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    request.session[LOGIN_AT_KEY] = request.session[RENEWED_AT_KEY] = int(time.time())
    prune_sessions(user)
    track_session(user, request.session)


@receiver(user_logged_out, dispatch_uid="accounts.sessions.on_logout")
def _on_logout(sender, request, user, **kwargs):
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


def renew_idle_timeout(session, *, force: bool = False, now: float | None = None) -> None:
    """Move the session's idle expiry to SESSION_COOKIE_AGE from now, unless it was moved less
    than 1/30 of that ago (force: the keep-alive button always moves it). Writing the key marks
    the session modified, so the session middleware saves it with a new expiry."""
    now = int(now or time.time())
    step = max(1, settings.SESSION_COOKIE_AGE // 30)
    if force or now - session.get(RENEWED_AT_KEY, 0) >= step:
        session[RENEWED_AT_KEY] = now


def idle_seconds_left(session, now: float | None = None) -> int:
    """Seconds until the idle expiry, as the session store will compute it."""
    idle = settings.SESSION_COOKIE_AGE
    renewed_at = session.get(RENEWED_AT_KEY)
    if renewed_at is None:
        return idle
    return max(0, min(idle, int(renewed_at + idle - (now or time.time()))))


def absolute_lifetime_over(session, now: float | None = None) -> bool:
    login_at = session.get(LOGIN_AT_KEY)
    if login_at is None:
        return False
    return (now or time.time()) - login_at >= settings.SESSION_ABSOLUTE_SECONDS


class SessionLifetimeMiddleware:
    """Log out a session older than SESSION_ABSOLUTE_SECONDS, extend the idle timeout, and keep
    UserSession in step with rotated session keys. Costs no query on an ordinary request, and a
    session UPDATE at most once a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            if LOGIN_AT_KEY not in request.session:
                # A session from before this rule: its 12 hours start now.
                request.session[LOGIN_AT_KEY] = int(time.time())
            elif absolute_lifetime_over(request.session):
                return self._expire(request)
            renew_idle_timeout(request.session)
        response = self.get_response(request)
        user = request.user
        if user.is_authenticated and request.session.session_key and \
                request.session.get(TRACKED_KEY) != request.session.session_key:
            track_session(user, request.session)
        return response

    @staticmethod
    def _expire(request):
        log.info("session reached its absolute lifetime: user=%s", request.user.pk)
        logout(request)
        messages.warning(request, _("You have been signed in for %(hours)s hours, the longest a "
                                    "session may last. Please log in again.")
                         % {"hours": max(1, round(settings.SESSION_ABSOLUTE_SECONDS / 3600))})
        if request.path_info == reverse("accounts:session_keepalive"):
            return JsonResponse({"expired": "absolute"}, status=401)
        return redirect_to_login(request.get_full_path() if request.method == "GET" else "")


def session_timeout(request):
    """Template context: what the expiry warning script needs, for signed-in users only."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    idle = settings.SESSION_COOKIE_AGE
    return {"session_timeout": {
        "idle_seconds": idle,
        "left_seconds": idle_seconds_left(request.session),
        # Never more than half the idle time, so a short idle timeout still leaves time to work.
        "warning_seconds": min(settings.SESSION_WARNING_SECONDS, idle // 2),
        "keepalive_url": reverse("accounts:session_keepalive"),
        "expired_url": reverse("accounts:session_expired"),
        "login_url": reverse(settings.LOGIN_URL),
    }}
