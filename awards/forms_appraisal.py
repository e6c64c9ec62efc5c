"""Forms of the appraisal pages: validation and cleaning only. The views pass `cleaned_data` to
awards.services_dossiers, which checks the rules again and says why it refuses."""

import datetime

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from clusters.spreadsheets import SpreadsheetError, check_upload

from .forms_dossiers import _date_field, _text_field
from .services_dossiers import MAX_REASON


class QueueFilterForm(forms.Form):
    cycle = forms.ModelChoiceField(label=capfirst(_("award cycle")), queryset=None, required=False,
                                   empty_label=_("All cycles"), error_messages={
                                       "invalid_choice": _("Choose a cycle from the list.")})

    def __init__(self, *args, cycles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles


class OpinionForm(forms.Form):
    """The appraisal's opinion on one nomination: agree, or disagree and say why."""

    AGREE, DISAGREE = "agree", "disagree"
    opinion = forms.ChoiceField(
        label=_("Opinion of the appraisal"), widget=forms.RadioSelect,
        choices=[(AGREE, _("Agree")), (DISAGREE, _("Disagree"))],
        error_messages={"required": _("Choose agree or disagree."),
                        "invalid_choice": _("Choose agree or disagree.")})
    comment = _text_field(_("Comment"), limit=MAX_REASON, required=False, rows=2,
                          help_text=_("Required when the appraisal disagrees."))

    def clean(self):
        data = super().clean()
        if (data.get("opinion") == self.DISAGREE and not data.get("comment")
                and "comment" not in self.errors):
            self.add_error("comment", _("Please say why the appraisal disagrees."))
        return data

    def service_data(self) -> dict:
        return {"agree": self.cleaned_data["opinion"] == self.AGREE,
                "comment": self.cleaned_data["comment"]}


class ReturnForm(forms.Form):
    reason = _text_field(_("Reason for returning the dossier"), limit=MAX_REASON, rows=5,
                         help_text=_("The unit reads it: say what to correct or add."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _(
            "Please give the reason for returning the dossier.")


class PublicNoticeForm(forms.Form):
    nominations = forms.ModelMultipleChoiceField(
        label=_("Nominations published"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the nominations that were published."),
                        "invalid_choice": _("Choose only nominations listed on this page."),
                        "invalid_pk_value": _("Choose only nominations listed on this page.")})
    channel = _text_field(_("Published on"), limit=300, rows=0,
                          help_text=_("For example: the Alliance’s web portal, or its "
                                      "newspaper."))
    start_date = _date_field(_("Published from"))

    def __init__(self, *args, nominations, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.fields["nominations"].queryset = nominations
        self.fields["nominations"].label_from_instance = lambda n: (
            f"{n.candidate_name} – {n.award_type.name} ({n.dossier.organization.name})")

    def clean_start_date(self):
        """Within the cycle's time: from its achievement year to two years later (a date far
        off is a typing mistake, and no rule set may cover it)."""
        day = self.cleaned_data["start_date"]
        first = datetime.date(self.cycle.year, 1, 1)
        last = datetime.date(self.cycle.year + 2, 12, 31)
        if not first <= day <= last:
            raise forms.ValidationError(_("Enter a date between %(first)s and %(last)s.") % {
                "first": first.strftime("%d/%m/%Y"), "last": last.strftime("%d/%m/%Y")})
        return day


class NominationImportForm(forms.Form):
    # An empty file is checked like any other, so that its report says why it was refused.
    file = forms.FileField(
        allow_empty_file=True, label=_("Spreadsheet file (.xlsx)"),
        help_text=_("Use the template of this page; the first row must be its header row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": _("Choose the file to upload.")})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_upload(upload.name, upload.size)
        except SpreadsheetError as error:
            raise forms.ValidationError(error.messages) from None
        return upload
