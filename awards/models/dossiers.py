"""Award cycles (đợt xét khen thưởng), dossiers (hồ sơ đề nghị) and their nominations, the
documents they carry, the public notices some awards require, and the event log of every
transition. The states and who may move them live in `awards.workflow`; every write goes
through `awards.services_dossiers`."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from accounts.audit import audit_history

from .catalogue import AwardType
from .registry import AwardRecord


class AwardCycle(models.Model):
    """A call for nominations: what may be proposed, by whom, until when."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        OPEN = "open", _("Open for submissions")
        CLOSED = "closed", _("Closed")

    organizer = models.ForeignKey(
        "clusters.Organization", verbose_name=_("organizing body"), on_delete=models.PROTECT,
        related_name="award_cycles",
        help_text=_("The Alliance, or a provincial alliance for the awards it grants itself."))
    kind = models.CharField(_("kind of commendation"), max_length=16,
                            choices=AwardRecord.Kind.choices, default=AwardRecord.Kind.MERIT)
    year = models.PositiveSmallIntegerField(_("achievement year"))
    title = models.CharField(_("title"), max_length=300)
    award_types = models.ManyToManyField(AwardType, verbose_name=_("awards accepted"),
                                         related_name="cycles")
    submitters = models.ManyToManyField(
        "clusters.Organization", verbose_name=_("organizations that may submit"),
        related_name="submitter_of_cycles",
        help_text=_("Their member units send dossiers through them."))
    deadline = models.DateField(_("submission deadline"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    note = models.TextField(_("note"), max_length=4000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = audit_history(m2m_fields=[award_types, submitters])

    class Meta:
        ordering = ["-year", "-deadline", "id"]
        verbose_name = _("award cycle")
        verbose_name_plural = _("award cycles")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("awards:cycle_detail", args=[self.pk])


class CycleExtension(models.Model):
    """An administrator reopens a cycle after its deadline for one organization."""

    cycle = models.ForeignKey(AwardCycle, on_delete=models.CASCADE, related_name="extensions",
                              verbose_name=_("award cycle"))
    organization = models.ForeignKey("clusters.Organization", on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("organization"))
    until = models.DateField(_("submissions accepted until"))
    reason = models.TextField(_("reason"), max_length=2000)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("granted by"))
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    history = audit_history()

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")


class SubmitDelegation(models.Model):
    """The unit head lets another user of the unit send its dossiers up."""

    organization = models.ForeignKey("clusters.Organization", on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("organization"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="submit_delegations", verbose_name=_("delegate"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("granted by"))
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    history = audit_history()

    class Meta:
        verbose_name = _("submission delegation")
        verbose_name_plural = _("submission delegations")
        constraints = [models.UniqueConstraint(fields=["organization", "user"],
                                               name="submit_delegation_unique")]


class Dossier(models.Model):
    """One organization's dossier (hồ sơ đề nghị khen thưởng) for one cycle. It goes to the
    `recipient`: the cycle's organizer when the organization is one of the cycle's submitters,
    otherwise the nearest submitter above it (a cooperative's provincial alliance), which reviews
    it and forwards its nominations in the alliance's own dossier."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for correction")
        ACCEPTED = "accepted", _("Accepted and forwarded")
        APPRAISED = "appraised", _("Appraised")
        DECIDED = "decided", _("Decided")

    cycle = models.ForeignKey(AwardCycle, on_delete=models.PROTECT, related_name="dossiers",
                              verbose_name=_("award cycle"))
    organization = models.ForeignKey("clusters.Organization", on_delete=models.PROTECT,
                                     related_name="dossiers", verbose_name=_("submitting unit"))
    recipient = models.ForeignKey("clusters.Organization", on_delete=models.PROTECT,
                                  related_name="received_dossiers", verbose_name=_("sent to"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    round = models.PositiveSmallIntegerField(_("submission round"), default=0)
    summary = models.TextField(_("summary"), max_length=4000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", null=True, blank=True,
                                     verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, db_index=True)
    history = audit_history()

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organization"],
                                    name="dossier_one_per_cycle_and_unit",
                                    violation_error_message=_(
                                        "This unit already has a dossier in this cycle.")),
        ]
        indexes = [models.Index(fields=["recipient", "status", "submitted_at"],
                                name="dossier_queue_idx")]

    def __str__(self):
        return f"{self.organization} – {self.cycle}"

    def get_absolute_url(self):
        return reverse("awards:dossier_detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        """Submitted dossiers change only through "return for correction"."""
        return self.status not in (self.Status.DRAFT, self.Status.RETURNED)


class Nomination(models.Model):
    """One proposal in a dossier: a person or a collective for one award."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        FORWARDED = "forwarded", _("Forwarded")
        AGREED = "agreed", _("Appraisal agrees")
        DISAGREED = "disagreed", _("Appraisal disagrees")
        # The council's vote, for awards it votes on (awards.services_council).
        PASSED = "passed", _("Approved by the council")
        REJECTED = "rejected", _("Not approved by the council")
        AWARDED = "awarded", _("Awarded")
        NOT_AWARDED = "not_awarded", _("Not awarded")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="nominations",
                                verbose_name=_("dossier"))
    person = models.ForeignKey("clusters.Person", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="nominations", verbose_name=_("person"))
    organization = models.ForeignKey("clusters.Organization", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="nominations",
                                     verbose_name=_("collective"))
    award_type = models.ForeignKey(AwardType, on_delete=models.PROTECT,
                                   related_name="nominations", verbose_name=_("award"))
    achievement_summary = models.TextField(_("summary of achievements"), max_length=8000)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PROPOSED, db_index=True)
    position = models.PositiveIntegerField(_("order in the list"), default=0)
    # Forwarded by a provincial alliance: the cooperative's nomination it came from.
    source = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="forwards", verbose_name=_("forwarded from"))
    # The verdict frozen when the dossier was sent (rule set of the submission date).
    verdict = models.CharField(_("eligibility verdict"), max_length=16, blank=True)
    verdict_reasons = models.JSONField(_("reasons of the verdict"), default=list, blank=True)
    verdict_rule_set = models.ForeignKey("awards.RuleSet", on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+")
    appraisal_comment = models.TextField(_("appraisal comment"), max_length=4000, blank=True)
    appraised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("appraised by"))
    appraised_at = models.DateTimeField(_("appraised at"), null=True, blank=True)
    award_record = models.OneToOneField(AwardRecord, on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="nomination")
    history = audit_history()

    class Meta:
        ordering = ["dossier", "position", "id"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False, organization__isnull=True)
                           | Q(person__isnull=True, organization__isnull=False)),
                name="nomination_one_candidate",
                violation_error_message=_("A nomination is of one person or one collective.")),
            models.UniqueConstraint(
                fields=["dossier", "person", "award_type"], condition=Q(person__isnull=False),
                name="nomination_unique_person",
                violation_error_message=_(
                    "This person is already nominated for this award in the dossier.")),
            models.UniqueConstraint(
                fields=["dossier", "organization", "award_type"],
                condition=Q(organization__isnull=False), name="nomination_unique_collective",
                violation_error_message=_(
                    "This collective is already nominated for this award in the dossier.")),
        ]

    def __str__(self):
        return f"{self.award_type} – {self.candidate_name}"

    @property
    def candidate_name(self) -> str:
        return self.person.full_name if self.person_id else self.organization.name


class DossierEvent(models.Model):
    """Who moved a dossier or a nomination from which state to which, when and why."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("by"))
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16, blank=True)
    reason = models.TextField(_("reason"), max_length=4000, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")


def upload_path(instance, filename):
    """A random name under a private folder: the original name is kept in the row only."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"dossiers/{instance.dossier_id}/{uuid.uuid4().hex}{suffix}"


class DossierDocument(models.Model):
    """A file in a dossier: one the law requires of the dossier (tờ trình, biên bản, báo cáo
    thành tích…) or an attachment of one nomination."""

    class Kind(models.TextChoices):
        SUBMISSION = "submission", _("Submission")
        REVIEW_MINUTES = "review_minutes", _("Minutes of the emulation review")
        ACHIEVEMENT_REPORT = "achievement_report", _("Achievement report")
        INITIATIVE_CERTIFICATE = "initiative_certificate", _(
            "Certificate of the initiative or research work")
        OTHER = "other", _("Other document")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="documents")
    kind = models.CharField(_("kind of document"), max_length=24, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = audit_history()

    class Meta:
        ordering = ["kind", "uploaded_at", "id"]
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")

    def __str__(self):
        return self.original_name


class PublicNotice(models.Model):
    """The publication of nominees before the council meets (Decree 98/2023 Art. 46): the
    nominations stay off a meeting's agenda until the notice period has passed."""

    nominations = models.ManyToManyField(Nomination, related_name="public_notices",
                                         verbose_name=_("nominations"))
    channel = models.CharField(_("published on"), max_length=300)
    start_date = models.DateField(_("published from"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = audit_history(m2m_fields=[nominations])

    class Meta:
        ordering = ["-start_date", "id"]
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
