"""Forms of the deadline and reminder pages: validation and cleaning only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DeadlineKind, ReminderDelivery
from .selectors_reminders import STATE_CLOSED, STATE_LATE, STATE_UPCOMING
from .services_ladder import OFFSET_MAX, OFFSET_MIN

OFFSET_ERROR = _("The number of working days must be between -60 and +60.")
SELECT = {"class": "form-select"}


class DeadlineFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=forms.Select(attrs=SELECT),
                             choices=[("", _("All kinds"))] + list(DeadlineKind.choices),
                             error_messages={"invalid_choice": _("Please choose a kind from the list.")})
    state = forms.ChoiceField(
        label=_("State"), required=False, widget=forms.Select(attrs=SELECT),
        choices=[("", _("Open deadlines")), (STATE_UPCOMING, _("Not yet due")),
                 (STATE_LATE, _("Past the due date")), (STATE_CLOSED, _("Closed"))],
        error_messages={"invalid_choice": _("Please choose a state from the list.")})


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("E-mail status"), required=False, widget=forms.Select(attrs=SELECT),
        choices=[("", _("All"))] + list(ReminderDelivery.EmailStatus.choices)
        + [("repeats", _("Possibly sent twice"))],
        error_messages={"invalid_choice": _("Please choose a status from the list.")})


class LadderStepForm(forms.Form):
    offset = forms.IntegerField(
        label=_("Working days from the due date"),
        help_text=_("Negative before the due date (-3: three working days before), 0 on the "
                    "day, positive after it."),
        min_value=OFFSET_MIN, max_value=OFFSET_MAX,
        error_messages={
            "required": _("Please enter the number of working days."),
            "invalid": _("Enter a whole number of working days, for example -3 or 2."),
            "min_value": OFFSET_ERROR, "max_value": OFFSET_ERROR,
        })
    escalate = forms.BooleanField(label=_("Also to the unit's head"), required=False)


class LadderStepRemoveForm(forms.Form):
    """Which step to remove: its offset, which must be one of the ladder's."""

    offset = forms.TypedChoiceField(
        coerce=int, choices=(),
        error_messages={"required": _("Please choose the step to remove."),
                        "invalid_choice": _("This step is no longer in the ladder.")})

    def __init__(self, *args, offsets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offset"].choices = [(str(o), str(o)) for o in offsets]


class DigestPreferenceForm(forms.Form):
    EACH, DIGEST = "each", "digest"
    delivery = forms.ChoiceField(
        label=_("Reminder e-mails"), widget=forms.RadioSelect,
        choices=[(EACH, _("One e-mail for each reminder, as it is sent")),
                 (DIGEST, _("One daily digest e-mail in the morning with the day's reminders"))],
        error_messages={"required": _("Please choose how you receive reminder e-mails."),
                        "invalid_choice": _("Please choose one of the options shown.")})
