"""Forms for decisions, proposals, the competent body's decision, revocations, the signed copy
and the base salary. They validate and clean; the services check again."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Decision

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
TOO_LONG = _("At most %(limit_value)d characters are allowed (this text has %(show_value)d).")


def _date(label, *, required=False, help_text=""):
    return forms.DateField(
        label=label, required=required, input_formats=DATE_FORMATS, help_text=help_text,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy, for example 05/01/2026.")})


def _text(label, max_length, *, required=False, rows=0, help_text=""):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget,
                           help_text=help_text, error_messages={"max_length": TOO_LONG})


class NominationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, nomination):
        unit = (nomination.person.organization.name if nomination.person_id
                else (nomination.organization.parent or nomination.organization).name)
        return f"{nomination.candidate_name} – {nomination.award_type.name} – {unit}"


class StartForm(forms.Form):
    """Step one of a new decision: its kind and its cycle."""

    kind = forms.ChoiceField(label=_("Kind of document"), choices=[
        (Decision.Kind.GRANT, _("Decision on awards")),
        (Decision.Kind.PROPOSAL, _("Proposal to the competent body"))])
    cycle = forms.ModelChoiceField(label=_("Award cycle"), queryset=None,
                                   error_messages={"invalid_choice": _(
                                       "Choose one of the listed cycles.")})

    def __init__(self, *args, cycles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles


class DecisionForm(forms.Form):
    """A draft decision or proposal (also a revocation, without the list)."""

    title = _text(_("Summary"), 400, required=True,
                  help_text=_("For example: on conferring the title of Advanced Worker for 2025."))
    date = _date(_("Decision date"), help_text=_(
        "The cash rewards use the rule set and the base salary valid on this day. The number is "
        "given when the decision is issued."))
    place = _text(_("Place"), 100)
    issuing_body = _text(_("Addressed to"), 200)
    legal_bases = _text(_("Legal bases"), 4000, rows=5, help_text=_(
        "One basis per line. Laws by name and date; decrees with number, date, issuer and "
        "summary. The opening word and the final “;” or “.” are added when printed."))
    body = _text(_("Articles"), 8000, rows=5, help_text=_(
        "Leave blank to write the articles from the list. Start a line with the article word and "
        "its number (for example “Article 1.”) to write an article yourself."))
    recipients = _text(_("Recipients"), 2000, rows=4,
                       help_text=_("One recipient per line; the last is the archive line."))
    authority = forms.ChoiceField(label=_("Signing authority"), choices=Decision.Authority.choices,
                                  required=False)
    authority_title = _text(_("Title signed for"), 120,
                            help_text=_("With KT.: the head’s title. With TM.: the collective body."))
    signer_title = _text(_("Title of the signer"), 120,
                         help_text=_("For example: the deputy chairman’s title, in capitals."))
    signer_name = _text(_("Signed by"), 120, help_text=_(
        "Full name without academic titles. Required to issue."))
    nominations = NominationChoiceField(label=_("Nominations"), queryset=None, required=False,
                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, kind: str, nominations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if nominations is None:
            del self.fields["nominations"]
        else:
            self.fields["nominations"].queryset = nominations
        if kind == Decision.Kind.REVOCATION:
            self.fields["body"] = _text(_("Reason for the revocation"), 8000, required=True,
                                        rows=4)
        if kind != Decision.Kind.PROPOSAL:
            del self.fields["issuing_body"]

    def clean_date(self):
        value = self.cleaned_data.get("date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The decision date cannot be in the future."))
        return value


class ExternalDecisionForm(forms.Form):
    """The decision of the Prime Minister or the President on a proposal."""

    external_number = _text(_("Number and symbol"), 60, required=True,
                            help_text=_("For example: 123/QD-TTg, as written on the decision."))
    date = _date(_("Decision date"), required=True)
    issuing_body = _text(_("Issuing body"), 200, required=True)
    title = _text(_("Summary"), 400, required=True)
    signer_name = _text(_("Signed by"), 120, required=True)
    signer_title = _text(_("Title of the signer"), 120)
    nominations = NominationChoiceField(label=_("Nominations awarded"), queryset=None,
                                        widget=forms.CheckboxSelectMultiple,
                                        error_messages={"required": _(
                                            "Choose at least one nomination.")})

    def __init__(self, *args, nominations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominations"].queryset = nominations

    def clean_date(self):
        value = self.cleaned_data.get("date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The decision date cannot be in the future."))
        return value


class ScanForm(forms.Form):
    file = forms.FileField(label=_("Signed and stamped copy (PDF)"),
                           error_messages={"required": _("Choose the PDF file.")})


class BaseSalaryForm(forms.Form):
    amount = forms.IntegerField(label=_("Amount (VND per month)"), min_value=1,
                                error_messages={"required": _("Enter the amount."),
                                                "invalid": _("Enter a whole number."),
                                                "min_value": _("Enter an amount greater than "
                                                               "zero.")})
    valid_from = _date(_("Valid from"), required=True)
    legal_basis = _text(_("Legal basis"), 300, required=True,
                        help_text=_("For example: the decree that set the base salary, with its number."))
