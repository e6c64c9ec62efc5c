"""Forms for the facts the eligibility rules read: the annual assessment of a person or a
collective, recognised initiatives and discipline. They validate and clean; the views hand the
cleaned data to the services, which check again (full_clean)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.models import Organization
from clusters.text import clean_text

from .forms import DATE_WIDGET
from .models.facts import MIN_YEAR, DisciplineRecord, Initiative, Rating

NOTE_MAX = 2000
TOO_LONG = _("At most %(limit_value)d characters are allowed (this text has %(show_value)d).")


def _text(label, max_length, *, required=False, textarea=False, help_text=""):
    widget = forms.Textarea(attrs={"rows": 3}) if textarea else None
    return forms.CharField(label=label, max_length=max_length, required=required,
                           widget=widget, help_text=help_text,
                           error_messages={"max_length": TOO_LONG})


def _number(label, *, required=False, help_text=""):
    return forms.IntegerField(label=label, required=required, help_text=help_text,
                              error_messages={"invalid": _("Enter a whole number.")})


def _check_year(value):
    if value is None:
        return value
    last = timezone.localdate().year
    if not MIN_YEAR <= value <= last:
        raise forms.ValidationError(
            _("Enter a year between %(low)s and %(high)s.") % {"low": MIN_YEAR, "high": last})
    return value


def _not_negative(value):
    if value is not None and value < 0:
        raise forms.ValidationError(_("The number cannot be negative."))
    return value


class _AssessmentForm(forms.Form):
    year = _number(_("Year"), required=True)
    rating = forms.ChoiceField(label=_("Rating"), choices=[("", "—"), *Rating.choices],
                               error_messages={"invalid_choice": _(
                                   "Choose one of the listed ratings.")})

    def clean_year(self):
        return _check_year(self.cleaned_data["year"])

    def clean_note(self):
        return self.cleaned_data["note"].strip()


class PersonAssessmentForm(_AssessmentForm):
    months_worked = _number(_("Months worked in the year"),
                            help_text=_("Statutory maternity leave counts as time worked."))
    absence_days = _number(_("Working days absent"))
    note = _text(_("Note"), NOTE_MAX, textarea=True)

    def clean_months_worked(self):
        value = self.cleaned_data["months_worked"]
        if value is not None and not 0 <= value <= 12:
            raise forms.ValidationError(_("The months worked must be between 0 and 12."))
        return value

    def clean_absence_days(self):
        value = _not_negative(self.cleaned_data["absence_days"])
        if value is not None and value > 366:
            raise forms.ValidationError(_("A year has at most 366 days."))
        return value


class CollectiveAssessmentForm(_AssessmentForm):
    member_count = _number(_("Number of members"))
    members_completed = _number(_("Members who completed their tasks"))
    group_rank = _number(_("Rank in the emulation cluster or bloc"), help_text=_(
        "1 for the leading unit, from the cluster's or bloc's year-end evaluation."))
    note = _text(_("Note"), NOTE_MAX, textarea=True)

    def clean_member_count(self):
        return _not_negative(self.cleaned_data["member_count"])

    def clean_members_completed(self):
        return _not_negative(self.cleaned_data["members_completed"])

    def clean_group_rank(self):
        value = self.cleaned_data["group_rank"]
        if value is not None and value < 1:
            raise forms.ValidationError(_("The rank starts at 1."))
        return value

    def clean(self):
        data = super().clean()
        members, completed = data.get("member_count"), data.get("members_completed")
        if members is not None and completed is not None and completed > members:
            self.add_error("members_completed", _(
                "The members who completed their tasks cannot outnumber the members."))
        return data


class InitiativeForm(forms.Form):
    title = _text(_("Title of the initiative"), 500, required=True)
    kind = forms.ChoiceField(label=_("Kind"), choices=Initiative.Kind.choices,
                             initial=Initiative.Kind.INITIATIVE)
    year = _number(_("Year recognised"), required=True)
    scope = forms.ChoiceField(label=_("Scope of effect"), choices=Initiative.Scope.choices,
                              initial=Initiative.Scope.GRASSROOTS)
    recognised_by = _text(_("Recognised by"), 255)
    decision_number = _text(_("Recognition decision number"), 60)
    decision_date = forms.DateField(label=_("Recognition decision date"), required=False,
                                    widget=DATE_WIDGET)

    def clean_title(self):
        title = clean_text(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError(_("Please enter the title of the initiative."))
        return title

    def clean_year(self):
        return _check_year(self.cleaned_data["year"])

    def clean_recognised_by(self):
        return clean_text(self.cleaned_data["recognised_by"])

    def clean_decision_number(self):
        return clean_text(self.cleaned_data["decision_number"])

    def clean_decision_date(self):
        day = self.cleaned_data["decision_date"]
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The decision date cannot be in the future."))
        return day


class DisciplineForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organization at the time"), queryset=Organization.objects.none(),
        empty_label=None)
    pending = forms.BooleanField(
        label=_("Case under consideration"), required=False,
        help_text=_("Tick while the person is being considered for discipline, investigated, "
                    "inspected, or while a complaint is being verified."))
    level = forms.TypedChoiceField(label=_("Level"), required=False, coerce=int,
                                   empty_value=None,
                                   choices=[("", "—"), *DisciplineRecord.Level.choices])
    decision_number = _text(_("Decision number"), 60)
    effective_from = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    effective_to = forms.DateField(label=_("Until"), required=False, widget=DATE_WIDGET,
                                   help_text=_("The end of the measure, or the day the case "
                                               "was closed."))
    note = _text(_("Note"), NOTE_MAX, textarea=True)

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        # Where the person works now, and where they worked before (their transfers).
        ids = {person.organization_id}
        for from_id, to_id in person.moves.values_list("from_organization_id",
                                                       "to_organization_id"):
            ids.update((from_id, to_id))
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=ids).order_by(
            "name")
        if not self.is_bound and "organization" not in self.initial:
            self.initial["organization"] = person.organization_id

    def clean_decision_number(self):
        return clean_text(self.cleaned_data["decision_number"])

    def clean_note(self):
        return self.cleaned_data["note"].strip()

    def clean(self):
        data = super().clean()
        if not data.get("pending") and "level" in data and data.get("level") is None:
            self.add_error("level", _("A decided measure needs its level."))
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end < start:
            self.add_error("effective_to", _("The end date must not be before the start date."))
        return data
