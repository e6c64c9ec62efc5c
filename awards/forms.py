"""Forms validate and clean; the views hand cleaned data to services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.text import clean_text

from .models import AwardType, RuleParameter, parse_value

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})


class AwardTypeForm(forms.ModelForm):
    class Meta:
        model = AwardType
        fields = ["code", "name", "category", "recipient_kind", "granting_level",
                  "council_vote_required", "secret_ballot", "public_notice_required", "is_active",
                  "display_order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The code names the award in imports, exports and rule parameters: it never changes.
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("The code cannot be changed.")
        else:
            self.fields["code"].help_text = _(
                "Capital letters without diacritics, digits and underscores; it cannot be changed later.")

    def clean_code(self):
        if self.instance.pk:
            return self.instance.code
        return clean_text(self.cleaned_data["code"]).upper()

    def clean_name(self):
        name = clean_text(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Please enter the name of the award."))
        return name

    def clean(self):
        data = super().clean()
        if data.get("secret_ballot") and not data.get("council_vote_required"):
            self.add_error("secret_ballot", _("A secret ballot requires a council vote."))
        return data


class RuleSetCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    valid_from = forms.DateField(label=_("Takes effect on"), widget=DATE_WIDGET)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=2000, widget=forms.Textarea(
        attrs={"rows": 4}))
    note = forms.CharField(label=_("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def clean_name(self):
        name = clean_text(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Please enter the name of the rule set."))
        return name

    def clean_legal_basis(self):
        basis = self.cleaned_data["legal_basis"].strip()
        if not basis:
            raise forms.ValidationError(_("Please enter the legal basis."))
        return basis


class RuleSetForm(RuleSetCreateForm):
    valid_to = forms.DateField(label=_("Valid until"), required=False, widget=DATE_WIDGET,
                               help_text=_("Leave it blank while the rule set is in force."))
    field_order = ["name", "valid_from", "valid_to", "legal_basis", "note"]

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end date must not be before the start date."))
        return data


class RuleParameterForm(forms.Form):
    """The value field fits the parameter's kind; parse_value is the one validation."""

    value = forms.CharField(label=_("Value"), max_length=2000, required=False)
    verified = forms.BooleanField(label=_("Verified against the legal text"), required=False)
    legal_citation = forms.CharField(label=_("Legal citation"), max_length=300, required=False)

    def __init__(self, *args, parameter: RuleParameter, **kwargs):
        super().__init__(*args, **kwargs)
        self.parameter = parameter
        field = self.fields["value"]
        field.label = parameter.label
        if parameter.unit:
            field.help_text = _("Unit: %(unit)s") % {"unit": parameter.unit}
        if parameter.kind == RuleParameter.Kind.BOOLEAN:
            self.fields["value"] = forms.ChoiceField(
                label=parameter.label, required=False,
                choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))],
                error_messages={"invalid_choice": _("Choose yes or no.")})
        elif parameter.kind == RuleParameter.Kind.CHOICE:
            self.fields["value"] = forms.ChoiceField(
                label=parameter.label, required=False, choices=[("", "—"), *map(tuple, parameter.choices)],
                error_messages={"invalid_choice": _("Choose one of the listed values.")})

    def clean_value(self):
        p = self.parameter
        parse_value(p.kind, self.cleaned_data["value"], choices=p.choices, min_value=p.min_value,
                    max_value=p.max_value)
        return self.cleaned_data["value"]

    def clean_legal_citation(self):
        return clean_text(self.cleaned_data["legal_citation"])


MAX_SEARCH = 120


class RegistrySearchForm(forms.Form):
    """The filters of the registry search page (tra cứu); every field is optional."""

    name = forms.CharField(label=_("Name of the person or collective"), required=False,
                           max_length=MAX_SEARCH)
    organization = forms.CharField(label=_("Organization (code or name)"), required=False,
                                   max_length=MAX_SEARCH)
    award_type = forms.ModelChoiceField(label=_("Award"), required=False,
                                        queryset=AwardType.objects.all(),
                                        empty_label=_("All awards"))
    year = forms.IntegerField(label=_("Achievement year"), required=False, min_value=1945,
                              max_value=2100)
    decision_number = forms.CharField(label=_("Decision number"), required=False, max_length=60)

    def clean_name(self):
        return clean_text(self.cleaned_data["name"])

    def clean_organization(self):
        return clean_text(self.cleaned_data["organization"])
