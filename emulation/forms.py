"""Forms of the emulation pages: validation and cleaning only. The views pass `cleaned_data` to
emulation.services, which checks the rules again and says why it refuses."""

import re

from django import forms
from django.db.models import Q
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.scoping import active_role, sees_everything
from awards.models import AwardType
from awards.selectors import candidate_search
from clusters.models import Organization, Person
from clusters.text import clean_text

from .models import LegalDocument, Movement, Registration, RegistrationCall

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_MESSAGE = _("Enter a date as dd/mm/yyyy, for example 31/12/2025.")
REQUIRED = _("Please fill in this field.")
TOO_LONG = _("At most %(limit_value)d characters (now %(show_value)d).")
CONTROL_MESSAGE = _("The text contains control characters.")
YEAR_MESSAGE = _("Enter a year between 1945 and 2100.")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def no_control_characters(value):
    if value and _CONTROL.search(value):
        raise forms.ValidationError(CONTROL_MESSAGE, code="invalid")


def _text(label, limit, *, required=False, rows=0, help_text=""):
    return forms.CharField(
        label=label, max_length=limit, required=required, help_text=help_text,
        validators=[no_control_characters],
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput,
        error_messages={"required": REQUIRED, "max_length": TOO_LONG,
                        "null_characters_not_allowed": CONTROL_MESSAGE})


def _date(label, *, required=True, help_text=""):
    return forms.DateField(
        label=label, required=required, input_formats=DATE_FORMATS,
        help_text=help_text or _("dd/mm/yyyy"),
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": DATE_MESSAGE, "required": REQUIRED})


def _choice(label, choices, *, required=True):
    return forms.ChoiceField(label=label, choices=choices, required=required, error_messages={
        "required": REQUIRED, "invalid_choice": _("Choose one of the options in the list.")})


def _model_choice(label, queryset, *, required=False, message=None):
    message = message or _("Choose one of the options in the list.")
    return forms.ModelChoiceField(label=label, queryset=queryset, required=required,
                                  error_messages={"required": REQUIRED, "invalid_choice": message})


class Form(forms.Form):
    """Labels reuse the models' lower-case names; on a form they start with a capital."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.label:
                field.label = capfirst(field.label)


# --- legal documents ---------------------------------------------------------------------------


class DocumentFilterForm(forms.Form):
    STATES = [("", _("All")), ("in_force", _("In force today")),
              ("ended", _("No longer in force")), ("replaced", _("Replaced"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    doc_type = forms.ChoiceField(label=_("Type of document"), required=False,
                                 choices=[("", _("All"))] + LegalDocument.Type.choices)
    state = forms.ChoiceField(label=_("In force"), required=False, choices=STATES)


class DocumentForm(Form):
    number = _text(_("number and symbol"), 60, required=True,
                   help_text=format_lazy(
                       _("For example {} or {}."), "06/2022/QH15", "152/2025/NĐ-CP"))
    doc_type = _choice(_("type of document"), LegalDocument.Type.choices)
    issuer = _text(_("issuing body"), 200, required=True)
    title = _text(_("title (excerpt)"), 1000, required=True, rows=2)
    issued_on = _date(_("date of issue"))
    effective_from = _date(_("in force from"))
    effective_to = _date(_("in force until"), required=False,
                         help_text=_("Leave it blank while the document is in force."))
    replaced_by = _model_choice(_("replaced by"), LegalDocument.objects.none())
    verified = forms.BooleanField(label=_("dates verified against the text"), required=False)
    source = _text(_("source"), 500)

    def __init__(self, *args, document: LegalDocument | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        others = LegalDocument.objects.order_by("-issued_on", "number")
        if document is not None:
            others = others.exclude(pk=document.pk)
        self.fields["replaced_by"].queryset = others

    def clean(self):
        data = super().clean()
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end < start:
            self.add_error("effective_to", _("The end date must not be before the start date."))
        if data.get("replaced_by") and not end and "effective_to" not in self.errors:
            self.add_error("effective_to", _(
                "A replaced document must have the last day it was in force."))
        return data


# --- movements ---------------------------------------------------------------------------------


def launcher_choices(user):
    """The organizations a user may launch a movement for: the Alliance, its departments and
    the provincial alliances for central roles; otherwise the user's own organization."""
    role = active_role(user)
    if role is None:
        return Organization.objects.none()
    if sees_everything(user):
        K = Organization.Kind
        return Organization.objects.filter(
            kind__in=[K.VCA_CENTRAL, K.DEPARTMENT, K.PUBLIC_UNIT, K.ENTERPRISE,
                      K.PROVINCIAL_ALLIANCE], merged_into__isnull=True).order_by("kind", "sort_key")
    return Organization.objects.filter(pk=role.organization_id)


def participant_choices(user):
    """Organizations that may be named as participants: those directly under the user's own
    organization (the Alliance's departments, units and provincial alliances for the central
    body), and the organization itself."""
    role = active_role(user)
    if role is None:
        return Organization.objects.none()
    org = role.organization
    while org.kind == Organization.Kind.DEPARTMENT and org.parent_id:
        org = org.parent
    return (Organization.objects.filter(Q(parent=org) | Q(pk=org.pk), merged_into__isnull=True,
                                        active_to__isnull=True)
            .order_by("kind", "sort_key", "id"))


class MovementFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    level = forms.ChoiceField(label=_("Level of the movement"), required=False,
                              choices=[("", _("All"))] + Movement.Level.choices)
    kind = forms.ChoiceField(label=_("Kind of movement"), required=False,
                             choices=[("", _("All"))] + Movement.Kind.choices)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[])

    def __init__(self, *args, **kwargs):
        from .selectors import status_choices

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All"))] + status_choices()


class MovementForm(Form):
    name = _text(_("name of the movement"), 500, required=True)
    level = _choice(_("level of the movement"), Movement.Level.choices)
    kind = _choice(_("kind"), Movement.Kind.choices)
    theme = _text(_("theme"), 1000, rows=2)
    motto = _text(_("motto"), 300)
    organization = _model_choice(_("launched by"), Organization.objects.none(), message=_(
        "You cannot launch a movement for this organization."))
    launched_by_name = _text(_("launched by (outside the system)"), 200, help_text=_(
        "For a movement launched outside the Alliance's system: the Prime Minister, a ministry."))
    document = _model_choice(_("launching document"), LegalDocument.objects.none())
    start_date = _date(_("from"))
    end_date = _date(_("to"), required=False,
                     help_text=_("Leave it blank for a movement without an end."))
    participants = forms.ModelMultipleChoiceField(
        label=_("participating organizations"), queryset=Organization.objects.none(),
        required=False, widget=forms.CheckboxSelectMultiple, error_messages={
            "invalid_choice": _("This organization cannot be chosen."),
            "invalid_pk_value": _("This organization cannot be chosen.")})
    description = _text(_("description"), 4000, rows=4)

    def __init__(self, *args, user, movement: Movement | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        launchers = launcher_choices(user)
        participants = participant_choices(user)
        if movement is not None:  # keep what was chosen before, even if out of today's lists
            if movement.organization_id:
                launchers = launchers | Organization.objects.filter(pk=movement.organization_id)
            participants = participants | movement.participants.all()
        self.fields["organization"].queryset = launchers.distinct()
        self.fields["participants"].queryset = participants.distinct()
        self.fields["document"].queryset = LegalDocument.objects.order_by("-issued_on", "number")

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must not be before the start date."))
        if (not self.errors.get("organization") and not data.get("organization")
                and not data.get("launched_by_name")
                and data.get("level") != Movement.Level.NATIONAL):
            self.add_error("organization", _("Say who launched the movement."))
        return data


# --- registration calls ------------------------------------------------------------------------


class CallForm(Form):
    year = forms.IntegerField(label=_("year"), min_value=1945, max_value=2100, error_messages={
        "invalid": YEAR_MESSAGE, "min_value": YEAR_MESSAGE, "max_value": YEAR_MESSAGE,
        "required": REQUIRED})
    deadline = _date(_("registration deadline"))
    movement = _model_choice(_("movement"), Movement.objects.none())
    note = _text(_("guidance"), 2000, rows=3)

    def __init__(self, *args, movements, call: RegistrationCall | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["movement"].queryset = movements
        if call is not None:
            del self.fields["year"]


# --- registrations -----------------------------------------------------------------------------


def registration_award_types():
    return AwardType.objects.filter(is_active=True).order_by("display_order", "name")


class PersonEntryForm(Form):
    """An individual and the title they aim for; the person is found by name (typeahead)."""

    kind = forms.CharField(widget=forms.HiddenInput, required=False, initial="person")
    q = forms.CharField(label=_("Name of the person"), required=False, max_length=120,
                        help_text=_("Type a few letters of the name, with or without "
                                    "diacritics, then choose from the list."))
    person = forms.IntegerField(label=_("person"), required=False, min_value=1,
                                widget=forms.Select, error_messages={
                                    "invalid": _("Choose the person from the list."),
                                    "min_value": _("Choose the person from the list.")})
    award_type = _model_choice(_("title aimed for"), AwardType.objects.none(), required=True)

    def __init__(self, *args, user, registration: Registration, found=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.registration = user, registration
        self.fields["award_type"].queryset = registration_award_types().filter(
            recipient_kind__in=[AwardType.RecipientKind.INDIVIDUAL, AwardType.RecipientKind.BOTH])
        self.fields["person"].widget.choices = [("", _("— search by name, then choose —"))] + [
            (p.pk, person_label(p)) for p in found]
        self.fields["person"].widget.attrs.update({
            "data-typeahead-select": "1", "data-found-text": _("Matches found:"),
            "data-none-text": _("No one in your unit matches this name.")})
        self.fields["q"].widget.attrs.update({
            # Not a combobox: the matches fill the separate list below, which this box
            # controls (axe: a combobox needs aria-expanded and its own popup).
            "data-typeahead": "1", "autocomplete": "off", "aria-controls": "id_person"})

    def clean_q(self):
        return clean_text(self.cleaned_data["q"])

    def clean(self):
        data = super().clean()
        if not self.errors.get("person"):
            pk = data.get("person")
            found = (Person.objects.filter(
                pk=pk, organization__path__startswith=self.registration.organization.path)
                .select_related("organization").first() if pk else None)
            if found is None:
                self.add_error("person", _("Choose the person from the list."))
            else:
                data["person"] = found
                self.fields["person"].widget.choices = [(found.pk, person_label(found))]
        return data


def person_label(person: Person) -> str:
    extra = [str(person.birth_year) if person.birth_year else "", person.organization.name]
    return " – ".join([person.full_name] + [e for e in extra if e])


def find_people(user, registration: Registration, text: str) -> list:
    return candidate_search(user, text, "person", within=registration.organization)


class CollectiveEntryForm(Form):
    collective_name = _text(_("named collective"), 300, help_text=_(
        "Leave it blank for the unit itself."))
    award_type = _model_choice(_("title aimed for"), AwardType.objects.none(), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_type"].queryset = registration_award_types().filter(
            recipient_kind__in=[AwardType.RecipientKind.COLLECTIVE, AwardType.RecipientKind.BOTH])


class MovementsForm(Form):
    movements = forms.ModelMultipleChoiceField(
        label=_("movements the unit takes part in"), queryset=Movement.objects.none(),
        required=False, widget=forms.CheckboxSelectMultiple, error_messages={
            "invalid_choice": _("This movement cannot be chosen."),
            "invalid_pk_value": _("This movement cannot be chosen.")})

    def __init__(self, *args, movements, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["movements"]
        field.queryset = movements
        from .selectors import expired_for_year

        def label(movement):
            if expired_for_year(movement, year):
                return _("%(name)s (ended on %(date)s)") % {
                    "name": movement.name, "date": movement.end_date.strftime("%d/%m/%Y")}
            return movement.name

        field.label_from_instance = label


class RegistrationStartForm(Form):
    year = forms.IntegerField(label=_("year"), min_value=1945, max_value=2100, error_messages={
        "invalid": YEAR_MESSAGE, "min_value": YEAR_MESSAGE, "max_value": YEAR_MESSAGE,
        "required": REQUIRED})
