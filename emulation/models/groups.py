"""The year of an emulation cluster or bloc (clusters.EmulationGroup): the pledge its members
sign, the criteria table they are scored against, the mid-year and year-end scoring rounds
(self-scoring with evidence, then peer scoring or the leader's verification), the leading units
the leader proposes; and the groups organized outside the Alliance that it takes part in.

Scores are kept per criterion, per scorer and per piece of evidence, so that a ranking can be
audited down to each of them (issue 6)."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from accounts.audit import audit_history

POINTS = {"max_digits": 7, "decimal_places": 2}


def pledge_upload_path(instance, filename):
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"pledges/{instance.group_id}/{uuid.uuid4().hex}{suffix}"


def evidence_upload_path(instance, filename):
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"evidence/{instance.score.sheet.round_id}/{uuid.uuid4().hex}{suffix}"


def external_upload_path(instance, filename):
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"external-groups/{instance.group_id}/{uuid.uuid4().hex}{suffix}"


class Pledge(models.Model):
    """The emulation pledge (giao ước thi đua) of a group for a year: its targets, the signing
    day, the units that signed and the signed document."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        SIGNED = "signed", _("Signed")

    group = models.ForeignKey("clusters.EmulationGroup", on_delete=models.PROTECT,
                              related_name="pledges", verbose_name=_("cluster or bloc"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.DRAFT)
    # The day by which the group's members should have signed: the reminders' deadline.
    sign_by = models.DateField(_("to be signed by"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    signatories = models.ManyToManyField("clusters.Organization", blank=True,
                                         related_name="pledges_signed",
                                         verbose_name=_("units that signed"))
    document = models.FileField(_("signed document"), upload_to=pledge_upload_path,
                                max_length=200, blank=True)
    document_name = models.CharField(_("file name"), max_length=200, blank=True)
    note = models.TextField(_("note"), max_length=4000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    history = audit_history(m2m_fields=[signatories])

    class Meta:
        ordering = ["-year", "group__sort_key"]
        verbose_name = _("emulation pledge")
        verbose_name_plural = _("emulation pledges")
        constraints = [
            models.UniqueConstraint(fields=["group", "year"], name="pledge_unique_year",
                                    violation_error_message=_(
                                        "The group already has a pledge for that year.")),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("emulation:pledge_detail", args=[self.pk])


class PledgeTarget(models.Model):
    """One target of a pledge; it becomes a criterion of the group's criteria table."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveIntegerField(default=0)
    text = models.TextField(_("target"), max_length=2000)
    max_points = models.DecimalField(_("maximum points"), **POINTS, default=10,
                                     validators=[MinValueValidator(0)])
    history = audit_history()

    class Meta:
        ordering = ["pledge", "position", "id"]
        verbose_name = _("pledge target")
        verbose_name_plural = _("pledge targets")

    def __str__(self):
        return self.text[:80]


class CriteriaTable(models.Model):
    """The criteria table (bảng tiêu chí, thang điểm) of a group for a year, copied from the
    previous year and edited. Locked once a scoring round has opened on it."""

    group = models.ForeignKey("clusters.EmulationGroup", on_delete=models.PROTECT,
                              related_name="criteria_tables", verbose_name=_("cluster or bloc"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    copied_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("copied from"))
    locked = models.BooleanField(_("locked by a scoring round"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    history = audit_history()

    class Meta:
        ordering = ["-year", "group__sort_key"]
        verbose_name = _("criteria table")
        verbose_name_plural = _("criteria tables")
        constraints = [
            models.UniqueConstraint(fields=["group", "year"], name="criteria_table_unique_year",
                                    violation_error_message=_(
                                        "The group already has a criteria table for that "
                                        "year.")),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("emulation:criteria_table_detail", args=[self.pk])


class CriteriaSection(models.Model):
    table = models.ForeignKey(CriteriaTable, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(_("number"), max_length=10, blank=True)
    title = models.CharField(_("section"), max_length=500)
    history = audit_history()

    class Meta:
        ordering = ["table", "position", "id"]
        verbose_name = _("criteria section")
        verbose_name_plural = _("criteria sections")

    def __str__(self):
        return f"{self.code} {self.title}".strip()


class Criterion(models.Model):
    """One criterion with its maximum points; a bonus item adds up to its maximum, a penalty
    item takes away up to its maximum."""

    class Kind(models.TextChoices):
        STANDARD = "standard", _("Criterion")
        BONUS = "bonus", _("Bonus item")
        PENALTY = "penalty", _("Penalty item")

    section = models.ForeignKey(CriteriaSection, on_delete=models.CASCADE,
                                related_name="criteria")
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(_("number"), max_length=10, blank=True)
    text = models.TextField(_("criterion"), max_length=2000)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices,
                            default=Kind.STANDARD)
    max_points = models.DecimalField(_("maximum points"), **POINTS,
                                     validators=[MinValueValidator(0)])
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    pledge_target = models.ForeignKey(PledgeTarget, on_delete=models.SET_NULL, null=True,
                                      blank=True, related_name="criteria",
                                      verbose_name=_("from the pledge target"))
    history = audit_history()

    class Meta:
        ordering = ["section", "position", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(condition=Q(max_points__gte=0),
                                   name="criterion_max_points_not_negative"),
        ]

    def __str__(self):
        return f"{self.code} {self.text[:80]}".strip()


class ScoringRound(models.Model):
    """A mid-year (sơ kết) or year-end (tổng kết) scoring of a group against its criteria
    table: members score themselves, then score each other (or the leader verifies), then the
    final score follows the group's formula and ranks the members."""

    class Half(models.TextChoices):
        MID_YEAR = "mid_year", _("Mid-year review")
        YEAR_END = "year_end", _("Year-end review")

    class PeerMode(models.TextChoices):
        PEERS = "peers", _("Each member scores the others")
        LEADER = "leader", _("The leader unit verifies")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        SELF = "self", _("Self-scoring")
        PEER = "peer", _("Peer scoring")
        CLOSED = "closed", _("Closed")

    class Conference(models.TextChoices):
        """How the group's review conference (hội nghị sơ kết / tổng kết) that agreed the
        results was held: the summary report counts them (issue 7 §3)."""
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        NOT_HELD = "not_held", _("No conference held")

    group = models.ForeignKey("clusters.EmulationGroup", on_delete=models.PROTECT,
                              related_name="scoring_rounds", verbose_name=_("cluster or bloc"))
    year = models.PositiveSmallIntegerField(_("year"))
    half = models.CharField(_("round"), max_length=8, choices=Half.choices)
    table = models.ForeignKey(CriteriaTable, on_delete=models.PROTECT, related_name="rounds",
                              verbose_name=_("criteria table"))
    peer_mode = models.CharField(_("second step"), max_length=8, choices=PeerMode.choices,
                                 default=PeerMode.PEERS)
    # The final score = self × self_weight % + (peer average or verified) × (100 − self_weight) %.
    self_weight = models.PositiveSmallIntegerField(
        _("weight of the self score (%)"), default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("0: the final score is the peers' average or the leader's verified score."))
    self_deadline = models.DateField(_("self-scoring deadline"), null=True, blank=True)
    peer_deadline = models.DateField(_("peer-scoring deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    conference = models.CharField(_("review conference"), max_length=10,
                                  choices=Conference.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    history = audit_history()

    class Meta:
        ordering = ["-year", "group__sort_key", "half"]
        verbose_name = _("scoring round")
        verbose_name_plural = _("scoring rounds")
        constraints = [
            models.UniqueConstraint(fields=["group", "year", "half"],
                                    name="scoring_round_unique",
                                    violation_error_message=_(
                                        "The group already has this round for that year.")),
            models.CheckConstraint(condition=Q(self_weight__lte=100),
                                   name="scoring_round_weight_at_most_100"),
        ]

    def __str__(self):
        return f"{self.group} – {self.get_half_display()} {self.year}"

    def get_absolute_url(self):
        return reverse("emulation:round_detail", args=[self.pk])


class ScoreSheet(models.Model):
    """One scorer's sheet for one scored unit in a round: the unit's own (self), another
    member's (peer) or the leader's verification."""

    class Kind(models.TextChoices):
        SELF = "self", _("Self-scoring")
        PEER = "peer", _("Peer scoring")
        VERIFY = "verify", _("Verification by the leader")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        SUBMITTED = "submitted", _("Sent")

    round = models.ForeignKey(ScoringRound, on_delete=models.CASCADE, related_name="sheets")
    scored = models.ForeignKey("clusters.Organization", on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("unit scored"))
    scorer = models.ForeignKey("clusters.Organization", on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("scoring unit"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    total = models.DecimalField(_("total"), **POINTS, null=True, blank=True)
    submitted_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    history = audit_history()

    class Meta:
        ordering = ["round", "scored", "kind", "scorer"]
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [
            models.UniqueConstraint(fields=["round", "scored", "scorer", "kind"],
                                    name="score_sheet_unique"),
            models.CheckConstraint(
                condition=(Q(kind="self", scored=models.F("scorer"))
                           | (~Q(kind="self") & ~Q(scored=models.F("scorer")))),
                name="score_sheet_self_is_own",
                violation_error_message=_("A unit scores itself only in self-scoring.")),
        ]


class Score(models.Model):
    """The points one sheet gives one criterion."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    points = models.DecimalField(_("points"), **POINTS, validators=[MinValueValidator(0)])
    comment = models.TextField(_("explanation"), max_length=2000, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["sheet", "criterion__section__position", "criterion__position"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="score_unique"),
            models.CheckConstraint(condition=Q(points__gte=0), name="score_not_negative"),
        ]


class ScoreEvidence(models.Model):
    """A file backing a self-score line (a report, a photo, a decision…)."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = audit_history()

    class Meta:
        ordering = ["score", "uploaded_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.original_name


class RoundProposal(models.Model):
    """A leading unit the leader proposes from a closed year-end round, for the Alliance's
    Emulation Flag or a certificate; `nomination` is the nomination it created."""

    round = models.ForeignKey(ScoringRound, on_delete=models.PROTECT, related_name="proposals")
    organization = models.ForeignKey("clusters.Organization", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("unit"))
    award_type = models.ForeignKey("awards.AwardType", on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("award proposed"))
    rank = models.PositiveSmallIntegerField(_("rank"))
    final_score = models.DecimalField(_("final score"), **POINTS)
    nomination = models.OneToOneField("awards.Nomination", on_delete=models.SET_NULL,
                                      null=True, blank=True, related_name="round_proposal")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    history = audit_history()

    class Meta:
        ordering = ["round", "award_type", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organization", "award_type"],
                                    name="round_proposal_unique"),
        ]


class ExternalGroup(models.Model):
    """An emulation cluster or bloc organized outside the Alliance in which the Alliance takes
    part (in 2021: the Central Council's bloc of general ministries and sectors; the Fatherland
    Front's economic cluster)."""

    class Kind(models.TextChoices):
        CLUSTER = "cluster", _("Emulation cluster")
        BLOC = "bloc", _("Emulation bloc")

    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    organized_by = models.CharField(_("organized by"), max_length=300)
    organization = models.ForeignKey("clusters.Organization", on_delete=models.PROTECT,
                                     related_name="external_groups",
                                     verbose_name=_("taking part"))
    history = audit_history()

    class Meta:
        ordering = ["name"]
        verbose_name = _("group outside the Alliance")
        verbose_name_plural = _("groups outside the Alliance")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("emulation:external_group_detail", args=[self.pk])


class ExternalGroupYear(models.Model):
    """The Alliance's year in an outside group: its role, the pledge it signed and what it
    did there, for the reports."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        DEPUTY = "deputy", _("Deputy")
        MEMBER = "member", _("Member unit")

    group = models.ForeignKey(ExternalGroup, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    pledge_signed_on = models.DateField(_("pledge signed on"), null=True, blank=True)
    pledge_document = models.FileField(_("signed pledge"), upload_to=external_upload_path,
                                       max_length=200, blank=True)
    pledge_document_name = models.CharField(_("file name"), max_length=200, blank=True)
    activities = models.TextField(_("activities held"), max_length=8000, blank=True)
    result = models.CharField(_("result of the year"), max_length=500, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["group", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["group", "year"], name="external_group_year_unique",
                                    violation_error_message=_(
                                        "That year is already recorded for this group.")),
        ]
