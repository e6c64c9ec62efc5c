"""Forms of the award cycles and the dossiers: validation and cleaning only. The views pass
`cleaned_data` to awards.services_dossiers, which checks the rules again and says why it refuses."""

from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import RoleAssignment
from clusters.models import Organization, Person
from clusters.text import clean_text

from . import selectors
from .models import AwardCycle, AwardRecord, AwardType, Dossier, DossierDocument
from .models.facts import MAX_YEAR, MIN_YEAR
from .services_dossiers import MAX_SUMMARY

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_MESSAGE = _("Enter a date as dd/mm/yyyy, for example 31/12/2025.")
YEAR_MESSAGE = _("Enter a year between 1945 and 2100.")
REQUIRED = _("Please fill in this field.")


def _date_field(label, *, required=True, help_text=""):
    return forms.DateField(label=label, required=required, input_formats=DATE_FORMATS,
                           help_text=help_text or _("dd/mm/yyyy"),
                           widget=forms.DateInput(format="%d/%m/%Y",
                                                  attrs={"placeholder": "dd/mm/yyyy"}),
                           error_messages={"invalid": DATE_MESSAGE, "required": REQUIRED})


def _text_field(label, *, limit, required=True, rows=4, help_text=""):
    return forms.CharField(
        label=label, required=required, max_length=limit, help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput,
        error_messages={"required": REQUIRED, "max_length": _(
            "At most %(limit_value)d characters (now %(show_value)d).")})


class Form(forms.Form):
    """Labels reuse the models' lower-case names; on a form they start with a capital."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.label:
                field.label = capfirst(field.label)


# --- cycles ------------------------------------------------------------------------------------


def cycle_award_types(organizer: Organization):
    """A provincial alliance opens cycles only for the awards its head grants (Giấy khen and
    the titles of the unit); the Alliance for every award in use."""
    awards = AwardType.objects.filter(is_active=True)
    if not organizer.is_central:
        awards = awards.filter(granting_level=AwardType.GrantingLevel.UNIT_HEAD)
    return awards


def cycle_submitter_choices(organizer: Organization):
    """The organizations directly under the organizing body that still exist."""
    return (Organization.objects.filter(parent=organizer, merged_into__isnull=True,
                                        active_to__isnull=True)
            .order_by("kind", "sort_key", "id"))


class CycleForm(Form):
    kind = forms.ChoiceField(label=_("kind of commendation"), choices=AwardRecord.Kind.choices)
    year = forms.IntegerField(label=_("achievement year"), min_value=MIN_YEAR,
                              max_value=MAX_YEAR, error_messages={
                                  "invalid": YEAR_MESSAGE, "min_value": YEAR_MESSAGE,
                                  "max_value": YEAR_MESSAGE, "required": REQUIRED})
    title = _text_field(_("title"), limit=300, rows=0)
    award_types = forms.ModelMultipleChoiceField(
        label=_("awards accepted"), queryset=AwardType.objects.none(),
        widget=forms.CheckboxSelectMultiple, error_messages={
            "required": _("Choose at least one award."),
            "invalid_choice": _("This award cannot be chosen for this cycle."),
            "invalid_pk_value": _("This award cannot be chosen for this cycle.")})
    all_submitters = forms.BooleanField(label=_("All provincial cooperative alliances"),
                                        required=False)
    submitters = forms.ModelMultipleChoiceField(
        label=_("organizations that may submit"), queryset=Organization.objects.none(),
        required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Their member units send dossiers through them."), error_messages={
            "invalid_choice": _("This organization cannot be chosen for this cycle."),
            "invalid_pk_value": _("This organization cannot be chosen for this cycle.")})
    deadline = _date_field(_("submission deadline"))
    note = _text_field(_("note"), limit=4000, required=False, rows=3)

    def __init__(self, *args, organizer: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organizer = organizer
        self.fields["award_types"].queryset = cycle_award_types(organizer)
        self.fields["submitters"].queryset = cycle_submitter_choices(organizer)
        if not organizer.is_central:
            self.fields["all_submitters"].label = _("All member units directly under %(name)s") % {
                "name": organizer.name}

    def clean_title(self):
        return clean_text(self.cleaned_data["title"])

    def clean(self):
        data = super().clean()
        if data.get("all_submitters"):
            extra = self.fields["submitters"].queryset
            if self.organizer.is_central:
                extra = extra.filter(kind=Organization.Kind.PROVINCIAL_ALLIANCE)
            chosen = {o.pk: o for o in data.get("submitters") or []}
            chosen.update({o.pk: o for o in extra})
            data["submitters"] = list(chosen.values())
        if not self.errors.get("submitters") and not data.get("submitters"):
            self.add_error("submitters", _("Choose at least one organization that may submit."))
        return data

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("all_submitters", None)
        data["award_types"] = list(data["award_types"])
        return data


class CycleStatusForm(Form):
    status = forms.ChoiceField(choices=AwardCycle.Status.choices, error_messages={
        "invalid_choice": _("This status does not exist."), "required": REQUIRED})


class CycleExtensionForm(Form):
    organization = forms.ModelChoiceField(
        label=_("organization"), queryset=Organization.objects.none(),
        error_messages={"required": REQUIRED, "invalid_choice": _(
            "This organization is not among those that may submit in this cycle.")})
    until = _date_field(_("submissions accepted until"))
    reason = _text_field(_("reason"), limit=2000, rows=3)

    def __init__(self, *args, cycle: AwardCycle, **kwargs):
        super().__init__(*args, **kwargs)
        # The submitters, and the member units that already prepare a dossier through them.
        self.fields["organization"].queryset = (
            Organization.objects.filter(Q(submitter_of_cycles=cycle) | Q(dossiers__cycle=cycle))
            .distinct().order_by("sort_key", "id"))

    def clean_reason(self):
        return clean_text(self.cleaned_data["reason"])


# --- dossiers and nominations ------------------------------------------------------------------


class DossierFilterForm(Form):
    cycle = forms.ModelChoiceField(label=_("award cycle"), queryset=AwardCycle.objects.none(),
                                   required=False, empty_label=_("All cycles"))
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[("", _("All states"))] + Dossier.Status.choices)

    def __init__(self, *args, cycles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles


def candidate_querysets(user, dossier: Dossier):
    """Whom the unit may nominate: what the user sees inside the dossier's organization."""
    return selectors.candidate_querysets(user, dossier.organization, active_only=True)


def find_candidates(user, dossier: Dossier, text: str, kind: str) -> list:
    return selectors.candidate_search(user, text, kind, within=dossier.organization,
                                      active_only=True)


def candidate_label(candidate) -> str:
    if isinstance(candidate, Person):
        extra = [str(candidate.birth_year) if candidate.birth_year else "",
                 candidate.organization.name]
        return " – ".join([candidate.full_name] + [e for e in extra if e])
    return f"{candidate.name} ({candidate.code})"


class NominationForm(Form):
    KIND_CHOICES = [("person", _("Individual")), ("organization", _("Collective"))]

    kind = forms.ChoiceField(label=_("Candidate"), choices=KIND_CHOICES, initial="person",
                             error_messages={"invalid_choice": _("Choose individual or collective."),
                                             "required": REQUIRED})
    q = forms.CharField(label=_("Name of the person or collective"), required=False,
                        max_length=120, help_text=_(
                            "Type a few letters of the name, with or without diacritics, then "
                            "choose from the list."))
    candidate = forms.IntegerField(label=_("Nominee"), required=False, min_value=1,
                                   widget=forms.Select, error_messages={
                                       "invalid": _("Choose the nominee from the list."),
                                       "min_value": _("Choose the nominee from the list.")})
    award_type = forms.ModelChoiceField(label=_("award"), queryset=AwardType.objects.none(),
                                        error_messages={"required": REQUIRED, "invalid_choice": _(
                                            "This cycle does not accept this award.")})
    achievement_summary = _text_field(_("summary of achievements"), limit=MAX_SUMMARY, rows=5)

    def __init__(self, *args, user, dossier: Dossier, found=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people, self.organizations = candidate_querysets(user, dossier)
        self.fields["award_type"].queryset = dossier.cycle.award_types.all()
        self.fields["candidate"].widget.choices = [("", _("— search by name, then choose —"))] + [
            (c.pk, candidate_label(c)) for c in found]
        self.fields["candidate"].widget.attrs.update({
            "data-typeahead-select": "1", "data-found-text": _("Matches found:"),
            "data-none-text": _("No one in your unit matches this name.")})
        self.fields["q"].widget.attrs.update({
            # Not a combobox: the matches fill the separate list below, which this box
            # controls (axe: a combobox needs aria-expanded and its own popup).
            "data-typeahead": "1", "autocomplete": "off", "aria-controls": "id_candidate"})

    def clean_q(self):
        return clean_text(self.cleaned_data["q"])

    def clean(self):
        data = super().clean()
        pk, kind = data.get("candidate"), data.get("kind")
        if kind and not self.errors.get("candidate"):
            source = self.organizations if kind == "organization" else self.people
            found = source.filter(pk=pk).first() if pk else None
            if found is None:
                self.add_error("candidate", _("Choose the nominee from the list."))
            else:
                data["person" if kind == "person" else "organization"] = found
                self.fields["candidate"].widget.choices = [(found.pk, candidate_label(found))]
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {"person": data.get("person"), "organization": data.get("organization"),
                "award_type": data["award_type"],
                "achievement_summary": data["achievement_summary"]}


class NominationUpdateForm(Form):
    award_type = forms.ModelChoiceField(label=_("award"), queryset=AwardType.objects.none(),
                                        error_messages={"required": REQUIRED, "invalid_choice": _(
                                            "This cycle does not accept this award.")})
    achievement_summary = _text_field(_("summary of achievements"), limit=MAX_SUMMARY, rows=6)

    def __init__(self, *args, dossier: Dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_type"].queryset = dossier.cycle.award_types.all()


class DocumentForm(Form):
    kind = forms.ChoiceField(label=_("kind of document"), choices=DossierDocument.Kind.choices,
                             error_messages={"required": _("Choose the kind of document."),
                                             "invalid_choice": _("Choose the kind of document.")})
    nomination = forms.ModelChoiceField(
        label=_("For the nomination"), required=False, queryset=None,
        empty_label=_("The whole dossier"),
        error_messages={"invalid_choice": _("This nomination is not in the dossier.")})
    file = forms.FileField(label=_("file"), help_text=_(
        "PDF, DOCX, XLSX, JPEG or PNG."), error_messages={
        "required": _("Choose the file to upload."),
        "empty": _("The file is empty."),
        "invalid": _("No file was received; please choose it again."),
        "missing": _("No file was received; please choose it again.")})

    def __init__(self, *args, dossier: Dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].queryset = dossier.nominations.select_related(
            "person", "organization", "award_type")
        self.fields["nomination"].label_from_instance = lambda n: (
            f"{n.candidate_name} – {n.award_type.name}")
        self.fields["file"].widget.attrs["accept"] = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"


class DelegationForm(Form):
    user = forms.ModelChoiceField(label=_("delegate"), queryset=None, error_messages={
        "required": REQUIRED,
        "invalid_choice": _("Choose a user who works in your unit.")})
    valid_until = _date_field(_("valid until"), required=False,
                              help_text=_("dd/mm/yyyy; leave empty for no end date."))

    def __init__(self, *args, organization: Organization, exclude_user, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import User

        ids = (RoleAssignment.objects.current().filter(organization=organization)
               .values_list("user_id", flat=True))
        self.fields["user"].queryset = (User.objects.filter(pk__in=ids, is_active=True)
                                        .exclude(pk=exclude_user.pk)
                                        .order_by("last_name", "first_name", "username"))
        self.fields["user"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} ({u.username})")
