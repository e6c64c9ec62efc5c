"""The background work's status (quality target C9): a page for central administrators and a
Prometheus text endpoint for an external monitor."""

import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.permissions import is_central_admin

from . import monitoring

PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@never_cache
@login_required
def background_status(request):
    # The whole system's figures: central administrators only, like the kind ladders.
    if not is_central_admin(request.user):
        raise PermissionDenied
    status = monitoring.background_status()
    return render(request, "deadlines/monitoring.html", {
        "status": status,
        "reminder_max_minutes": int(monitoring.REMINDER_MAX_AGE.total_seconds() // 60),
        "failures_max": monitoring.FAILURES_PER_HOUR_MAX,
        "queue_warn": monitoring.QUEUE_LENGTH_WARN,
        "lag_warn": monitoring.TASK_LAG_WARN_SECONDS,
    })


def _bearer_ok(request) -> bool | None:
    """True/False for a request carrying a bearer token (right/wrong), None without one."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _sep, token = header.partition(" ")
    expected = getattr(settings, "MONITORING_TOKEN", "") or ""
    if scheme.lower() != "bearer" or not expected or not token.strip():
        return False
    # Constant-time comparison: the token must not leak through response times.
    return hmac.compare_digest(token.strip().encode(), expected.encode())


@never_cache
@require_GET
def metrics(request):
    bearer = _bearer_ok(request)
    if bearer is False or (bearer is None and not request.user.is_authenticated):
        response = HttpResponse("unauthorized\n", status=401, content_type=PROMETHEUS_TYPE)
        response["WWW-Authenticate"] = 'Bearer realm="thidua-metrics"'
        return response
    if bearer is None and not is_central_admin(request.user):
        raise PermissionDenied
    return HttpResponse(monitoring.prometheus_text(monitoring.background_status()),
                        content_type=PROMETHEUS_TYPE)
