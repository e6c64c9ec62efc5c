"""Forms of the council pages: councils, terms, members, meetings, the agenda, attendance,
written opinions and the receipt check. They validate and clean; the services check again
(overlaps, one chair, the number of vice chairs, seats serving on the meeting day)."""

import re

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import RoleAssignment, User

from .models import Attendance, Choice, CouncilMember

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
TOO_LONG = _("At most %(limit_value)d characters are allowed (this text has %(show_value)d).")
REQUIRED = _("Please fill in this field.")
# NUL is refused by Django's own validator (same message, below).
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
RECEIPT = re.compile(r"^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$")


def no_control_characters(value):
    if value and _CONTROL.search(value):
        raise forms.ValidationError(_("The text contains control characters."), code="invalid")


def _text(label, max_length, *, required=False, help_text=""):
    return forms.CharField(label=label, max_length=max_length, required=required,
                           help_text=help_text, validators=[no_control_characters],
                           error_messages={"max_length": TOO_LONG, "required": REQUIRED,
                                           "null_characters_not_allowed": _(
                                               "The text contains control characters.")})


def _date(label, *, required=False, help_text=""):
    return forms.DateField(
        label=label, required=required, input_formats=DATE_FORMATS, help_text=help_text,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy, for example 05/01/2026."),
                        "required": REQUIRED})


def _choice_errors(message):
    return {"required": REQUIRED, "invalid_choice": message}


class CouncilForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=None,
        error_messages=_choice_errors(_("Choose one of the listed organizations.")))
    name = _text(_("Name of the council"), 300, required=True, help_text=format_lazy(
        _("For example: {}"), "Hội đồng Thi đua - Khen thưởng Liên minh HTX thành phố Hà Nội."))
    is_active = forms.BooleanField(label=_("In operation"), required=False, initial=True)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is None:
            del self.fields["organization"]  # a council keeps its organization
            return
        self.fields["organization"].queryset = organizations
        del self.fields["is_active"]


class TermForm(forms.Form):
    name = _text(_("Term"), 200, required=True, help_text=format_lazy(
        _("For example: {}"), "Nhiệm kỳ 2025–2030."))
    start_date = _date(_("From"), required=True)
    end_date = _date(_("To"), help_text=_("Leave it blank while the term lasts."))
    basis = _text(_("Decision establishing the council"), 300, help_text=_(
        "Number, date and issuer of the decision that set up or reorganised the council."))

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must not be before the start date."))
        return data


class MemberForm(forms.Form):
    """A seat. The account is typed by its user name (the list suggests the accounts of the
    council's organization and the units below it); the full name and the unit default to the
    account's."""

    username = _text(_("User account"), 150, required=True, help_text=_(
        "Type the user name or choose from the list of accounts of the organization."))
    full_name = _text(_("Full name"), 200, help_text=_(
        "Leave it blank to use the name of the account."))
    job_title = _text(_("Job title"), 300)
    organization = forms.ModelChoiceField(
        label=_("Unit"), queryset=None, required=False,
        help_text=_("The member does not vote on what this unit nominated. Leave it blank to "
                    "use the unit of the account."),
        error_messages=_choice_errors(_("Choose one of the listed organizations.")))
    position = forms.ChoiceField(
        label=_("Position in the council"), choices=CouncilMember.Position.choices,
        initial=CouncilMember.Position.MEMBER,
        error_messages=_choice_errors(_("Choose one of the listed values.")))
    votes = forms.BooleanField(label=_("Votes"), required=False, initial=True, help_text=_(
        "Untick for a secretary who keeps the minutes and does not vote."))
    valid_from = _date(_("From"), required=True)
    valid_to = _date(_("To"), help_text=_("Leave it blank while the seat lasts."))
    sort_order = forms.IntegerField(
        label=_("Order in the list"), required=False, min_value=0, max_value=999,
        error_messages={"invalid": _("Enter a whole number."),
                        "min_value": _("Enter a number from 0 to 999."),
                        "max_value": _("Enter a number from 0 to 999.")})

    def __init__(self, *args, council, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.council = council
        self.fields["organization"].queryset = organizations
        self.fields["username"].widget.attrs.update({"list": "council-accounts",
                                                     "autocomplete": "off"})

    def accounts(self):
        """The users holding a current role in the council's organization or below it."""
        path = self.council.organization.path
        return User.objects.filter(is_active=True, pk__in=RoleAssignment.objects.current().filter(
            organization__path__startswith=path).values("user_id"))

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = self.accounts().filter(username__iexact=username).first()
        if user is None:
            raise forms.ValidationError(_(
                "No active account with this user name works in the council's organization or "
                "a unit below it."))
        self.user = user
        return username

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end date must not be before the start date."))
        user = getattr(self, "user", None)
        if user is not None:
            data["user"] = user
            if not data.get("full_name"):
                data["full_name"] = user.get_full_name()
            if data.get("organization") is None:
                role = (RoleAssignment.objects.current().filter(
                    user=user, organization__path__startswith=self.council.organization.path)
                    .select_related("organization").order_by("id").first())
                data["organization"] = role.organization if role else None
        return data


class SeatChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, seat):
        return f"{seat.full_name} – {seat.get_position_display()} ({seat.term.name})"


class MeetingForm(forms.Form):
    title = _text(_("Title"), 300, required=True, help_text=format_lazy(
        _("For example: {}"), "Phiên họp xét khen thưởng năm 2025."))
    date = _date(_("Meeting date"), required=True, help_text=_(
        "The ballot modes and thresholds come from the rule set in force on this day."))
    place = _text(_("Meeting place"), 300)
    chair = SeatChoiceField(
        label=_("Presiding"), queryset=None,
        help_text=_("A voting member serving on the meeting day; only they open and close "
                    "the vote."),
        error_messages=_choice_errors(_("Choose one of the listed members.")))
    secretary = SeatChoiceField(
        label=_("Secretary"), queryset=None, required=False,
        help_text=_("Records attendance and the written opinions."),
        error_messages=_choice_errors(_("Choose one of the listed members.")))

    def __init__(self, *args, seats, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = seats
        self.fields["secretary"].queryset = seats


class NominationPickField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, nomination):
        return nomination.candidate_name


class AgendaAddForm(forms.Form):
    """Nominations ticked one by one, or the whole (filtered) list of candidates at once."""

    nominations = NominationPickField(
        label=_("Nominations"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("A chosen nomination can no longer be put on the "
                                            "agenda. Reload the page."),
                        "invalid_pk_value": _("Choose among the listed nominations.")})
    whole_list = forms.BooleanField(required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        from .models import Nomination

        self.fields["nominations"].queryset = Nomination.objects.filter(
            pk__in=[n.pk for n in self.candidates])

    def clean(self):
        data = super().clean()
        if data.get("whole_list"):
            data["nominations"] = self.candidates
        elif data.get("nominations"):
            # The candidates as loaded with their dossiers, in the order they are listed.
            chosen = {n.pk for n in data["nominations"]}
            data["nominations"] = [n for n in self.candidates if n.pk in chosen]
        if not data.get("nominations") and not self.errors:
            raise forms.ValidationError(_("Choose at least one nomination."))
        return data


class AgendaFilterForm(forms.Form):
    cycle = forms.TypedChoiceField(label=_("Award cycle"), coerce=int, required=False,
                                   empty_value=None)
    award = forms.TypedChoiceField(label=_("Award"), coerce=int, required=False,
                                   empty_value=None)
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, cycles, awards=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["cycle"].choices = [("", _("Choose a cycle"))] + [
            (c.pk, f"{c.title} ({c.year})") for c in cycles]
        self.fields["award"].choices = everything + list(awards)
        self.fields["unit"].choices = everything + list(units)


class AttendanceForm(forms.Form):
    """One radio group per seat serving on the meeting day."""

    def __init__(self, *args, sheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = sheet
        for row in sheet:
            member = row["member"]
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                label=member.full_name, required=False, widget=forms.RadioSelect,
                choices=Attendance.Status.choices, initial=row["status"] or None,
                error_messages={"invalid_choice": _("Choose one of the listed values.")})

    def statuses(self) -> dict:
        return {int(name.removeprefix("member_")): value
                for name, value in self.cleaned_data.items() if value}

    def bound_rows(self):
        for row in self.rows:
            yield {**row, "field": self[f"member_{row['member'].pk}"]}


class WrittenOpinionForm(forms.Form):
    """The choices of an absent member, copied from their signed written opinion."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=item.nomination.candidate_name, widget=forms.RadioSelect,
                choices=Choice.choices,
                error_messages={"required": _("Choose agree, disagree or abstain."),
                                "invalid_choice": _("Choose agree, disagree or abstain.")})

    def choices(self) -> dict:
        return {name.removeprefix("item_"): value for name, value in self.cleaned_data.items()}

    def bound_items(self):
        for item in self.items:
            yield item, self[f"item_{item.pk}"]


class ReceiptCheckForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"), max_length=40,
        help_text=_("The code shown when you sent your ballot, for example ABCD-EFGH-JKLM-NPQR."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                      "autocapitalize": "characters"}),
        error_messages={"required": REQUIRED, "max_length": TOO_LONG})

    def clean_code(self):
        code = re.sub(r"\s+", "", self.cleaned_data["code"]).upper()
        if not RECEIPT.match(code):
            raise forms.ValidationError(_(
                "A receipt code has four groups of four letters or digits, for example "
                "ABCD-EFGH-JKLM-NPQR."))
        return code
