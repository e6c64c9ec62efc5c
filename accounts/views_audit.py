"""The audit trail page for the central administrators (issue 9, quality-targets S10).

Only the central administrators search it: a provincial administrator is refused, because the
trail spans every table and most of its rows (catalogue, rule sets, councils, users) belong to
no province; a province's own changes show on its objects' pages (templates/includes/_history).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors_audit
from .forms_audit import AuditSearchForm


@login_required
@require_GET
def audit_trail(request):
    if not selectors_audit.can_search_audit_trail(request.user):
        raise PermissionDenied
    form = AuditSearchForm(request.GET)
    page = None
    if form.is_valid():
        who = form.cleaned_data["user"].strip()
        filters = form.filters(selectors_audit.users_matching(who) if who else None)
        cursor = selectors_audit.parse_cursor(request.GET.get("truoc", ""))
        page = selectors_audit.audit_search(filters, cursor=cursor)
    query = request.GET.copy()
    query.pop("truoc", None)
    return render(request, "accounts/audit_trail.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "paged": bool(request.GET.get("truoc")),
    })
