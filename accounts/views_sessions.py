"""The two endpoints of the session expiry warning (static/js/session-timeout.js)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .sessions import renew_idle_timeout


def safe_next(request, default: str = "dashboard") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


@require_POST
def keepalive(request):
    """“Tiếp tục làm việc”: extends the idle timeout now; nothing else changes. CSRF-protected
    like any POST."""
    if not request.user.is_authenticated:
        return JsonResponse({"expired": "idle"}, status=401)
    renew_idle_timeout(request.session, force=True)
    return JsonResponse({"idle_seconds": settings.SESSION_COOKIE_AGE})


@require_GET
def expired(request):
    """Where the page goes when its idle timer runs out. Another tab may have kept the session
    alive meanwhile: then the user simply goes back to the page."""
    target = safe_next(request, default="")
    if request.user.is_authenticated:
        return redirect(target or "dashboard")
    messages.warning(request, _("Your session ended because there was no activity for "
                                "%(minutes)s minutes. Please log in again.")
                     % {"minutes": max(1, round(settings.SESSION_COOKIE_AGE / 60))})
    return redirect_to_login(target) if target else redirect(settings.LOGIN_URL)
