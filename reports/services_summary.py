"""Every write of the summary reports: create a draft, edit its header and text, recompute its
figures, render and finalize it in a background job, reopen it, attach the signed scan.

The long parts (figures at national scale, the PDF and the .docx) run in RenderJob rows that a
Celery task executes (reports.tasks), so a web request never waits for them (issue 7 §5, §9).
Each service checks its predicate (reports.permissions; PermissionDenied) and its rules
(ValidationError with a Vietnamese message) and changes nothing when it refuses; history rows
record who changed what."""

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.uploads import check_upload
from clusters.text import nfc

from . import permissions as perms
from . import summary
from .html import clean_body, is_filled
from .models import RenderJob, SummaryReport, SummaryReportSection, SummaryReportVersion
from .outline import BY_KEY, REQUIRED_KEYS, check_bodies

logger = logging.getLogger(__name__)
S = SummaryReport.Status
J = RenderJob.Status
MAX_BODY = 60000
HEADER_LIMITS = {"symbol": 40, "place": 80, "summary_line": 300, "signer_authority": 10,
                 "signer_authority_title": 80, "signer_title": 80, "signer_name": 120,
                 "recipients": 2000}
AUTHORITIES = ("", "KT.", "TM.", "TL.", "TUQ.")
SCAN_TYPES = ("application/pdf", "image/jpeg", "image/png")
# A job left "running" longer than this was lost with its worker and may run again.
STALE_AFTER = datetime.timedelta(minutes=15)
# A job still waiting after this long lost its task; beat sends it again (reports.tasks).
REQUEUE_AFTER = datetime.timedelta(minutes=5)


def _actor(instance, by):
    instance._history_user = by
    return instance


def _locked(report) -> SummaryReport:
    return (SummaryReport.objects.select_for_update().select_related("period", "organization")
            .get(pk=report.pk))


def _editable(report, by) -> SummaryReport:
    current = _locked(report)
    if perms.can_edit_summary(by, current):
        return current
    if not perms.can_make_summary(by, current.organization):
        raise PermissionDenied
    raise ValidationError(_("The report is “%(state)s”: it cannot be changed now.") % {
        "state": current.get_status_display()})


# --- drafts ------------------------------------------------------------------------------------


@transaction.atomic
def summary_create(*, period, organization, by) -> SummaryReport:
    """A draft for the period with the default header; its figures are computed by a job."""
    if not perms.can_make_summary(by, organization):
        raise PermissionDenied
    if SummaryReport.objects.filter(period=period, organization=organization).exists():
        raise ValidationError(_("This organization already has a summary report for this "
                                "period."))
    report = SummaryReport(period=period, organization=organization, created_by=by,
                           **summary.default_header(period, organization))
    _actor(report, by).save()
    job_request(report=report, kind=RenderJob.Kind.FIGURES, by=by)
    return report


def _clean_header(data: dict) -> dict:
    cleaned, errors = {}, {}
    for field, limit in HEADER_LIMITS.items():
        if field not in data:
            continue
        text = nfc(str(data[field] or "")).strip()
        if field != "recipients":
            text = " ".join(text.split())
        if len(text) > limit:
            errors[field] = _("At most %(limit)s characters (now %(count)s).") % {
                "limit": limit, "count": len(text)}
        cleaned[field] = text
    if cleaned.get("signer_authority", "") not in AUTHORITIES:
        errors["signer_authority"] = _("Choose KT., TM., TL., TUQ. or nothing.")
    if "number" in data:
        number = data["number"]
        if number in (None, ""):
            cleaned["number"] = None
        elif not isinstance(number, int) or not 1 <= number <= 99999:
            errors["number"] = _("The number is a whole number from 1 to 99999.")
        else:
            cleaned["number"] = number
    if "issued_on" in data:
        if data["issued_on"] is not None and not isinstance(data["issued_on"], datetime.date):
            errors["issued_on"] = _("The date of the report is not valid.")
        cleaned["issued_on"] = data["issued_on"]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def summary_update_header(*, report, data: dict, by) -> SummaryReport:
    """Number, symbol, place and date, summary line, signature and recipients."""
    report = _editable(report, by)
    cleaned = _clean_header(data)
    issued_on = cleaned.get("issued_on", report.issued_on)
    # A six-month report is often signed before 30 June (the reference report: 18/06/2021).
    first, last = report.period.start, datetime.date(report.period.year + 1, 12, 31)
    if issued_on is not None and not first <= issued_on <= last:
        raise ValidationError({"issued_on": _(
            "The date must fall between %(first)s and %(last)s.") % {
                "first": first.strftime("%d/%m/%Y"), "last": last.strftime("%d/%m/%Y")}})
    number = cleaned.get("number", report.number)
    symbol = cleaned.get("symbol", report.symbol)
    if number is not None and issued_on is not None:
        clash = (SummaryReport.objects.exclude(pk=report.pk)
                 .filter(organization=report.organization, number=number, symbol=symbol,
                         issued_on__year=issued_on.year))
        if clash.exists():
            raise ValidationError({"number": _(
                "Number %(number)s/%(symbol)s is already used in %(year)s.") % {
                    "number": f"{number:02d}", "symbol": symbol, "year": issued_on.year}})
    for field, value in cleaned.items():
        setattr(report, field, value)
    _actor(report, by).save()
    return report


@transaction.atomic
def summary_save_sections(*, report, bodies: dict, by) -> SummaryReport:
    """Stores the sanitized text of the sections given; an edited section is no longer
    rewritten when the figures are recomputed."""
    check_bodies(bodies, MAX_BODY)
    report = _editable(report, by)
    existing = {s.key: s for s in report.sections.all()}
    for key, text in bodies.items():
        body = clean_body(nfc(text or ""))
        section = existing.get(key) or SummaryReportSection(report=report, key=key)
        if section.pk and section.body == body:
            continue
        section.body, section.generated = body, False
        _actor(section, by).save()
    return report


def _generated_bodies(report) -> dict:
    from .narrative import generate_sections

    return generate_sections(report.figures, issuer_name=report.organization.name)


@transaction.atomic
def summary_reset_section(*, report, key: str, by) -> SummaryReport:
    """Puts back the text generated from the figures in one section."""
    if key not in BY_KEY or not BY_KEY[key].has_body:
        raise ValidationError(_("Unknown section: %(keys)s.") % {"keys": key})
    report = _editable(report, by)
    section = (report.sections.filter(key=key).first()
               or SummaryReportSection(report=report, key=key))
    section.body, section.generated = _generated_bodies(report).get(key, ""), True
    _actor(section, by).save()
    return report


def _store_figures(report, figures: dict, by) -> None:
    """Stores the figures and rewrites the sections nobody has edited."""
    report.figures, report.figures_at = figures, timezone.now()
    _actor(report, by).save(update_fields=["figures", "figures_at"])
    generated = _generated_bodies(report)
    existing = {s.key: s for s in report.sections.all()}
    for key, body in generated.items():
        section = existing.get(key) or SummaryReportSection(report=report, key=key)
        if section.pk and (not section.generated or section.body == body):
            continue
        section.body, section.generated = body, True
        _actor(section, by).save()


# --- finalizing --------------------------------------------------------------------------------


def finalize_problems(report) -> list[str]:
    """What stands in the way of finalizing, in Vietnamese; empty when it may be finalized."""
    problems = []
    if report.figures_at is None:
        problems.append(_("The figures have not been computed yet."))
    if report.number is None:
        problems.append(_("Enter the number of the report."))
    if report.issued_on is None:
        problems.append(_("Enter the date of the report."))
    if not report.place:
        problems.append(_("Enter the place written before the date."))
    if not report.signer_title or not report.signer_name:
        problems.append(_("Enter the title and the name of the signer."))
    bodies = dict(report.sections.values_list("key", "body"))
    empty = [BY_KEY[key].full_heading for key in REQUIRED_KEYS
             if not is_filled(bodies.get(key, ""))]
    if empty:
        problems.append(_("Fill in these required sections before finalizing: %(sections)s.") % {
            "sections": "; ".join(empty)})
    return problems


@transaction.atomic
def summary_reopen(*, report, reason: str, by) -> SummaryReport:
    """A finalized report becomes a draft of its next version; the finalized versions stay."""
    reason = nfc(reason or "").strip()
    report = _locked(report)
    if not perms.can_reopen_summary(by, report):
        if not perms.can_make_summary(by, report.organization):
            raise PermissionDenied
        raise ValidationError(_("Only a finalized report can be reopened."))
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reopening the report.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("At most %(limit)s characters (now %(count)s).") % {
            "limit": 2000, "count": len(reason)}})
    report.status, report.version = S.DRAFT, report.version + 1
    report._change_reason = reason[:100]
    _actor(report, by).save()
    return report


@transaction.atomic
def version_attach_scan(*, version, upload, by) -> SummaryReportVersion:
    """The scanned signed and stamped copy of a finalized version (PDF, JPEG or PNG)."""
    version = (SummaryReportVersion.objects.select_for_update()
               .select_related("report__organization").get(pk=version.pk))
    if not perms.can_make_summary(by, version.report.organization):
        raise PermissionDenied
    if upload is None:
        raise ValidationError({"signed_scan": _("Choose the scanned file.")})
    checked = check_upload(upload)
    if checked.content_type not in SCAN_TYPES:
        raise ValidationError({"signed_scan": _(
            "The scanned copy must be a PDF, JPEG or PNG file.")})
    version.signed_scan.save(checked.name, upload, save=False)
    version.scan_uploaded_by, version.scan_uploaded_at = by, timezone.now()
    _actor(version, by).save()
    return version


# --- jobs --------------------------------------------------------------------------------------


def job_request(*, report, kind: str, by) -> RenderJob:
    """Queues a job (or returns the same kind's job already waiting or running). Recomputing
    and finalizing need the right to edit; a draft PDF or .docx the right to read."""
    from .tasks import run_render_job_task

    if kind not in RenderJob.Kind.values:
        raise ValidationError(_("Unknown job."))
    with transaction.atomic():
        report = _locked(report)
        if kind in (RenderJob.Kind.FIGURES, RenderJob.Kind.FINALIZE):
            if not perms.can_edit_summary(by, report):
                if not perms.can_make_summary(by, report.organization):
                    raise PermissionDenied
                raise ValidationError(_("The report is “%(state)s”: it cannot be changed "
                                        "now.") % {"state": report.get_status_display()})
        elif not perms.can_view_summary(by, report):
            raise PermissionDenied
        pending = report.jobs.filter(kind=kind, status__in=(J.QUEUED, J.RUNNING)).first()
        if pending is not None:
            return pending
        if kind == RenderJob.Kind.FINALIZE:
            problems = finalize_problems(report)
            if problems:
                raise ValidationError(problems)
            report.status = S.FINALIZING
            _actor(report, by).save(update_fields=["status"])
        job = RenderJob.objects.create(report=report, kind=kind, requested_by=by)
        transaction.on_commit(lambda: run_render_job_task.delay(job_id=job.pk))
    return job


def requeue_stale_jobs(now=None) -> int:
    """Sends again the jobs whose task was lost (a broker wiped, a worker killed): waiting for
    longer than REQUEUE_AFTER, or running for longer than STALE_AFTER. job_run claims a job
    once, so a task that was only late does no harm."""
    from .tasks import run_render_job_task

    now = now or timezone.now()
    stale = list(RenderJob.objects.filter(
        Q(status=J.QUEUED, created_at__lt=now - REQUEUE_AFTER)
        | Q(status=J.RUNNING, started_at__lt=now - STALE_AFTER)).values_list("pk", flat=True))
    for pk in stale:
        run_render_job_task.delay(job_id=pk)
    return len(stale)


def _claim(job_id) -> RenderJob | None:
    """Marks the job running unless another worker has it (a redelivered task runs it once)."""
    now = timezone.now()
    with transaction.atomic():
        job = (RenderJob.objects.select_for_update().select_related("report")
               .filter(pk=job_id).first())
        if job is None or job.status in (J.DONE, J.FAILED):
            return None
        if job.status == J.RUNNING and job.started_at and now - job.started_at < STALE_AFTER:
            return None
        job.status, job.started_at, job.progress = J.RUNNING, now, 1
        job.save(update_fields=["status", "started_at", "progress"])
    return job


def _progress(job):
    def report(percent: int, stage: str = "") -> None:
        RenderJob.objects.filter(pk=job.pk).update(progress=max(1, min(99, int(percent))),
                                                   stage=str(stage)[:200])
    return report


def _failure_text(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return _("The work could not be finished (%(error)s). Try again; if it fails again, tell "
             "the administrator.") % {"error": error.__class__.__name__}


def job_run(job_id: int) -> None:
    """Runs one job to its end: DONE with its result, or FAILED with the reason (a finalizing
    report then returns to its draft)."""
    job = _claim(job_id)
    if job is None:
        return
    progress = _progress(job)
    try:
        result = RUNNERS[job.kind](job, progress)
    except Exception as error:  # noqa: BLE001 — any failure must reach the page, not vanish
        logger.exception("Render job %s failed", job.pk)
        with transaction.atomic():
            if job.kind == RenderJob.Kind.FINALIZE:
                # Saved, not updated in bulk, so that the trail shows the return to draft.
                report = (SummaryReport.objects.select_for_update()
                          .filter(pk=job.report_id, status=S.FINALIZING).first())
                if report is not None:
                    report.status = S.DRAFT
                    _actor(report, job.requested_by).save(update_fields=["status"])
            RenderJob.objects.filter(pk=job.pk).update(
                status=J.FAILED, finished_at=timezone.now(),
                error=_failure_text(error))
        return
    content, filename, content_type = result
    RenderJob.objects.filter(pk=job.pk).update(
        status=J.DONE, progress=100, finished_at=timezone.now(), result=content,
        filename=filename, content_type=content_type, stage="")


def _run_figures(job, progress):
    from .document_figures import document_figures

    report = job.report
    progress(10, _("Computing the figures from the records"))
    figures = document_figures(report.period, summary.scope(report.organization))
    progress(80, _("Writing the generated text"))
    with transaction.atomic():
        report = _locked(report)
        if report.status != S.DRAFT:
            raise ValidationError(_("The report is no longer a draft."))
        _store_figures(report, figures, job.requested_by)
    return None, "", ""


PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _run_pdf(job, progress):
    from . import summary_pdf

    report = job.report
    snapshot = summary.build_snapshot(report)
    return summary_pdf.render(snapshot, progress), summary.file_name(report, "pdf"), PDF_TYPE


def _run_docx(job, progress):
    from . import summary_docx

    report = job.report
    snapshot = summary.build_snapshot(report)
    return summary_docx.render(snapshot, progress), summary.file_name(report, "docx"), DOCX_TYPE


def _run_finalize(job, progress):
    import hashlib

    from . import summary_docx, summary_pdf

    report = SummaryReport.objects.select_related("period", "organization").get(
        pk=job.report_id)
    snapshot = summary.build_snapshot(report, is_draft=False)
    pdf = summary_pdf.render(snapshot, lambda p, s="": progress(p * 0.7, s))
    progress(75, _("Writing the Word document"))
    docx = summary_docx.render(snapshot)
    progress(95, _("Storing the finalized version"))
    with transaction.atomic():
        report = _locked(report)
        if report.status != S.FINALIZING:
            raise ValidationError(_("The report is no longer being finalized."))
        version = SummaryReportVersion(
            report=report, version=report.version, snapshot=snapshot,
            content_sha256=summary.content_hash(snapshot), pdf=pdf,
            pdf_sha256=hashlib.sha256(pdf).hexdigest(), docx=docx,
            finalized_by=job.requested_by, finalized_at=timezone.now())
        _actor(version, job.requested_by).save()
        report.status = S.FINALIZED
        _actor(report, job.requested_by).save(update_fields=["status"])
    return None, summary.file_name(report, "pdf", version.version), PDF_TYPE


RUNNERS = {RenderJob.Kind.FIGURES: _run_figures, RenderJob.Kind.PDF: _run_pdf,
           RenderJob.Kind.DOCX: _run_docx, RenderJob.Kind.FINALIZE: _run_finalize}
