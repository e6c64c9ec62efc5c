"""Forms of the summary report pages: validation and cleaning only; reports.services_summary
checks the rules again (number clash, date range, sanitizing) and says why it refuses."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from emulation.forms import REQUIRED, Form, _date, _text

from .forms import ReportForm
from .services_summary import AUTHORITIES, HEADER_LIMITS, MAX_BODY

NUMBER_MESSAGE = _("The number is a whole number from 1 to 99999.")


class HeaderForm(Form):
    number = forms.IntegerField(
        label=_("number"), required=False, min_value=1, max_value=99999,
        help_text=_("Leave it empty until the office gives the number."),
        error_messages={"invalid": NUMBER_MESSAGE, "min_value": NUMBER_MESSAGE,
                        "max_value": NUMBER_MESSAGE})
    symbol = _text(_("symbol"), HEADER_LIMITS["symbol"])
    place = _text(_("place"), HEADER_LIMITS["place"])
    issued_on = _date(_("date of the report"), required=False)
    summary_line = _text(_("summary line"), HEADER_LIMITS["summary_line"], rows=2)
    signer_authority = forms.ChoiceField(
        label=_("signing on behalf"), required=False,
        choices=[("", _("(the head signs)"))] + [(a, a) for a in AUTHORITIES if a],
        error_messages={"invalid_choice": _("Choose KT., TM., TL., TUQ. or nothing.")})
    signer_authority_title = _text(_("title of the head"), HEADER_LIMITS["signer_authority_title"])
    signer_title = _text(_("title of the signer"), HEADER_LIMITS["signer_title"])
    signer_name = _text(_("name of the signer"), HEADER_LIMITS["signer_name"])
    recipients = _text(_("recipients"), HEADER_LIMITS["recipients"], rows=5,
                       help_text=_("One recipient per line."))

    FIELDS = ("number", "symbol", "place", "issued_on", "summary_line", "signer_authority",
              "signer_authority_title", "signer_title", "signer_name", "recipients")


class SectionsForm(ReportForm):
    """One text area per section with a body, as in the unit report editor; a summary
    report's sections may be longer than a unit's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.max_length = MAX_BODY
            field.validators = [v for v in field.validators
                                if not isinstance(v, MaxLengthValidator)]
            field.validators.append(MaxLengthValidator(MAX_BODY))


class ReopenForm(Form):
    reason = _text(_("reason for reopening"), 2000, required=True, rows=4,
                   help_text=_("Kept in the history of the report."))


class ScanForm(Form):
    signed_scan = forms.FileField(label=_("scanned signed copy"), required=True,
                                  error_messages={"required": _("Choose the scanned file."),
                                                  "empty": _("The file is empty.")})


class CreateForm(forms.Form):
    period = forms.IntegerField(error_messages={"required": REQUIRED,
                                                "invalid": _("Choose a report period.")})

