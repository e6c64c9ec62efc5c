"""Facts the eligibility rules need that the award registry does not hold: the annual
assessment (đánh giá, xếp loại) of a person or a collective, recognised initiatives (sáng kiến)
and discipline (kỷ luật). They are recorded per person (or collective) and year, entered in the
application or imported from a spreadsheet.

An `AnnualAssessment` row is the unit's statement about a year: the rating, and that the year's
initiatives and discipline are recorded. Without it the rules answer "needs review" and name the
missing year; they never take a missing fact as a pass."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from accounts.audit import audit_history

from clusters.text import clean_text

MIN_YEAR, MAX_YEAR = 1945, 2100


class Rating(models.TextChoices):
    """The annual rating of task completion (xếp loại mức độ hoàn thành nhiệm vụ), best first."""

    EXCELLENT = "excellent", _("Completed tasks excellently")
    GOOD = "good", _("Completed tasks well")
    COMPLETED = "completed", _("Completed tasks")
    NOT_COMPLETED = "not_completed", _("Did not complete tasks")


# Higher is better; rules compare ratings through this order, never by their text.
RATING_ORDER = {Rating.EXCELLENT: 4, Rating.GOOD: 3, Rating.COMPLETED: 2, Rating.NOT_COMPLETED: 1}


def rating_at_least(rating: str | None, floor: str) -> bool:
    return rating is not None and RATING_ORDER[rating] >= RATING_ORDER[floor]


class AnnualAssessment(models.Model):
    """The year's assessment of one person or one collective (an organization)."""

    person = models.ForeignKey("clusters.Person", verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="assessments")
    organization = models.ForeignKey(
        "clusters.Organization", verbose_name=_("collective"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="assessments")
    year = models.PositiveSmallIntegerField(_("year"))
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices)
    # Individuals: the exclusions of Lao động tiên tiến (time at work, absence).
    months_worked = models.PositiveSmallIntegerField(
        _("months worked in the year"), null=True, blank=True,
        help_text=_("Statutory maternity leave counts as time worked."))
    absence_days = models.PositiveSmallIntegerField(_("working days absent"), null=True, blank=True)
    # Collectives: headcount and how many members completed their tasks.
    member_count = models.PositiveIntegerField(_("number of members"), null=True, blank=True)
    members_completed = models.PositiveIntegerField(
        _("members who completed their tasks"), null=True, blank=True)
    group_rank = models.PositiveSmallIntegerField(
        _("rank in the emulation cluster or bloc"), null=True, blank=True,
        help_text=_("1 for the leading unit, from the cluster's or bloc's year-end evaluation."))
    note = models.TextField(_("note"), max_length=2000, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("annual assessment")
        verbose_name_plural = _("annual assessments")
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False, organization__isnull=True)
                           | Q(person__isnull=True, organization__isnull=False)),
                name="assessment_one_subject",
                violation_error_message=_("An assessment is of one person or one collective.")),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR), name="assessment_year_range",
                violation_error_message=_("The year is out of range.")),
            models.CheckConstraint(
                condition=Q(months_worked__isnull=True) | Q(months_worked__lte=12),
                name="assessment_months_at_most_12",
                violation_error_message=_("A year has at most 12 months.")),
            models.CheckConstraint(
                condition=(Q(members_completed__isnull=True) | Q(member_count__isnull=True)
                           | Q(members_completed__lte=models.F("member_count"))),
                name="assessment_completed_within_members",
                violation_error_message=_(
                    "The members who completed their tasks cannot outnumber the members.")),
            models.UniqueConstraint(fields=["person", "year"], condition=Q(person__isnull=False),
                                    name="assessment_unique_person_year",
                                    violation_error_message=_(
                                        "This person already has an assessment for this year.")),
            models.UniqueConstraint(fields=["organization", "year"],
                                    condition=Q(organization__isnull=False),
                                    name="assessment_unique_organization_year",
                                    violation_error_message=_(
                                        "This collective already has an assessment for this year.")),
        ]

    def __str__(self):
        return f"{self.subject} – {self.year}: {self.get_rating_display()}"

    @property
    def subject(self):
        return self.person if self.person_id else self.organization

    def refresh_derived_fields(self):
        self.note = clean_text(self.note)


class Initiative(models.Model):
    """An initiative or accepted research work recognised by a competent body (Law Art. 3.4).
    Its scope decides which titles it supports: grassroots for Chiến sĩ thi đua cơ sở, the
    sector for Chiến sĩ thi đua ngành, the whole country for Chiến sĩ thi đua toàn quốc."""

    class Scope(models.TextChoices):
        GRASSROOTS = "grassroots", _("Grassroots")
        SECTOR = "sector", _("Whole sector")
        NATIONAL = "national", _("Nationwide")

    class Kind(models.TextChoices):
        INITIATIVE = "initiative", _("Initiative")
        RESEARCH = "research", _("Accepted research work")

    person = models.ForeignKey("clusters.Person", verbose_name=_("person"),
                               on_delete=models.CASCADE, related_name="initiatives")
    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices,
                            default=Kind.INITIATIVE)
    year = models.PositiveSmallIntegerField(_("year recognised"))
    scope = models.CharField(_("scope of effect"), max_length=12, choices=Scope.choices,
                             default=Scope.GRASSROOTS)
    recognised_by = models.CharField(_("recognised by"), max_length=255, blank=True)
    decision_number = models.CharField(_("recognition decision number"), max_length=60,
                                       blank=True)
    decision_date = models.DateField(_("recognition decision date"), null=True, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["-year", "title", "id"]
        verbose_name = _("recognised initiative")
        verbose_name_plural = _("recognised initiatives")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR), name="initiative_year_range",
                violation_error_message=_("The year is out of range.")),
        ]
        indexes = [models.Index(fields=["person", "year"], name="initiative_person_year_idx")]

    def __str__(self):
        return self.title

    def refresh_derived_fields(self):
        self.title = clean_text(self.title)
        self.recognised_by = clean_text(self.recognised_by)
        self.decision_number = clean_text(self.decision_number)


# A wider scope also satisfies a rule asking for a narrower one.
SCOPE_ORDER = {Initiative.Scope.GRASSROOTS: 1, Initiative.Scope.SECTOR: 2,
               Initiative.Scope.NATIONAL: 3}


class DisciplineRecord(models.Model):
    """A disciplinary measure, or an open case (being considered for discipline, investigated,
    inspected, or a complaint being verified). Under the principle of Decree 98/2023 Art. 4 an
    open case blocks any award, and achievements count again only from the end of a measure."""

    class Level(models.IntegerChoices):
        REPRIMAND = 1, _("Reprimand")
        WARNING = 2, _("Warning")
        DEMOTION = 3, _("Demotion or removal from post")
        DISMISSAL = 4, _("Dismissal")

    person = models.ForeignKey("clusters.Person", verbose_name=_("person"),
                               on_delete=models.CASCADE, related_name="discipline_records")
    # Where the person worked: a collective's title looks at its members' discipline.
    organization = models.ForeignKey("clusters.Organization",
                                     verbose_name=_("organization at the time"),
                                     on_delete=models.PROTECT, related_name="+")
    pending = models.BooleanField(
        _("case under consideration"), default=False,
        help_text=_("Tick while the person is being considered for discipline, investigated, "
                    "inspected, or while a complaint is being verified."))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, null=True,
                                             blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    effective_from = models.DateField(_("from"))
    effective_to = models.DateField(_("until"), null=True, blank=True,
                                    help_text=_("The end of the measure, or the day the case "
                                                "was closed."))
    note = models.TextField(_("note"), max_length=2000, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["-effective_from", "id"]
        verbose_name = _("discipline record")
        verbose_name_plural = _("discipline records")
        constraints = [
            models.CheckConstraint(
                condition=Q(pending=True) | Q(level__isnull=False),
                name="discipline_decided_has_level",
                violation_error_message=_("A decided measure needs its level.")),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="discipline_period_in_order",
                violation_error_message=_("The end date must not be before the start date.")),
        ]
        indexes = [models.Index(fields=["organization", "effective_from"],
                                name="discipline_org_idx")]

    def __str__(self):
        if self.pending:
            return str(_("Case under consideration"))
        return self.get_level_display()

    def refresh_derived_fields(self):
        self.decision_number = clean_text(self.decision_number)
        self.note = clean_text(self.note)

    def in_effect_during(self, year: int) -> bool:
        """Whether the measure (or the open case) touched any day of `year`."""
        if self.effective_from.year > year:
            return False
        return self.effective_to is None or self.effective_to.year >= year
