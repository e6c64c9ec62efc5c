"""Decisions (quyết định khen thưởng), proposals to a competent body (tờ trình), the base salary
that cash rewards multiply, and the certificates with their public verification code."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from accounts.audit import audit_history

from .dossiers import Nomination
from .registry import AwardRecord


class BaseSalary(models.Model):
    """The statutory base salary (mức lương cơ sở), dated: cash rewards are multiples of the one
    valid on the decision date."""

    amount = models.PositiveBigIntegerField(_("amount (VND per month)"))
    valid_from = models.DateField(_("valid from"), unique=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    history = audit_history()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("base salary")
        verbose_name_plural = _("base salaries")

    def __str__(self):
        return f"{self.amount:,}".replace(",", ".")


class Decision(models.Model):
    """A decision of the Alliance (or a provincial alliance) conferring awards, a proposal
    (tờ trình) to the competent body for awards the Alliance does not grant, or the recorded
    decision of that body."""

    class Kind(models.TextChoices):
        GRANT = "grant", _("Decision on awards")
        PROPOSAL = "proposal", _("Proposal to the competent body")
        EXTERNAL = "external", _("Decision of the competent body")
        REVOCATION = "revocation", _("Revocation decision")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")

    class Authority(models.TextChoices):
        HEAD = "", _("The head signs")
        DEPUTY = "KT.", _("KT. (a deputy signs for the head)")
        COLLECTIVE = "TM.", _("TM. (on behalf of the collective body)")
        BY_ORDER = "TL.", _("TL. (by order)")
        DELEGATED = "TUQ.", _("TUQ. (by authorisation)")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.GRANT)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.DRAFT)
    issuer = models.ForeignKey("clusters.Organization", on_delete=models.PROTECT,
                               related_name="decisions", verbose_name=_("issued by"))
    cycle = models.ForeignKey("awards.AwardCycle", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="decisions", verbose_name=_("award cycle"))
    # Number and symbol: "05/QĐ-LMHTXVN"; numbers run per issuer and year from 01.
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    symbol = models.CharField(_("symbol"), max_length=40,
                              help_text=_("The document type and the issuer’s abbreviation, as written after the number."))
    external_number = models.CharField(
        _("number and symbol of the competent body's decision"), max_length=60, blank=True,
        help_text=_("For example: 123/QD-TTg, as written on the decision."))
    issuing_body = models.CharField(_("issuing body"), max_length=200, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=100, default="Hà Nội")
    title = models.CharField(_("summary"), max_length=400)
    legal_bases = models.TextField(_("legal bases"), max_length=4000)
    body = models.TextField(_("articles"), max_length=8000, blank=True)
    recipients = models.TextField(_("recipients"), max_length=2000, blank=True)
    signer_name = models.CharField(_("signed by"), max_length=120)
    signer_title = models.CharField(_("title of the signer"), max_length=120,
                                    help_text=_("For example: the deputy chairman’s title, in capitals."))
    authority = models.CharField(_("signing authority"), max_length=5,
                                 choices=Authority.choices, blank=True)
    authority_title = models.CharField(
        _("title signed for"), max_length=120, blank=True,
        help_text=_("With KT./TM./TL./TUQ.: the title or body signed for, in capitals."))
    scanned_copy = models.FileField(_("signed and stamped copy"), upload_to="decisions/",
                                    blank=True, max_length=200)
    revoked_record = models.ForeignKey(AwardRecord, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("drafted by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", null=True, blank=True,
                                  verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    history = audit_history()

    class Meta:
        ordering = ["-year", "-number", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year", "symbol", "number"],
                                    condition=Q(number__isnull=False),
                                    name="decision_unique_number",
                                    violation_error_message=_(
                                        "This number is already used by the issuer this year.")),
        ]

    def __str__(self):
        return self.number_and_symbol or str(self.title)

    def get_absolute_url(self):
        return reverse("awards:decision_detail", args=[self.pk])

    @property
    def number_and_symbol(self) -> str:
        """"05/QĐ-LMHTXVN": numbers below 10 with a leading zero (Decree 30/2020)."""
        if self.kind == self.Kind.EXTERNAL:
            return self.external_number
        if self.number is None:
            return ""
        return f"{self.number:02d}/{self.symbol}"


class DecisionItem(models.Model):
    """One nomination a decision confers (or proposes), with its cash amount."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="items")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT,
                                   related_name="decision_items")
    multiplier = models.DecimalField(_("multiple of the base salary"), max_digits=6,
                                     decimal_places=2, null=True, blank=True)
    amount = models.PositiveBigIntegerField(_("amount (VND)"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["decision", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "nomination"],
                                    name="decision_item_unique"),
        ]


def new_verification_code() -> str:
    """Ten characters without look-alikes (no 0/O, 1/I/L): short enough to type from paper."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class Certificate(models.Model):
    """The certificate of one award record, with the code its QR links to."""

    record = models.OneToOneField(AwardRecord, on_delete=models.CASCADE,
                                  related_name="certificate")
    code = models.CharField(_("verification code"), max_length=16, unique=True,
                            default=new_verification_code)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("public:verify", args=[self.code])
