"""Forms of the reports pages: validation and cleaning only; reports.services checks the rules
again (and sanitizes the text) and says why it refuses."""

from django import forms
from django.utils.translation import gettext_lazy as _

from emulation.forms import REQUIRED, TOO_LONG, Form, _choice, _date, _text, no_control_characters

from .models import ReportPeriod
from .outline import BODY_SECTIONS
from .services import MAX_BODY, MAX_REASON

YEAR_MESSAGE = _("Enter a year between 2000 and 2100.")


class PeriodForm(Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100, error_messages={
        "invalid": YEAR_MESSAGE, "min_value": YEAR_MESSAGE, "max_value": YEAR_MESSAGE,
        "required": REQUIRED})
    half = _choice(_("period"), ReportPeriod.Half.choices)
    deadline = _date(_("deadline for units' reports"))


class ReportForm(forms.Form):
    """One text area per section of the outline that has a body."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for section in BODY_SECTIONS:
            self.fields[section.key] = forms.CharField(
                label=section.heading, required=False, max_length=MAX_BODY, strip=False,
                validators=[no_control_characters],
                widget=forms.Textarea(attrs={"rows": 6 if section.statistical else 4}),
                error_messages={"max_length": TOO_LONG})
            self.fields[section.key].section = section


class ReturnForm(Form):
    reason = _text(_("reason for returning"), MAX_REASON, required=True, rows=4,
                   help_text=_("The unit reads it and corrects the report."))


class StartForm(forms.Form):
    """Which of the user's authors (their unit, or a group it leads) the report is of."""

    author = forms.ChoiceField(choices=[], error_messages={
        "required": REQUIRED, "invalid_choice": _("Choose one of the options in the list.")})

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"].choices = choices
