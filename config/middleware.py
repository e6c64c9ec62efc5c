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
