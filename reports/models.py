"""Reports: the six-month (sơ kết) and annual (tổng kết) report periods, and the reports that
units, clusters and blocs submit for them along the standard outline (reports/outline.py)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from accounts.audit import audit_history


class ReportPeriod(models.Model):
    """A year and either its first half (1 January – 30 June) or the whole year."""

    class Half(models.TextChoices):
        FIRST_HALF = "H1", _("First six months")
        FULL_YEAR = "FY", _("Whole year")

    class Status(models.TextChoices):
        OPEN = "open", _("Open for reports")
        CLOSED = "closed", _("Closed")

    year = models.PositiveSmallIntegerField(_("year"))
    half = models.CharField(_("period"), max_length=2, choices=Half.choices)
    deadline = models.DateField(_("deadline for units' reports"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    history = audit_history()

    class Meta:
        ordering = ["-year", "-half"]
        verbose_name = _("report period")
        verbose_name_plural = _("report periods")
        constraints = [
            models.UniqueConstraint(fields=["year", "half"], name="report_period_unique",
                                    violation_error_message=_(
                                        "This report period already exists.")),
        ]

    def __str__(self):
        return f"{self.get_half_display()} {self.year}"

    def get_absolute_url(self):
        return reverse("reports:period_detail", args=[self.pk])

    @property
    def code(self) -> str:
        """"2021-H1" for the first half, "2021" for the whole year (the command's --period)."""
        return f"{self.year}-H1" if self.half == self.Half.FIRST_HALF else str(self.year)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        if self.half == self.Half.FIRST_HALF:
            return datetime.date(self.year, 6, 30)
        return datetime.date(self.year, 12, 31)


class UnitReport(models.Model):
    """The report of a unit (a provincial alliance, a central department or unit) or of a
    cluster or bloc (written by its leader unit) for a period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being written")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for correction")

    period = models.ForeignKey(ReportPeriod, on_delete=models.PROTECT, related_name="reports",
                               verbose_name=_("report period"))
    organization = models.ForeignKey("clusters.Organization", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="unit_reports",
                                     verbose_name=_("unit"))
    group = models.ForeignKey("clusters.EmulationGroup", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="reports",
                              verbose_name=_("cluster or bloc"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("submitted by"))
    # The first submission decides whether the report was on time; a resubmission after a
    # return keeps it.
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    history = audit_history()

    class Meta:
        ordering = ["period", "organization__sort_key", "group__sort_key"]
        verbose_name = _("unit report")
        verbose_name_plural = _("unit reports")
        constraints = [
            models.CheckConstraint(
                condition=(Q(organization__isnull=False, group__isnull=True)
                           | Q(organization__isnull=True, group__isnull=False)),
                name="unit_report_one_author",
                violation_error_message=_("A report is of one unit or of one cluster or bloc.")),
            models.UniqueConstraint(fields=["period", "organization"],
                                    condition=Q(organization__isnull=False),
                                    name="unit_report_unique_unit",
                                    violation_error_message=_(
                                        "The unit already has a report for this period.")),
            models.UniqueConstraint(fields=["period", "group"], condition=Q(group__isnull=False),
                                    name="unit_report_unique_group",
                                    violation_error_message=_(
                                        "The cluster or bloc already has a report for this "
                                        "period.")),
        ]

    def __str__(self):
        return f"{self.author_name} – {self.period}"

    def get_absolute_url(self):
        return reverse("reports:report_detail", args=[self.pk])

    @property
    def author_name(self) -> str:
        return self.organization.name if self.organization_id else self.group.name

    @property
    def late(self) -> bool:
        if self.first_submitted_at is None:
            return False
        from django.utils import timezone

        return timezone.localdate(self.first_submitted_at) > self.period.deadline


class UnitReportSection(models.Model):
    """The text of one section of the outline (reports/outline.py, by key): sanitized HTML
    with paragraphs, lists, bold and italic."""

    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(_("section"), max_length=40)
    body = models.TextField(_("text"), max_length=60000, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["report", "key"]
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="unit_report_section_unique"),
        ]


class UnitReportEvent(models.Model):
    """Who created, submitted, returned or resubmitted a report, when and why."""

    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("by"))
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10, blank=True)
    reason = models.TextField(_("reason"), max_length=4000, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class SummaryReport(models.Model):
    """The summary report (báo cáo sơ kết / tổng kết) of an organization for a period: a draft
    whose figures come from the records (reports.statistics) and whose narrative is generated
    from them and edited; finalizing freezes a version (SummaryReportVersion). The scope is the
    issuing organization's subtree (the whole system for the central body)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINALIZING = "finalizing", _("Being finalized")
        FINALIZED = "finalized", _("Finalized")

    period = models.ForeignKey(ReportPeriod, on_delete=models.PROTECT,
                               related_name="summary_reports", verbose_name=_("report period"))
    organization = models.ForeignKey("clusters.Organization", on_delete=models.PROTECT,
                                     related_name="summary_reports",
                                     verbose_name=_("issuing organization"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    # The version being drafted; the finalized versions are 1 … version (or version - 1).
    version = models.PositiveIntegerField(_("version"), default=1)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    symbol = models.CharField(_("symbol"), max_length=40, blank=True)
    place = models.CharField(_("place"), max_length=80, blank=True)
    issued_on = models.DateField(_("date of the report"), null=True, blank=True)
    summary_line = models.CharField(_("summary line"), max_length=300, blank=True)
    signer_authority = models.CharField(_("signing on behalf"), max_length=10, blank=True)
    signer_authority_title = models.CharField(_("title of the head"), max_length=80, blank=True)
    signer_title = models.CharField(_("title of the signer"), max_length=80, blank=True)
    signer_name = models.CharField(_("name of the signer"), max_length=120, blank=True)
    recipients = models.TextField(_("recipients"), max_length=2000, blank=True)
    # The figures as last computed (JSON form of reports.statistics.summary_figures with the
    # comparison); the screen and the documents read these, so what is finalized is what the
    # administrator saw.
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    figures_at = models.DateTimeField(_("figures computed at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = audit_history()

    class Meta:
        ordering = ["-period__year", "-period__half", "organization__sort_key"]
        verbose_name = _("summary report")
        verbose_name_plural = _("summary reports")
        constraints = [
            models.UniqueConstraint(fields=["period", "organization"],
                                    name="summary_report_unique",
                                    violation_error_message=_(
                                        "This organization already has a summary report for "
                                        "this period.")),
        ]

    def __str__(self):
        return f"{self.organization.name} – {self.period}"

    def get_absolute_url(self):
        return reverse("reports:summary_detail", args=[self.pk])


class SummaryReportSection(models.Model):
    """The text of one section of the summary report's outline (reports/outline.py).
    `generated` stays true until someone edits it, so refreshed figures may rewrite it."""

    report = models.ForeignKey(SummaryReport, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(_("section"), max_length=40)
    body = models.TextField(_("text"), max_length=60000, blank=True)
    generated = models.BooleanField(_("generated from the figures"), default=True)
    history = audit_history()

    class Meta:
        ordering = ["report", "key"]
        constraints = [
            models.UniqueConstraint(fields=["report", "key"],
                                    name="summary_report_section_unique"),
        ]


def _scan_path(instance, filename):
    return f"reports/summary/{instance.report_id}/v{instance.version}/{filename}"


class SummaryReportVersion(models.Model):
    """A finalized version: the header, figures and text as they were, the PDF and .docx made
    from them, and a hash of the content. Never changed after it is written, except to attach
    the scanned signed copy."""

    report = models.ForeignKey(SummaryReport, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("content"))
    content_sha256 = models.CharField(_("content hash"), max_length=64)
    pdf = models.BinaryField(_("PDF"))
    pdf_sha256 = models.CharField(_("PDF hash"), max_length=64)
    docx = models.BinaryField(_("Word document"))
    finalized_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("finalized by"))
    finalized_at = models.DateTimeField(_("finalized at"))
    signed_scan = models.FileField(_("scanned signed copy"), upload_to=_scan_path, blank=True)
    scan_uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="+",
                                         verbose_name=_("scan attached by"))
    scan_uploaded_at = models.DateTimeField(_("scan attached at"), null=True, blank=True)
    history = audit_history(excluded_fields=["pdf", "docx", "snapshot"])

    class Meta:
        ordering = ["report", "-version"]
        verbose_name = _("finalized version")
        verbose_name_plural = _("finalized versions")
        constraints = [
            models.UniqueConstraint(fields=["report", "version"],
                                    name="summary_report_version_unique"),
        ]


class RenderJob(models.Model):
    """A long piece of work on a summary report run by a Celery worker (architecture §9):
    recomputing the figures, rendering a draft PDF or .docx, or finalizing. The page polls the
    row for its progress and offers the result."""

    class Kind(models.TextChoices):
        FIGURES = "figures", _("Recompute the figures")
        PDF = "pdf", _("Draft PDF")
        DOCX = "docx", _("Word document")
        FINALIZE = "finalize", _("Finalize")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    report = models.ForeignKey(SummaryReport, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    stage = models.CharField(_("stage"), max_length=200, blank=True)
    error = models.TextField(_("error"), max_length=4000, blank=True)
    result = models.BinaryField(_("result"), null=True, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=120, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def get_absolute_url(self):
        return reverse("reports:job_detail", args=[self.pk])
