"""The Emulation and Commendation Council (Hội đồng Thi đua - Khen thưởng): its terms and members,
its meetings with their agenda, attendance and recusals, and the votes.

Secret ballots (quality-targets S7): whether a member has voted is a BallotParticipation row;
what was voted is a Ballot row with a random UUID key, no user and no date-time, written in the
same transaction. Nothing in the application joins the two, neither model is in the audit
history, and the only thing a member keeps is a receipt code whose hash is on the ballot."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from accounts.audit import audit_history

from .catalogue import RuleSet
from .dossiers import Nomination


class Choice(models.TextChoices):
    AGREE = "agree", _("Agree")
    DISAGREE = "disagree", _("Disagree")
    ABSTAIN = "abstain", _("Abstain")


class Council(models.Model):
    """The council of an organization: the Alliance's central council, or a provincial
    alliance's own."""

    organization = models.ForeignKey("clusters.Organization", on_delete=models.PROTECT,
                                     related_name="councils", verbose_name=_("organization"))
    name = models.CharField(_("name"), max_length=300)
    is_active = models.BooleanField(_("in operation"), default=True)
    history = audit_history()

    class Meta:
        ordering = ["organization__sort_key", "name"]
        verbose_name = _("council")
        verbose_name_plural = _("councils")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("awards:council_detail", args=[self.pk])


class CouncilTerm(models.Model):
    """A term of the council (nhiệm kỳ), set up or reorganised by a decision of the head."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="terms",
                                verbose_name=_("council"))
    name = models.CharField(_("term"), max_length=200)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True,
                                help_text=_("Leave it blank while the term lasts."))
    basis = models.CharField(_("decision establishing the council"), max_length=300, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["council", "-start_date"]
        verbose_name = _("council term")
        verbose_name_plural = _("council terms")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="council_term_in_order",
                violation_error_message=_("The end date must not be before the start date.")),
        ]

    def __str__(self):
        return self.name

    def covers(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class CouncilMember(models.Model):
    """A seat in a term: a user, the unit they come from (their recusals follow it), their
    position and the days they hold it."""

    class Position(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice chair")
        STANDING = "standing", _("Standing member")
        MEMBER = "member", _("Ordinary member")
        SECRETARY = "secretary", _("Secretary")

    term = models.ForeignKey(CouncilTerm, on_delete=models.CASCADE, related_name="members",
                             verbose_name=_("term"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="council_seats", verbose_name=_("account"))
    full_name = models.CharField(_("full name"), max_length=200)
    job_title = models.CharField(_("job title"), max_length=300, blank=True)
    organization = models.ForeignKey("clusters.Organization", on_delete=models.PROTECT,
                                     related_name="council_seats", verbose_name=_("unit"))
    position = models.CharField(_("position in the council"), max_length=12,
                                choices=Position.choices, default=Position.MEMBER)
    # A secretary who is not a member keeps the minutes and does not vote.
    votes = models.BooleanField(_("votes"), default=True)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = audit_history()

    class Meta:
        ordering = ["term", "sort_order", "id"]
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="council_member_in_order",
                violation_error_message=_("The end date must not be before the start date.")),
            models.UniqueConstraint(fields=["term", "user", "valid_from"],
                                    name="council_member_unique_seat",
                                    violation_error_message=_(
                                        "This person already has a seat from that day.")),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.get_position_display()})"

    def serves_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class CouncilMeeting(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("In preparation")
        OPEN = "open", _("Voting open")
        CLOSED = "closed", _("Voting closed")

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="meetings",
                                verbose_name=_("council"))
    term = models.ForeignKey(CouncilTerm, on_delete=models.PROTECT, related_name="meetings",
                             verbose_name=_("term"))
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("meeting date"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    chair = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("presiding"))
    secretary = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="+",
                                  null=True, blank=True, verbose_name=_("secretary"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    # Frozen when voting opens: the rule set of the meeting date and the quorum it gave.
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("rule set"))
    voting_members = models.PositiveSmallIntegerField(_("members entitled to vote"), null=True,
                                                      blank=True)
    present_members = models.PositiveSmallIntegerField(_("members present"), null=True,
                                                       blank=True)
    quorum = models.PositiveSmallIntegerField(_("quorum"), null=True, blank=True)
    opened_at = models.DateTimeField(_("voting opened at"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+", verbose_name=_("opened by"))
    closed_at = models.DateTimeField(_("voting closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+", verbose_name=_("closed by"))
    conclusion = models.TextField(_("conclusions of the meeting"), max_length=8000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("prepared by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = audit_history()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("council meeting")
        verbose_name_plural = _("council meetings")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("awards:meeting_detail", args=[self.pk])


class MeetingEvent(models.Model):
    """Who opened, closed or changed a meeting, when, and why (architecture §7)."""

    meeting = models.ForeignKey(CouncilMeeting, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("by"))
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=8, blank=True)
    to_status = models.CharField(_("to"), max_length=8, blank=True)
    detail = models.TextField(_("detail"), max_length=4000, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class AgendaItem(models.Model):
    """One nomination put to the vote, with the ballot mode and threshold of its award in the
    rule set of the meeting date; after the close, its counts and result."""

    class Mode(models.TextChoices):
        SECRET = "secret", _("Secret ballot")
        OPEN = "open", _("Open vote")

    class Denominator(models.TextChoices):
        TOTAL = "total_members", _("All members of the council")
        PRESENT = "present_members", _("Members present")
        ENTITLED = "entitled_members", _("Members entitled to vote on the item")

    meeting = models.ForeignKey(CouncilMeeting, on_delete=models.CASCADE,
                                related_name="items", verbose_name=_("meeting"))
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT,
                                   related_name="agenda_items", verbose_name=_("nomination"))
    position = models.PositiveIntegerField(_("order"), default=0)
    mode = models.CharField(_("ballot"), max_length=6, choices=Mode.choices)
    threshold = models.DecimalField(_("share of votes needed (%)"), max_digits=7,
                                    decimal_places=4)
    # True: the share must be exceeded (majority); False: reached (≥, the 90 % rule).
    strict = models.BooleanField(_("must exceed the share"), default=False)
    denominator = models.CharField(_("denominator"), max_length=16, choices=Denominator.choices)
    written_count = models.BooleanField(_("written opinions count"), default=True)
    # The tally, written once when voting closes.
    agree = models.PositiveSmallIntegerField(null=True, blank=True)
    disagree = models.PositiveSmallIntegerField(null=True, blank=True)
    abstain = models.PositiveSmallIntegerField(null=True, blank=True)
    entitled = models.PositiveSmallIntegerField(null=True, blank=True)
    base = models.PositiveSmallIntegerField(_("denominator value"), null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "position", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "nomination"],
                                    name="agenda_item_unique_nomination",
                                    violation_error_message=_(
                                        "The nomination is already on the agenda.")),
        ]

    def __str__(self):
        return str(self.nomination)


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        WRITTEN = "written", _("Absent, with a written opinion")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(CouncilMeeting, on_delete=models.CASCADE,
                                related_name="attendance")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("attendance"), max_length=8, choices=Status.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    history = audit_history()

    class Meta:
        ordering = ["member__sort_order", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique"),
        ]


class Recusal(models.Model):
    """A member who does not vote on an item: automatically when their own unit nominated it,
    or declared by the member. Public to the council and printed in the minutes."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="recusals")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="+")
    automatic = models.BooleanField(default=True)
    reason = models.CharField(_("reason"), max_length=500)

    class Meta:
        ordering = ["item", "member"]
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="recusal_unique"),
        ]


class BallotParticipation(models.Model):
    """That a member has voted in a meeting, and nothing about how. Unique per meeting and
    member: the database itself refuses a second ballot."""

    meeting = models.ForeignKey(CouncilMeeting, on_delete=models.CASCADE,
                                related_name="participations")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="+")
    # True when the secretary entered an absent member's written opinion.
    written = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"],
                                    name="ballot_participation_unique"),
        ]


def _random_uuid():
    return uuid.uuid4()


class Ballot(models.Model):
    """What one member voted on the secret items of a meeting: {item id: choice}. A random key,
    no user, no date-time, no order but the key's (quality-targets S7). `receipt_hash` is the
    SHA-256 of the code only the voter was shown."""

    id = models.UUIDField(primary_key=True, default=_random_uuid, editable=False)
    meeting = models.ForeignKey(CouncilMeeting, on_delete=models.CASCADE, related_name="ballots")
    choices = models.JSONField(default=dict)
    written = models.BooleanField(default=False)
    receipt_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]


class OpenVote(models.Model):
    """A named vote on an item decided by open vote."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="open_votes")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=8, choices=Choice.choices)
    written = models.BooleanField(default=False)

    class Meta:
        ordering = ["item", "member"]
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="open_vote_unique"),
        ]


class BallotDraft(models.Model):
    """A member's unsent choices on the open items, kept on the server. Secret choices are
    never sent before the ballot: their draft stays in the member's browser."""

    meeting = models.ForeignKey(CouncilMeeting, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(CouncilMember, on_delete=models.CASCADE, related_name="+")
    choices = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="ballot_draft_unique"),
        ]
