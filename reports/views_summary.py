"""Pages of the summary reports (báo cáo sơ kết / tổng kết) and of their background jobs. Thin:
look up in the user's scope (404 for what the user may not read), 403 for an action the role
may not take, bind a form, call one service of reports.services_summary, say what happened.

Actions answer GET with a confirmation page and do their work on POST, so that no link or
prefetch changes anything and every URL with an id can be opened by its own users."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import mark_safe
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from awards.uploads import attachment_response
from clusters.views import apply_service_errors

from . import charts, summary
from . import permissions as perms
from . import selectors_summary as sel
from . import services_summary as services
from .forms_summary import CreateForm, HeaderForm, ReopenForm, ScanForm, SectionsForm
from .html import to_plain
from .models import RenderJob, ReportPeriod, SummaryReport
from .outline import BY_KEY

J = RenderJob.Status
KINDS = {"figures": RenderJob.Kind.FIGURES, "pdf": RenderJob.Kind.PDF,
         "docx": RenderJob.Kind.DOCX}


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _refused(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


def _bytes_response(content, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(bytes(content), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- list and creation -------------------------------------------------------------------------


@login_required
def summary_list(request):
    reports = list(sel.summary_list(request.user))
    own, rows = sel.summary_rows(request.user, list(ReportPeriod.objects.all()))
    _require(bool(reports) or own is not None or perms.can_view_periods(request.user))
    return render(request, "reports/summary_list.html", {
        "reports": reports, "own": own, "rows": rows if own is not None else []})


@login_required
@require_http_methods(["POST"])
def summary_create(request):
    """Creates the summary report of the period for the user's organization (or opens it when
    it exists) and shows the job computing its figures."""
    own = sel.issuing_organization(request.user)
    _require(own is not None)
    form = CreateForm(request.POST)
    if not form.is_valid():
        _refused(request, ValidationError(_("Choose a report period.")))
        return redirect("reports:summary_list")
    period = get_object_or_404(ReportPeriod, pk=form.cleaned_data["period"])
    existing = SummaryReport.objects.filter(period=period, organization=own).first()
    if existing is not None:
        return redirect(existing)
    try:
        report = services.summary_create(period=period, organization=own, by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect("reports:summary_list")
    messages.success(request, _("The summary report has been created; its figures are being "
                                "computed."))
    job = report.jobs.order_by("-pk").first()
    return redirect(job if job is not None else report)


# --- the report --------------------------------------------------------------------------------


@login_required
def summary_detail(request, pk):
    report = sel.get_summary_for_user(request.user, pk)
    figures = report.figures or {}
    can_edit = perms.can_edit_summary(request.user, report)
    sections = [(s, stored) for s, stored in sel.sections(report)]
    return render(request, "reports/summary_detail.html", {
        "report": report, "header": summary.header(report), "figures": figures,
        "scalars": sel.scalar_rows(figures),
        "awards": sel.award_rows(figures.get("awards")),
        "state_awards": sel.award_rows(figures.get("state_awards")),
        "groups": sel.group_rows(figures),
        "comparison": sel.comparison_rows(figures, report),
        "late": sel.late_units(figures), "missing": sel.missing_units(figures),
        "sources": figures.get("sources") or {},
        "charts": [mark_safe(chart(figures)) for chart in (  # noqa: S308 — escaped
            charts.awards_by_type_svg, charts.awards_by_group_svg,
            charts.reports_on_time_svg)] if figures else [],
        "sections": sections, "versions": sel.versions(report),
        "pending": sel.pending_jobs(report),
        "can_edit": can_edit,
        "can_reopen": perms.can_reopen_summary(request.user, report),
        "can_manage": perms.can_make_summary(request.user, report.organization),
        "problems": services.finalize_problems(report) if can_edit else []})


def _editable(request, report):
    """403 for a role that may not edit; a message and None when the state forbids it."""
    _require(perms.can_make_summary(request.user, report.organization))
    if not perms.can_edit_summary(request.user, report):
        messages.error(request, _("The report is “%(state)s”: it cannot be changed now.") % {
            "state": report.get_status_display()})
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def summary_header(request, pk):
    report = sel.get_summary_for_user(request.user, pk)
    if not _editable(request, report):
        return redirect(report)
    initial = {field: getattr(report, field) for field in HeaderForm.FIELDS}
    form = HeaderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.summary_update_header(report=report, data=form.cleaned_data,
                                           by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The header has been saved."))
            return redirect(report)
    return render(request, "reports/summary_header.html", {"report": report, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def summary_sections(request, pk):
    report = sel.get_summary_for_user(request.user, pk)
    if not _editable(request, report):
        return redirect(report)
    stored = sel.sections(report)
    initial = {s.key: to_plain(row.body if row else "") for s, row in stored if s.has_body}
    form = SectionsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        # Only what was changed: an untouched generated section stays generated.
        changed = {key: text for key, text in form.cleaned_data.items()
                   if key in request.POST and text.strip() != initial.get(key, "").strip()}
        try:
            services.summary_save_sections(report=report, bodies=changed, by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The text has been saved."))
            return redirect(report)
    generated = {s.key: bool(row and row.generated) for s, row in stored}
    items = [(s, form[s.key] if s.has_body else None, generated.get(s.key)) for s, _r in stored]
    return render(request, "reports/summary_sections.html", {
        "report": report, "form": form, "items": items})


@login_required
@require_http_methods(["GET", "POST"])
def summary_reset(request, pk, key):
    report = sel.get_summary_for_user(request.user, pk)
    if key not in BY_KEY or not BY_KEY[key].has_body:
        raise Http404
    if not _editable(request, report):
        return redirect(report)
    if request.method == "GET":
        return render(request, "reports/summary_confirm.html", {
            "report": report, "title": _("Put back the generated text"),
            "question": _("The text of “%(section)s” will be replaced by the text generated "
                          "from the figures.") % {"section": BY_KEY[key].heading},
            "button": _("Put back the generated text")})
    try:
        services.summary_reset_section(report=report, key=key, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The generated text has been put back."))
    return redirect(report)


@login_required
@require_http_methods(["GET", "POST"])
def summary_job(request, pk, kind):
    """GET: what the job will do; POST: queue it and show its page."""
    report = sel.get_summary_for_user(request.user, pk)
    if kind not in KINDS:
        raise Http404
    if kind == "figures":
        _require(perms.can_make_summary(request.user, report.organization))
    label = RenderJob.Kind(KINDS[kind]).label
    if request.method == "GET":
        return render(request, "reports/summary_confirm.html", {
            "report": report, "title": label, "button": _("Start"),
            "question": _("The work runs in the background; its page shows the progress.")})
    try:
        job = services.job_request(report=report, kind=KINDS[kind], by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect(report)
    return redirect(job)


@login_required
@require_http_methods(["GET", "POST"])
def summary_finalize(request, pk):
    """GET: the problems to fix first, or the confirmation; POST: queue the finalizing job."""
    report = sel.get_summary_for_user(request.user, pk)
    if not _editable(request, report):
        return redirect(report)
    problems = services.finalize_problems(report)
    if request.method == "POST":
        try:
            job = services.job_request(report=report, kind=RenderJob.Kind.FINALIZE,
                                       by=request.user)
        except ValidationError as error:
            problems = error.messages
        else:
            return redirect(job)
    return render(request, "reports/summary_finalize.html", {
        "report": report, "problems": problems})


@login_required
@require_http_methods(["GET", "POST"])
def summary_reopen(request, pk):
    report = sel.get_summary_for_user(request.user, pk)
    _require(perms.can_make_summary(request.user, report.organization))
    if not perms.can_reopen_summary(request.user, report):
        return render(request, "reports/summary_reopen.html", {
            "report": report, "form": None,
            "refusal": _("Only a finalized report can be reopened.")})
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.summary_reopen(report=report, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The report has been reopened as version %(v)s.") % {
                "v": report.version + 1})
            return redirect(report)
    return render(request, "reports/summary_reopen.html", {"report": report, "form": form})


# --- finalized versions ------------------------------------------------------------------------


@login_required
def version_pdf(request, pk):
    version = sel.get_version_for_user(request.user, pk, heavy=("pdf",))
    return _bytes_response(version.pdf, summary.file_name(version.report, "pdf",
                                                          version.version), services.PDF_TYPE)


@login_required
def version_docx(request, pk):
    version = sel.get_version_for_user(request.user, pk, heavy=("docx",))
    return _bytes_response(version.docx, summary.file_name(version.report, "docx",
                                                           version.version), services.DOCX_TYPE)


@login_required
@require_http_methods(["GET", "POST"])
def version_scan(request, pk):
    version = sel.get_version_for_user(request.user, pk)
    _require(perms.can_make_summary(request.user, version.report.organization))
    form = ScanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.version_attach_scan(version=version, by=request.user,
                                         upload=form.cleaned_data["signed_scan"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The scanned copy has been attached."))
            return redirect(version.report)
    return render(request, "reports/summary_scan.html", {
        "report": version.report, "version": version, "form": form})


@login_required
def version_scan_download(request, pk):
    version = sel.get_version_for_user(request.user, pk)
    name = version.signed_scan.name.rsplit("/", 1)[-1] if version.signed_scan else ""
    return attachment_response(version.signed_scan, name)


# --- jobs --------------------------------------------------------------------------------------


def _finalized_version(job):
    if job.kind != RenderJob.Kind.FINALIZE or job.status != J.DONE:
        return None
    return (job.report.versions.defer(*sel.HEAVY_VERSION_FIELDS)
            .filter(finalized_at__gte=job.started_at).order_by("version").first())


def _job_links(job) -> dict:
    version = _finalized_version(job)
    download = None
    if job.status == J.DONE and job.kind in (RenderJob.Kind.PDF, RenderJob.Kind.DOCX):
        download = _url("reports:job_download", job.pk)
    elif version is not None:
        download = _url("reports:version_pdf", version.pk)
    return {"download_url": download, "report_url": job.report.get_absolute_url()}


def _url(name, pk):
    from django.urls import reverse

    return reverse(name, args=[pk])


@login_required
def job_detail(request, pk):
    job = sel.get_job_for_user(request.user, pk)
    return render(request, "reports/job_detail.html", {
        "job": job, "report": job.report, **_job_links(job),
        "finished": job.status in (J.DONE, J.FAILED)})


@never_cache
@login_required
def job_status(request, pk):
    job = sel.get_job_for_user(request.user, pk)
    return JsonResponse({
        "status": job.status, "status_label": job.get_status_display(),
        "progress": job.progress, "stage": job.stage, "error": job.error,
        "finished": job.status in (J.DONE, J.FAILED), "kind": job.kind, **_job_links(job)})


@login_required
def job_download(request, pk):
    job = sel.get_job_for_user(request.user, pk, with_result=True)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    if job.status != J.DONE or not job.result:
        raise Http404
    return _bytes_response(job.result, job.filename, job.content_type)
