"""The eligibility page's question: who (found by name), which award, which year, which date."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.text import clean_text

from .models import AwardType
from .models.facts import MAX_YEAR, MIN_YEAR


YEAR_MESSAGE = _("Enter a year between 1945 and 2100.")  # MIN_YEAR and MAX_YEAR


class EligibilityForm(forms.Form):
    KIND_CHOICES = [("person", _("Individual")), ("organization", _("Collective"))]

    q = forms.CharField(label=_("Name of the person or collective"), required=False,
                        max_length=120)
    kind = forms.ChoiceField(label=_("Candidate"), choices=KIND_CHOICES, initial="person",
                             required=False)
    person = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    organization = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    award = forms.ModelChoiceField(label=_("Award"), required=False, to_field_name="code",
                                   queryset=AwardType.objects.filter(is_active=True),
                                   empty_label=_("Every award that fits the candidate"),
                                   error_messages={"invalid_choice": _(
                                       "This award is not in the catalogue.")})
    year = forms.IntegerField(label=_("Achievement year"), min_value=MIN_YEAR, max_value=MAX_YEAR,
                              required=False, error_messages={
                                  "invalid": YEAR_MESSAGE, "min_value": YEAR_MESSAGE,
                                  "max_value": YEAR_MESSAGE})
    on_date = forms.DateField(label=_("Rules in force on"), required=False,
                              help_text=_("dd/mm/yyyy; today when left empty."),
                              input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                              error_messages={"invalid": _(
                                  "Enter a date as dd/mm/yyyy, for example 31/12/2025.")})

    def __init__(self, *args, default_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_year = default_year
        self.fields["year"].widget.attrs["placeholder"] = str(default_year)

    def clean_q(self):
        return clean_text(self.cleaned_data["q"])

    def clean_year(self):
        return self.cleaned_data["year"] or self.default_year

    def clean_on_date(self):
        return self.cleaned_data["on_date"] or datetime.date.today()
