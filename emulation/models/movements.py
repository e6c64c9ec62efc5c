"""The emulation year: the legal documents everything cites, the movements (phong trào thi đua)
with their validity periods, and each unit's yearly registration (đăng ký thi đua)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from accounts.audit import audit_history


class LegalDocument(models.Model):
    """A legal or guidance document (văn bản): a law, a decree, a circular, a directive, a
    plan of the Alliance… with the days it is in force and the document that replaced it."""

    class Type(models.TextChoices):
        LAW = "law", _("Law")
        RESOLUTION = "resolution", _("Resolution")
        DECREE = "decree", _("Decree")
        CIRCULAR = "circular", _("Circular")
        DECISION = "decision", _("Decision")
        DIRECTIVE = "directive", _("Directive")
        CONCLUSION = "conclusion", _("Conclusion")
        PLAN = "plan", _("Plan")
        GUIDANCE = "guidance", _("Guidance")
        REGULATION = "regulation", _("Regulation")
        OTHER = "other", _("Other document")

    number = models.CharField(_("number and symbol"), max_length=60, unique=True,
                              help_text=_("For example 06/2022/QH15."))
    doc_type = models.CharField(_("type of document"), max_length=12, choices=Type.choices)
    issuer = models.CharField(_("issuing body"), max_length=200)
    issued_on = models.DateField(_("date of issue"))
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True,
                                    help_text=_("Leave it blank while the document is in "
                                                "force."))
    title = models.TextField(_("title (excerpt)"), max_length=1000)
    replaced_by = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="replaces", verbose_name=_("replaced by"))
    verified = models.BooleanField(_("dates verified against the text"), default=False)
    source = models.CharField(_("source"), max_length=500, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="legal_document_in_force_in_order",
                violation_error_message=_("The end date must not be before the start date.")),
            models.CheckConstraint(
                condition=~Q(replaced_by=models.F("pk")), name="legal_document_not_self_replaced",
                violation_error_message=_("A document cannot replace itself.")),
        ]

    def __str__(self):
        return f"{self.get_doc_type_display()} {self.number}"

    def get_absolute_url(self):
        return reverse("emulation:document_detail", args=[self.pk])

    def in_force_on(self, day: datetime.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None
                                               or day <= self.effective_to)


class Movement(models.Model):
    """An emulation movement with its validity period. Its status is derived from the dates:
    nothing has to remember to expire it."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("National (launched by the Prime Minister)")
        ALLIANCE = "alliance", _("The Alliance")
        PROVINCIAL = "provincial", _("A provincial alliance")
        UNIT = "unit", _("A unit")

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular")
        THEMATIC = "thematic", _("Thematic")
        CAMPAIGN = "campaign", _("Short campaign")

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        ACTIVE = "active", _("Under way")
        EXPIRED = "expired", _("Expired")

    name = models.CharField(_("name of the movement"), max_length=500)
    level = models.CharField(_("level of the movement"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices,
                            default=Kind.REGULAR)
    theme = models.TextField(_("theme"), max_length=1000, blank=True)
    motto = models.CharField(_("motto"), max_length=300, blank=True)
    organization = models.ForeignKey(
        "clusters.Organization", on_delete=models.PROTECT, null=True, blank=True,
        related_name="movements", verbose_name=_("launched by"),
        help_text=_("Empty for a movement launched outside the Alliance's system."))
    launched_by_name = models.CharField(_("launched by (outside the system)"), max_length=200,
                                        blank=True)
    document = models.ForeignKey(LegalDocument, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="movements",
                                 verbose_name=_("launching document"))
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True,
                                help_text=_("Leave it blank for a movement without an end."))
    participants = models.ManyToManyField("clusters.Organization", blank=True,
                                          related_name="movements_joined",
                                          verbose_name=_("participating organizations"))
    description = models.TextField(_("description"), max_length=4000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    history = audit_history(m2m_fields=[participants])

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("emulation movement")
        verbose_name_plural = _("emulation movements")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="movement_period_in_order",
                violation_error_message=_("The end date must not be before the start date.")),
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | ~Q(launched_by_name=""),
                name="movement_has_launcher",
                violation_error_message=_("Say who launched the movement.")),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("emulation:movement_detail", args=[self.pk])

    def status_on(self, day: datetime.date | None = None) -> str:
        day = day or timezone.localdate()
        if day < self.start_date:
            return self.Status.UPCOMING
        if self.end_date is not None and day > self.end_date:
            return self.Status.EXPIRED
        return self.Status.ACTIVE

    @property
    def status(self) -> str:
        return self.status_on()

    @property
    def launcher(self) -> str:
        return self.organization.name if self.organization_id else self.launched_by_name


class RegistrationCall(models.Model):
    """An organizer's call for the year's registrations, with its deadline: the Alliance for
    its departments, units and provincial alliances; a provincial alliance for its members."""

    organizer = models.ForeignKey("clusters.Organization", on_delete=models.PROTECT,
                                  related_name="registration_calls",
                                  verbose_name=_("organizer"))
    year = models.PositiveSmallIntegerField(_("year"))
    deadline = models.DateField(_("registration deadline"))
    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="registration_calls",
                                 verbose_name=_("movement"))
    note = models.TextField(_("guidance"), max_length=2000, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["-year", "organizer__sort_key"]
        verbose_name = _("registration call")
        verbose_name_plural = _("registration calls")
        constraints = [
            models.UniqueConstraint(fields=["organizer", "year"],
                                    name="registration_call_unique_year",
                                    violation_error_message=_(
                                        "The organizer already has a call for that year.")),
        ]

    def __str__(self):
        return f"{self.organizer} – {self.year}"


class Registration(models.Model):
    """A unit's registration for a year: the collective titles it aims for and its individuals
    with their titles (the entries). Sent once; corrections after sending are a new round of
    the same registration, recorded in its history."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        SUBMITTED = "submitted", _("Sent")

    call = models.ForeignKey(RegistrationCall, on_delete=models.PROTECT,
                             related_name="registrations", verbose_name=_("call"))
    organization = models.ForeignKey("clusters.Organization", on_delete=models.PROTECT,
                                     related_name="registrations", verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("sent by"))
    late = models.BooleanField(_("sent after the deadline"), default=False)
    movements = models.ManyToManyField(Movement, blank=True, related_name="registrations",
                                       verbose_name=_("movements the unit takes part in"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    history = audit_history(m2m_fields=[movements])

    class Meta:
        ordering = ["-year", "organization__sort_key"]
        verbose_name = _("emulation registration")
        verbose_name_plural = _("emulation registrations")
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"],
                                    name="registration_unique_year",
                                    violation_error_message=_(
                                        "The unit already has a registration for that year.")),
        ]

    def __str__(self):
        return f"{self.organization} – {self.year}"

    def get_absolute_url(self):
        return reverse("emulation:registration_detail", args=[self.pk])


class RegistrationEntry(models.Model):
    """One line of a registration: the unit itself (or a named collective in it) or one of its
    people, and the title aimed for."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE,
                                     related_name="entries", verbose_name=_("registration"))
    award_type = models.ForeignKey("awards.AwardType", on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("title aimed for"))
    person = models.ForeignKey("clusters.Person", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="registration_entries",
                               verbose_name=_("person"))
    collective_name = models.CharField(_("named collective"), max_length=300, blank=True,
                                       help_text=_("Leave it blank for the unit itself."))
    position = models.PositiveIntegerField(default=0)
    history = audit_history()

    class Meta:
        ordering = ["registration", "position", "id"]
        verbose_name = _("registration entry")
        verbose_name_plural = _("registration entries")
        constraints = [
            models.UniqueConstraint(fields=["registration", "person", "award_type"],
                                    condition=Q(person__isnull=False),
                                    name="registration_entry_unique_person",
                                    violation_error_message=_(
                                        "This person is already registered for this title.")),
            models.UniqueConstraint(fields=["registration", "collective_name", "award_type"],
                                    condition=Q(person__isnull=True),
                                    name="registration_entry_unique_collective",
                                    violation_error_message=_(
                                        "This collective is already registered for this "
                                        "title.")),
        ]

    def __str__(self):
        who = self.person.full_name if self.person_id else (
            self.collective_name or self.registration.organization.name)
        return f"{who} – {self.award_type}"
