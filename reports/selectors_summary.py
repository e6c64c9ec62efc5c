"""Reading the summary reports for the pages: look-ups in the user's scope (404 for what the
user may not read) and the figures JSON turned into rows of (label, number, records URL) so
that every number on the screen links to the records it counts (issue 7 §4)."""

import datetime
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import has_role, is_central_admin
from accounts.models import Role
from accounts.scoping import active_role, sees_everything
from clusters.models import Organization

from awards.documents import format_number

from . import permissions as perms
from .exports import recipient_kind_label
from .models import RenderJob, SummaryReport, SummaryReportSection, SummaryReportVersion
from .outline import OUTLINE

HEAVY_VERSION_FIELDS = ("pdf", "docx", "snapshot")


def issuing_organization(user):
    """The organization whose summary report the user would make: the Alliance (the root) for
    a central administrator, their own alliance for a provincial one; None otherwise."""
    role = active_role(user)
    if role is None or not has_role(user, Role.ADMIN):
        return None
    if is_central_admin(user):
        return Organization.objects.filter(parent__isnull=True).order_by("pk").first()
    return role.organization if perms.can_make_summary(user, role.organization) else None


def summary_list(user):
    """The summary reports the user may read: all for central roles, else their unit's."""
    qs = SummaryReport.objects.select_related("period", "organization")
    if sees_everything(user):
        return qs
    role = active_role(user)
    return qs.filter(organization_id=role.organization_id) if role else qs.none()


def get_summary_for_user(user, pk) -> SummaryReport:
    report = get_object_or_404(SummaryReport.objects.select_related(
        "period", "organization", "created_by"), pk=pk)
    if not perms.can_view_summary(user, report):
        raise Http404
    return report


def get_version_for_user(user, pk, *, heavy=()) -> SummaryReportVersion:
    deferred = [f for f in HEAVY_VERSION_FIELDS if f not in heavy]
    version = get_object_or_404(SummaryReportVersion.objects.defer(*deferred).select_related(
        "report__period", "report__organization"), pk=pk)
    if not perms.can_view_summary(user, version.report):
        raise Http404
    return version


def get_job_for_user(user, pk, *, with_result=False) -> RenderJob:
    qs = RenderJob.objects.select_related("report__period", "report__organization")
    if not with_result:
        qs = qs.defer("result")
    job = get_object_or_404(qs, pk=pk)
    if job.requested_by_id != user.pk and not perms.can_view_summary(user, job.report):
        raise Http404
    return job


def sections(report) -> list[tuple]:
    """(outline section, stored section or None) in outline order: one query."""
    stored = {s.key: s for s in SummaryReportSection.objects.filter(report=report)}
    return [(section, stored.get(section.key)) for section in OUTLINE]


def versions(report) -> list:
    return list(report.versions.defer(*HEAVY_VERSION_FIELDS)
                .select_related("finalized_by", "scan_uploaded_by"))


def pending_jobs(report) -> list:
    return list(report.jobs.defer("result").filter(
        status__in=(RenderJob.Status.QUEUED, RenderJob.Status.RUNNING)))


def summary_rows(user, periods):
    """For the list page: each period with the user's organization's report (two queries)."""
    own = issuing_organization(user)
    mine = {}
    if own is not None:
        mine = {r.period_id: r for r in SummaryReport.objects.filter(
            organization=own, period__in=periods).select_related("period", "organization")}
    return own, [(period, mine.get(period.pk)) for period in periods]


# --- the figures as rows -----------------------------------------------------------------------


def fmt(value) -> str:
    """1234 → "1.234", 80.4 → "80,4", 100.0 → "100,0" (a share keeps its decimal), None → "—"
    (Vietnamese separators)."""
    if value is None:
        return "—"
    if isinstance(value, float):
        sign = "-" if value < 0 else ""
        whole, _dot, decimals = f"{abs(value):.1f}".partition(".")
        return f"{sign}{format_number(int(whole))},{decimals}"
    return format_number(value)


def fmt_change(value) -> str:
    return "—" if value is None else (f"+{fmt(value)}" if value > 0 else fmt(value))


def _iso_date(text):
    if not text:
        return None
    try:
        return datetime.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def scalar_rows(figures: dict) -> list[tuple]:
    """(label, value, records URL) of every single-number figure; the URL comes from
    figures["sources"] (the traceability descriptor)."""
    if not figures:
        return []
    src = figures.get("sources") or {}
    movements = figures.get("movements") or {}
    registrations = figures.get("registrations") or {}
    council = figures.get("council") or {}
    unit_reports = figures.get("unit_reports") or {}
    conferences = figures.get("scoring_rounds_by_conference") or {}
    rows = [
        (_("Awards decided in the period"), figures.get("awards_total", 0), "awards"),
        (_("Awards granted by the State"), figures.get("state_awards_total", 0), "state_awards"),
        (_("Awards to cooperatives and their members"), figures.get("cooperative_awards", 0),
         "cooperative_awards"),
        (_("Share of the awards going to cooperatives (%)"),
         figures.get("cooperative_share_percent", 0), "cooperative_awards"),
        (_("Movements under way"), movements.get("active", 0), "movements_active"),
        (_("Movements launched in the period"), movements.get("launched", 0),
         "movements_launched"),
        (_("Short campaigns"), movements.get("campaigns", 0), "campaigns"),
        (_("Expired movements still reported"),
         len(movements.get("expired_still_reported") or []), "movements_expired"),
        (_("Registrations sent"), registrations.get("submitted", 0), "registrations"),
        (_("Registrations sent late"), registrations.get("late", 0), "registrations"),
        (_("Pledges signed"), figures.get("pledges_signed", 0), "pledges"),
        (_("Scoring rounds held"), figures.get("scoring_rounds_closed", 0), "scoring_rounds"),
        (_("Review conferences held in person"), conferences.get("in_person", 0),
         "scoring_rounds"),
        (_("Review conferences held online"), conferences.get("online", 0), "scoring_rounds"),
        (_("Council meetings held"), council.get("meetings", 0), "council_meetings"),
        (_("Items considered by the council"), council.get("items", 0), "council_meetings"),
        (_("Items passed by the council"), council.get("passed", 0), "council_meetings"),
        (_("Unit reports submitted"), unit_reports.get("submitted", 0), "unit_reports"),
        (_("Unit reports on time"), unit_reports.get("on_time", 0), "unit_reports"),
        (_("Unit reports late"), len(unit_reports.get("late") or []), "unit_reports_late"),
    ]
    return [(label, fmt(value), src.get(key)) for label, value, key in rows]


def award_rows(lines: list) -> list[tuple]:
    return [(line.get("award_name", ""), recipient_kind_label(line.get("recipient_kind", "")),
             fmt(line.get("count", 0)), line.get("records_url")) for line in lines or []]


def group_rows(figures: dict) -> list[tuple]:
    fallback = (figures.get("sources") or {}).get("awards")
    return [(row.get("name", ""), _("Cluster") if row.get("kind") == "cluster" else _("Bloc"),
             fmt(row.get("count", 0)), row.get("records_url") or fallback)
            for row in figures.get("by_group") or []]


def late_units(figures: dict) -> list[tuple]:
    """(name, first submission as a datetime) of the late reports."""
    late = (figures.get("unit_reports") or {}).get("late") or []
    return [(row.get("name", ""), _iso_date(row.get("first_submitted_at"))) for row in late]


def missing_units(figures: dict):
    missing = (figures.get("unit_reports") or {}).get("missing")
    return None if missing is None else [row.get("name", "") for row in missing]


# Comparison keys of the whole-year table → the figure whose records they count.
COMPARISON_SOURCES = {
    "awards_total": "awards", "state_awards_total": "state_awards",
    "cooperative_awards": "cooperative_awards", "cooperative_share_percent": "cooperative_awards",
    "movements_active": "movements_active", "movements_launched": "movements_launched",
    "campaigns": "campaigns", "registrations_submitted": "registrations",
    "registrations_late": "registrations", "pledges_signed": "pledges",
    "scoring_rounds_closed": "scoring_rounds", "council_meetings": "council_meetings",
    "council_items": "council_meetings", "council_passed": "council_meetings",
    "unit_reports_submitted": "unit_reports", "unit_reports_on_time": "unit_reports",
    "unit_reports_late": "unit_reports_late",
}


def _records_url(period_code, figure, organization_code):
    query = {"period": period_code, "figure": figure}
    if organization_code:
        query["organization"] = organization_code
    return f"{reverse('reports:figure_records')}?{urlencode(query)}"


def comparison_rows(figures: dict, report) -> list[dict]:
    """The whole-year comparison with a records URL for this year's and last year's number."""
    rows = figures.get("comparison") or []
    org = None if report.organization.parent_id is None else report.organization.code
    out = []
    for row in rows:
        figure = COMPARISON_SOURCES.get(row.get("key", ""))
        if figure is None and row.get("key", "") in (figures.get("sources") or {}):
            figure = row["key"]
        out.append({**row, "current_text": fmt(row.get("current")),
                    "previous_text": fmt(row.get("previous")),
                    "change_text": fmt_change(row.get("change")),
                    "percent_text": "—" if row.get("change_percent") is None
                    else f"{fmt_change(float(row['change_percent']))}%",
                    "current_url": _records_url(report.period.code, figure, org)
                    if figure else None,
                    "previous_url": _records_url(str(report.period.year - 1), figure, org)
                    if figure else None})
    return out

