"""The registry of conferred awards (sổ khen thưởng)."""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from accounts.audit import audit_history

from clusters.text import clean_text, fold

from .catalogue import AwardType


class AwardRecordQuerySet(models.QuerySet):
    def counting(self):
        """Records that still count: a revoked award is history, not a title held."""
        return self.filter(revoked=False)


class AwardRecord(models.Model):
    """One conferred award in the registry (sổ khen thưởng). The recipient is a person, an
    organization, or a named collective inside an organization (`collective_name` set, the
    organization holding it). `organization_at_award` is where the recipient belonged when the
    award was decided: people move, and reports count by this."""

    class Kind(models.TextChoices):
        MERIT = "merit", _("For achievements")
        THEMATIC = "thematic", _("Thematic")
        EXTRAORDINARY = "extraordinary", _("Extraordinary")
        CONTRIBUTION = "contribution", _("For contributions")

    person = models.ForeignKey("clusters.Person", verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="award_records")
    organization = models.ForeignKey(
        "clusters.Organization", verbose_name=_("organization"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="award_records",
        help_text=_("The organization awarded, or the one the named collective belongs to."))
    collective_name = models.CharField(_("collective name"), max_length=255, blank=True)
    collective_search = models.CharField(max_length=255, editable=False, blank=True)
    organization_at_award = models.ForeignKey(
        "clusters.Organization", verbose_name=_("organization at the time of the award"),
        on_delete=models.PROTECT, related_name="+")
    award_type = models.ForeignKey(AwardType, verbose_name=_("award"), on_delete=models.PROTECT,
                                   related_name="records")
    kind = models.CharField(_("kind of commendation"), max_length=16, choices=Kind.choices,
                            default=Kind.MERIT)
    achievement_year = models.PositiveSmallIntegerField(_("achievement year"))
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    issuing_level = models.CharField(_("issued by"), max_length=200, blank=True)
    granting_level = models.CharField(_("granting level"), max_length=20, blank=True, null=True,
                                      choices=AwardType.GrantingLevel.choices)
    revoked = models.BooleanField(_("revoked"), default=False)
    revocation_decision_number = models.CharField(_("revocation decision number"), max_length=60,
                                                  blank=True)
    revocation_date = models.DateField(_("revocation date"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), max_length=2000, blank=True)
    history = audit_history()

    objects = AwardRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-achievement_year", "-decision_date", "id"]
        verbose_name = _("award record")
        verbose_name_plural = _("award records")
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False, organization__isnull=True, collective_name="")
                           | Q(person__isnull=True, organization__isnull=False)),
                name="award_record_one_recipient",
                violation_error_message=_(
                    "The recipient must be exactly one of: a person, an organization, or a "
                    "named collective inside an organization."),
            ),
            models.CheckConstraint(
                condition=Q(revoked=False) | Q(revocation_date__isnull=False),
                name="award_record_revocation_dated",
                violation_error_message=_("A revoked award needs the revocation date."),
            ),
            # NULLs never clash in a unique index, so each kind of recipient has its own.
            models.UniqueConstraint(
                fields=["decision_number", "award_type", "person"],
                condition=Q(person__isnull=False), name="award_record_unique_person",
                violation_error_message=_(
                    "This decision already awards this award to this person.")),
            models.UniqueConstraint(
                fields=["decision_number", "award_type", "organization"],
                condition=Q(person__isnull=True, collective_name=""),
                name="award_record_unique_organization",
                violation_error_message=_(
                    "This decision already awards this award to this organization.")),
            models.UniqueConstraint(
                fields=["decision_number", "award_type", "organization", "collective_search"],
                condition=Q(person__isnull=True) & ~Q(collective_name=""),
                name="award_record_unique_collective",
                violation_error_message=_(
                    "This decision already awards this award to this collective.")),
        ]
        indexes = [
            models.Index(fields=["person", "award_type", "achievement_year"],
                         name="award_record_person_idx"),
            models.Index(fields=["organization", "award_type", "achievement_year"],
                         name="award_record_org_idx"),
            models.Index(fields=["organization_at_award", "achievement_year"],
                         name="award_record_org_at_idx"),
            models.Index(fields=["decision_number"], name="award_record_decision_idx"),
        ]

    def __str__(self):
        return f"{self.award_type} – {self.recipient_name} ({self.achievement_year})"

    @property
    def recipient_name(self) -> str:
        if self.person_id:
            return self.person.full_name
        if self.collective_name:
            return self.collective_name
        return self.organization.name if self.organization_id else ""

    @property
    def organization_name_then(self) -> str:
        """The name the organization at award carried on the decision's day (Thừa Thiên Huế's
        alliance in 2024, Huế's from 2025). Prefetch `organization_at_award__names`."""
        from clusters.services import organization_name_on

        day = self.decision_date or date(self.achievement_year, 12, 31)
        return organization_name_on(self.organization_at_award, day)

    @property
    def is_individual(self) -> bool:
        return self.person_id is not None

    def refresh_derived_fields(self):
        self.collective_name = clean_text(self.collective_name)
        self.collective_search = fold(self.collective_name)
        self.decision_number = clean_text(self.decision_number)
        self.issuing_level = clean_text(self.issuing_level)
