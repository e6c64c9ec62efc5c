"""The records behind a summary figure (issue 7 §4): every figure links here."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render

from accounts.scoping import scope_q, sees_everything
from clusters.models import Organization
from clusters.views import paginate

from .statistics import FIGURE_LABELS, parse_period, record_kind, records_for


@login_required
def figure_records(request):
    """?period=2021-H1&figure=awards[&organization=CODE][&award_code=…]
    [&recipient_kind=individual|collective][&group=ID for figure=group_awards]; anything
    unknown answers 404. Central roles read every figure; the users of a provincial alliance
    those of its own subtree (the figures of its summary report)."""
    figure = request.GET.get("figure", "")
    try:
        period = parse_period(request.GET.get("period", ""))
        organization = _organization(request.GET.get("organization", ""))
        if not sees_everything(request.user) and not _in_scope(request.user, organization):
            raise PermissionDenied
        records = records_for(period, figure, organization,
                              award_code=request.GET.get("award_code", "")[:20],
                              recipient_kind=request.GET.get("recipient_kind", ""),
                              group=request.GET.get("group", "")[:10])
    except ValidationError:
        raise Http404 from None
    return render(request, "reports/figure_records.html", {
        "period": period, "organization": organization, "figure": figure,
        "label": FIGURE_LABELS[figure], "kind": record_kind(figure),
        "award_code": request.GET.get("award_code", "")[:20],
        "recipient_kind": request.GET.get("recipient_kind", ""),
        "page": paginate(request, records),
    })


def _in_scope(user, organization) -> bool:
    return organization is not None and Organization.objects.filter(
        scope_q(user), pk=organization.pk).exists()


def _organization(code: str):
    if not code:
        return None
    organization = Organization.objects.filter(code=code.strip().upper()[:32]).first()
    if organization is None:
        raise ValidationError("unknown organization")
    return organization
