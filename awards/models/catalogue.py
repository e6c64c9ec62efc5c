"""The award catalogue and the versioned rule sets that hold every threshold of the law."""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from accounts.audit import audit_history

from clusters.text import clean_text

MAX_TEXT_VALUE = 500
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class AwardType(models.Model):
    """A title or form of commendation (danh hiệu / hình thức khen thưởng). The code is stable:
    imports, exports, rule parameters and tests name awards by it."""

    class Category(models.TextChoices):
        EMULATION_TITLE = "emulation_title", _("Emulation title")
        COMMENDATION = "commendation", _("Form of commendation")

    class RecipientKind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        COLLECTIVE = "collective", _("Collective")
        BOTH = "both", _("Individual and collective")

    class GrantingLevel(models.TextChoices):
        UNIT_HEAD = "unit_head", _("Head of the unit")
        ALLIANCE_CHAIRMAN = "alliance_chairman", _("Chairman of the Alliance")
        ALLIANCE_COMMITTEE = "alliance_committee", _("Executive Committee of the Alliance")
        PRIME_MINISTER = "prime_minister", _("Prime Minister")
        STATE_PRESIDENT = "state_president", _("State President")

    code = models.CharField(
        _("code"), max_length=20, unique=True,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9_]*$", _(
            "Use capital letters without diacritics, digits and underscores, for example BK_CT."))],
    )
    name = models.CharField(_("award name"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    recipient_kind = models.CharField(_("awarded to"), max_length=12, choices=RecipientKind.choices)
    granting_level = models.CharField(_("granting level"), max_length=20,
                                      choices=GrantingLevel.choices)
    council_vote_required = models.BooleanField(_("the council must vote"), default=False)
    secret_ballot = models.BooleanField(_("by secret ballot"), default=False)
    public_notice_required = models.BooleanField(
        _("nominees are published before the council meets"), default=False,
        help_text=_("Orders and state honorary titles (Decree 98/2023 Art. 46)."))
    # Documents each nomination for this award needs in its dossier (Law Art. 84), by the kinds
    # of awards.DossierDocument; the dossier itself always needs a submission and minutes.
    required_documents = models.JSONField(_("documents each nomination needs"), default=list,
                                          blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)
    history = audit_history()

    class Meta:
        ordering = ["display_order", "code"]
        verbose_name = _("award type")
        verbose_name_plural = _("award types")
        constraints = [
            models.CheckConstraint(
                condition=Q(council_vote_required=True) | Q(secret_ballot=False),
                name="award_type_secret_ballot_needs_vote",
                violation_error_message=_("A secret ballot requires a council vote."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def for_individuals(self):
        return self.recipient_kind in (self.RecipientKind.INDIVIDUAL, self.RecipientKind.BOTH)

    @property
    def for_collectives(self):
        return self.recipient_kind in (self.RecipientKind.COLLECTIVE, self.RecipientKind.BOTH)


class RuleSetQuerySet(models.QuerySet):
    def covering(self, day):
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)

    def valid_on(self, day):
        """The one rule set in force on `day`, or None before the first one. Periods never
        overlap (services.rule_set_create/update refuse it), so at most one matches."""
        return self.covering(day).order_by("-valid_from").first()


class RuleSet(models.Model):
    """The thresholds of one legal regime (quy định áp dụng), valid over a period of days."""

    name = models.CharField(_("name"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True,
                                help_text=_("Leave it blank while the rule set is in force."))
    legal_basis = models.TextField(_("legal basis"), max_length=2000)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    history = audit_history()

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="rule_set_period_in_order",
                violation_error_message=_("The end date must not be before the start date."),
            ),
            models.UniqueConstraint(fields=["valid_from"], name="rule_set_unique_start",
                                    violation_error_message=_(
                                        "Another rule set starts on the same day.")),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("awards:rule_set_detail", args=[self.pk])

    def covers(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class RuleParameter(models.Model):
    """One named threshold of a rule set. The value is stored as canonical text and read
    through `typed_value`; `parse_value` is the one place that validates input by kind."""

    class Kind(models.TextChoices):
        INTEGER = "integer", _("Whole number")
        DECIMAL = "decimal", _("Decimal number")
        BOOLEAN = "boolean", _("Yes or no")
        TEXT = "text", _("Text")
        CHOICE = "choice", _("One of a list")

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="parameters",
                                 verbose_name=_("rule set"))
    key = models.SlugField(_("key"), max_length=80)
    label = models.CharField(_("parameter"), max_length=300)
    kind = models.CharField(_("kind of value"), max_length=10, choices=Kind.choices)
    value = models.TextField(_("value"), max_length=MAX_TEXT_VALUE)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    help_text = models.TextField(_("explanation"), blank=True)
    # For CHOICE: [[value, Vietnamese label], …]. For numbers: optional bounds.
    choices = models.JSONField(_("allowed values"), default=list, blank=True)
    min_value = models.DecimalField(_("minimum"), max_digits=12, decimal_places=4, null=True,
                                    blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=12, decimal_places=4, null=True,
                                    blank=True)
    verified = models.BooleanField(_("verified against the legal text"), default=False)
    legal_citation = models.CharField(_("legal citation"), max_length=300, blank=True)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)
    history = audit_history()

    class Meta:
        ordering = ["rule_set", "display_order", "key"]
        verbose_name = _("rule parameter")
        verbose_name_plural = _("rule parameters")
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "key"], name="rule_parameter_unique_key",
                                    violation_error_message=_(
                                        "The rule set already has a parameter with this key.")),
        ]

    def __str__(self):
        return f"{self.label}: {self.display_value}"

    @property
    def typed_value(self):
        return parse_value(self.kind, self.value, choices=self.choices)

    @property
    def display_value(self) -> str:
        if self.kind == self.Kind.BOOLEAN:
            return str(_("Yes")) if self.typed_value else str(_("No"))
        if self.kind == self.Kind.CHOICE:
            return dict((v, label) for v, label in self.choices).get(self.value, self.value)
        if self.kind == self.Kind.DECIMAL:
            return self.value.replace(".", ",")  # Vietnamese decimal comma
        return self.value


def parse_value(kind: str, raw, *, choices=(), min_value=None, max_value=None):
    """The typed value of `raw` (text from a form or the database) for a parameter of `kind`.
    Raises ValidationError with a Vietnamese message when it does not fit."""
    text = clean_text(str(raw if raw is not None else ""))
    if not text:
        raise ValidationError(_("Please enter a value."), code="required")
    if kind == RuleParameter.Kind.BOOLEAN:
        if text.lower() in ("true", "1", "có", "yes"):
            return True
        if text.lower() in ("false", "0", "không", "no"):
            return False
        raise ValidationError(_("Choose yes or no."), code="invalid")
    if kind == RuleParameter.Kind.CHOICE:
        allowed = [value for value, _label in choices]
        if text not in allowed:
            raise ValidationError(_("Choose one of the listed values."), code="invalid_choice")
        return text
    if kind == RuleParameter.Kind.TEXT:
        if len(text) > MAX_TEXT_VALUE:
            raise ValidationError(_("The text may have at most %(max)d characters.")
                                  % {"max": MAX_TEXT_VALUE}, code="max_length")
        if _CONTROL.search(text):
            raise ValidationError(_("The text contains control characters."), code="invalid")
        return text
    if kind == RuleParameter.Kind.INTEGER:
        if not re.fullmatch(r"[+-]?\d{1,9}", text):
            raise ValidationError(_("Enter a whole number, for example 3."), code="invalid")
        number = int(text)
    elif kind == RuleParameter.Kind.DECIMAL:
        # Vietnamese writes a decimal comma; a point is accepted too.
        candidate = text.replace(",", ".")
        if not re.fullmatch(r"[+-]?\d{1,9}(\.\d{1,4})?", candidate):
            raise ValidationError(_("Enter a number, for example 15 or 66,67."), code="invalid")
        try:
            number = Decimal(candidate)
        except InvalidOperation:  # pragma: no cover - the pattern above already refuses it
            raise ValidationError(_("Enter a number, for example 15 or 66,67."), code="invalid")
    else:
        raise ValidationError(_("Unknown kind of value."), code="invalid")
    if min_value is not None and number < min_value:
        raise ValidationError(_("The value must be at least %(min)s.") % {"min": _plain(min_value)},
                              code="min_value")
    if max_value is not None and number > max_value:
        raise ValidationError(_("The value must be at most %(max)s.") % {"max": _plain(max_value)},
                              code="max_value")
    return number


def format_value(kind: str, value) -> str:
    """The canonical text stored for a typed value."""
    if kind == RuleParameter.Kind.BOOLEAN:
        return "true" if value else "false"
    if kind == RuleParameter.Kind.DECIMAL:
        return _plain(Decimal(value))
    return str(value)


def _plain(number) -> str:
    """A decimal without exponent or trailing zeros: 15, 66.67, 0.3."""
    text = format(Decimal(number).normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
