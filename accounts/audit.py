"""The audit trail's common parts (architecture §13, quality-targets S10).

Every audited model declares `history = audit_history(...)` instead of `HistoricalRecords(...)`,
so that each historical table carries the client address beside simple-history's who and when.

The address is a field *default* rather than a pre_create_historical_record signal on purpose:
simple_history.utils.bulk_create_with_history and bulk_update_with_history instantiate the
historical model directly without sending that signal, and a default is applied by every
instantiation. It reads the request simple-history's HistoryRequestMiddleware keeps for the
current thread; outside a request (Celery, management commands) it is None.
"""

import ipaddress

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def client_ip(request) -> str | None:
    """The client's address of a request, or None when it is missing or not an IP address.

    X-Forwarded-For is only believed behind our own proxy (settings.BEHIND_PROXY): anyone can send
    the header, so trusting it otherwise would let a client write any address into the trail.
    """
    if request is None:
        return None
    meta = getattr(request, "META", {}) or {}
    candidate = None
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            candidate = forwarded.split(",")[0].strip()
    if not candidate:
        candidate = meta.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address((candidate or "").strip()))
    except ValueError:
        return None


def current_client_ip() -> str | None:
    """Default of `history_ip`: the address of the request being served by this thread."""
    return client_ip(getattr(HistoricalRecords.context, "request", None))


class AuditedHistory(models.Model):
    """Abstract base of every historical model: the address the change came from."""

    history_ip = models.GenericIPAddressField(
        _("IP address"), null=True, blank=True, default=current_client_ip, editable=False,
    )

    class Meta:
        abstract = True


def audit_history(**kwargs) -> HistoricalRecords:
    """`HistoricalRecords` with the audit base; the same arguments (excluded_fields, m2m_fields)."""
    return HistoricalRecords(bases=[AuditedHistory], **kwargs)
