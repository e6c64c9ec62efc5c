"""Printing certificates (logged in, within the user's scope) and the public verification page
their QR code links to (no login)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import permissions, selectors
from .models import Certificate
from .services_certificates import CertificateRefused, certificate_pdf, normalize_code


def _print(request, pk, *, blank: bool):
    if not permissions.can_view_registry(request.user):
        raise PermissionDenied
    record = selectors.get_award_record_for_user(request.user, pk)
    if request.method not in ("GET", "HEAD"):
        # After the scope check: outside it, every method gets 404.
        return HttpResponseNotAllowed(["GET", "HEAD"])
    try:
        pdf, certificate = certificate_pdf(record, blank=blank)
    except CertificateRefused:
        messages.error(request, _(
            "This award has been revoked: its certificate can no longer be printed."))
        query = urlencode({"decision_number": record.decision_number})
        return redirect(f"{reverse('awards:registry_search')}?{query}")
    kind = "phoi" if blank else "giay-chung-nhan"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{kind}-{certificate.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def certificate_download(request, pk):
    """The certificate with its border and fixed text, ready to print on plain A4."""
    return _print(request, pk, blank=False)


@login_required
def certificate_blank_download(request, pk):
    """Only the variable text, placed for the offices' pre-printed blanks (in trên phôi)."""
    return _print(request, pk, blank=True)


# --- public verification -----------------------------------------------------------------------


def _public(response):
    # A revocation must show at once: nobody (browser, proxy) keeps an answer. Names of people
    # are not for search engines.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _not_found(request):
    """The same answer for a code that does not exist and for input that cannot be a code."""
    return _public(render(request, "public/verify_not_found.html", status=404))


@require_safe
def verify_form(request):
    """xac-minh/: type the code printed on a certificate."""
    raw = request.GET.get("ma")
    if raw is None:
        return _public(render(request, "public/verify_form.html"))
    code = normalize_code(raw)
    if code is None:
        return _not_found(request)
    return redirect("public:verify", code=code)


@require_safe
def verify(request, code):
    """xac-minh/<code>/: the recipient's name, the award, the decision number and date, and
    whether the award has been revoked. Nothing else: no unit, no birth year, no ids. Reads only
    (one query)."""
    normalized = normalize_code(code)
    if normalized is None:
        return _not_found(request)
    certificate = (Certificate.objects
                   .select_related("record__person", "record__organization",
                                   "record__award_type")
                   .filter(code=normalized).first())
    if certificate is None:
        return _not_found(request)
    record = certificate.record
    return _public(render(request, "public/verify.html", {
        "recipient_name": record.recipient_name,
        "award_name": record.award_type.name,
        "decision_number": record.decision_number,
        "decision_date": record.decision_date,
        "revoked": record.revoked,
        "revocation_date": record.revocation_date,
    }))
