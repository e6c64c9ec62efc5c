"""Cross-cutting request handling: the Content Security Policy and Unicode NFC on input."""

import unicodedata

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Send the enforced policy on every response that does not set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


def _nfc_querydict(querydict):
    normalized = querydict.copy()
    for key in list(normalized.keys()):
        normalized.setlist(
            key,
            [unicodedata.normalize("NFC", v) if isinstance(v, str) else v
             for v in normalized.getlist(key)],
        )
    normalized._mutable = False
    return normalized


class NormalizeUnicodeMiddleware:
    """Store text in NFC whatever the keyboard sent: "Hoà" typed as a + combining marks
    must match the precomposed form already in the database (architecture §13)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.GET:
            request.GET = _nfc_querydict(request.GET)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            request.POST = _nfc_querydict(request.POST)
        return self.get_response(request)


class ServerTimingMiddleware:
    """Measure each request on the server: wall time in Django and the SQL queries it ran.

    Sent as a `Server-Timing` header, e.g. `app;dur=12.3, db;dur=4.1;desc="queries=7"`, which
    browsers show in their developer tools and bench/org_list.py reads. Enabled only when the
    environment sets SERVER_TIMING=1 (see settings), first in MIDDLEWARE so that it counts the
    session, authentication and role queries as well as the view's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time
        from contextlib import ExitStack

        from django.db import connections

        stats = {"queries": 0, "db": 0.0}

        def count(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                stats["queries"] += 1
                stats["db"] += time.perf_counter() - started

        started = time.perf_counter()
        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(count))
            response = self.get_response(request)
        app = (time.perf_counter() - started) * 1000
        response.headers["Server-Timing"] = (
            f'app;dur={app:.1f}, db;dur={stats["db"] * 1000:.1f};desc="queries={stats["queries"]}"'
        )
        return response
