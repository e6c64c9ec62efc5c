"""Forms validate and clean; the views hand cleaned data to services."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import EmulationGroup, Organization, Person, Province
from .text import clean_text

MAX_SEARCH = 100


class OrganizationCodeField(forms.CharField):
    """Pick one organization among thousands by its code, within what the user may see."""

    def __init__(self, *args, queryset=None, **kwargs):
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("help_text", _("Enter the organization code, for example LM-HA-NOI."))
        super().__init__(*args, **kwargs)
        self.queryset = queryset

    def prepare_value(self, value):
        if isinstance(value, Organization):
            return value.code
        if isinstance(value, int):
            org = Organization.objects.filter(pk=value).only("code").first()
            return org.code if org else ""
        return value

    def clean(self, value):
        code = clean_text(super().clean(value)).upper()
        if not code:
            return None
        org = self.queryset.filter(code=code).first()
        if org is None:
            raise forms.ValidationError(
                _("No organization with the code “%(code)s” was found within the scope you manage."),
                code="unknown", params={"code": code},
            )
        return org


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name or code"), required=False, max_length=MAX_SEARCH)
    province = forms.ModelChoiceField(
        label=_("Province or city"), queryset=Province.objects.all(), required=False,
        empty_label=_("All"),
    )
    kind = forms.ChoiceField(
        label=_("Organization type"), required=False,
        choices=[("", _("All"))] + list(Organization.Kind.choices),
    )
    group = forms.ModelChoiceField(
        label=_("Emulation cluster or bloc"), queryset=EmulationGroup.objects.none(), required=False,
        empty_label=_("All"),
    )
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    include_inactive = forms.BooleanField(label=_("Include closed and merged organizations"),
                                          required=False)

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        if groups is not None:
            self.fields["group"].queryset = groups


class OrganizationForm(forms.ModelForm):
    parent = OrganizationCodeField(label=_("Parent organization code"), required=False)

    class Meta:
        model = Organization
        fields = ["code", "kind", "name", "short_name", "parent", "province", "tax_code", "address",
                  "active_from"]
        help_texts = {
            "code": _("A short code, unique in the whole system, for example HTX-HN-0012."),
            "tax_code": _("Required for cooperatives and cooperative unions."),
        }

    def __init__(self, *args, parent_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parent_queryset
        self.fields["province"].queryset = Province.objects.filter(valid_to__isnull=True)
        self.fields["active_from"].widget = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})

    def clean_code(self):
        code = clean_text(self.cleaned_data["code"]).upper()
        if not re.fullmatch(r"[A-Z0-9_-]+", code):
            raise forms.ValidationError(
                _("An organization code may contain only letters without diacritics, digits, hyphens "
                  "and underscores.")
            )
        return code

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in (Organization.Kind.COOPERATIVE, Organization.Kind.COOP_UNION) and not data.get(
            "tax_code"
        ):
            self.add_error("tax_code", _("Cooperatives and cooperative unions must have a tax code."))
        if kind != Organization.Kind.VCA_CENTRAL and not data.get("parent") and "parent" not in self.errors:
            self.add_error("parent", _("Please enter the parent organization code."))
        return data


class OrganizationRenameForm(forms.Form):
    name = forms.CharField(label=_("New full name"), max_length=255)
    short_name = forms.CharField(label=_("New short name"), max_length=120, required=False)
    on_date = forms.DateField(label=_("Date the new name takes effect"),
                              widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))


class OrganizationMergeForm(forms.Form):
    into = OrganizationCodeField(label=_("Code of the receiving organization"))
    on_date = forms.DateField(label=_("Merger date (effective)"),
                              widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    confirm = forms.BooleanField(
        label=_("I confirm the merger; the merged organization stops operating on the day before that date."),
    )

    def __init__(self, *args, into_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = into_queryset


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by full name"), required=False, max_length=MAX_SEARCH)
    organization = OrganizationCodeField(label=_("Organization code"), required=False, help_text="")
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False, min_value=1900,
                                    max_value=2100)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


def _year_bounds():
    return 1900, timezone.localdate().year


class PersonForm(forms.ModelForm):
    organization = OrganizationCodeField(label=_("Workplace organization code"))
    confirm_duplicate = forms.BooleanField(
        label=_("I have checked: this is a different person, not one already on record."),
        required=False,
    )

    class Meta:
        model = Person
        fields = ["full_name", "gender", "birth_year", "position", "organization"]

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        if self.instance.pk:
            # A change of organization is a move with a date, done on its own page.
            del self.fields["organization"]
        self.duplicates = []

    def clean_full_name(self):
        name = clean_text(self.cleaned_data["full_name"])
        if len(name.split(" ")) < 2:
            raise forms.ValidationError(_("Please enter the full name (at least two words)."))
        if any(ch.isdigit() for ch in name):
            raise forms.ValidationError(_("A full name must not contain digits."))
        return name

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        low, high = _year_bounds()
        if year is not None and not (low <= year <= high - 15):
            raise forms.ValidationError(
                _("The year of birth must be between %(low)s and %(high)s.") % {"low": low, "high": high - 15}
            )
        return year


class PersonMoveForm(forms.Form):
    to_organization = OrganizationCodeField(label=_("Code of the new organization"))
    moved_on = forms.DateField(label=_("Transfer date"),
                               widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    position = forms.CharField(label=_("Position at the new organization"), max_length=200, required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organization"].queryset = organizations


class GroupForm(forms.ModelForm):
    class Meta:
        model = EmulationGroup
        fields = ["code", "name", "kind", "description"]


class GroupYearForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Member organizations"), queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple, required=False,
    )
    leader = forms.ModelChoiceField(label=_("Leading organization"), queryset=Organization.objects.none(),
                                    required=False, empty_label=_("Not elected yet"))
    deputy = forms.ModelChoiceField(label=_("Deputy organization"), queryset=Organization.objects.none(),
                                    required=False, empty_label=_("Not elected yet"))

    def __init__(self, *args, candidates, group, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("members", "leader", "deputy"):
            self.fields[name].queryset = candidates
        self.fields["leader"].label = group.leader_title
        self.fields["deputy"].label = group.deputy_title


class GroupCopyYearForm(forms.Form):
    from_year = forms.IntegerField(label=_("Copy from year"), min_value=2000, max_value=2100)
    to_year = forms.IntegerField(label=_("To year"), min_value=2000, max_value=2100)

    def clean(self):
        data = super().clean()
        if data.get("from_year") and data.get("to_year") and data["to_year"] <= data["from_year"]:
            self.add_error("to_year", _("The new year must be after the year copied."))
        return data
