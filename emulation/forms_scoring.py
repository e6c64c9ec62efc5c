"""Forms of the scoring pages: validation and cleaning only; emulation.services_scoring checks
the rules again and says why it refuses. Points are typed the Vietnamese way ("2,5"; "2.5" is
read the same)."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import REQUIRED, YEAR_MESSAGE, Form, _choice, _date, _model_choice, _text
from .models import ScoringRound
from .scoring import points_text

POINTS_PATTERN = re.compile(r"^\d{1,5}([.,]\d+)?$")
MAX_COMMENT = 2000


def parse_points(value: str) -> Decimal | None:
    """'2,5' → Decimal('2.5'); '' → None; anything else (negative, letters, 1.000,5) raises."""
    value = (value or "").strip().replace("\u00a0", "").replace(" ", "")
    if not value:
        return None
    if value.startswith("-"):
        raise forms.ValidationError(_("Points cannot be negative."), code="negative")
    if not POINTS_PATTERN.match(value):
        raise forms.ValidationError(_("Enter a number, for example 8 or 7,5."), code="invalid")
    try:
        return Decimal(value.replace(",", "."))
    except InvalidOperation:
        raise forms.ValidationError(_("Enter a number, for example 8 or 7,5."),
                                    code="invalid") from None


class RoundForm(Form):
    group = _model_choice(_("cluster or bloc"), None, required=True)
    year = forms.IntegerField(label=_("year"), min_value=1945, max_value=2100, error_messages={
        "invalid": YEAR_MESSAGE, "min_value": YEAR_MESSAGE, "max_value": YEAR_MESSAGE,
        "required": REQUIRED})
    half = _choice(_("round"), ScoringRound.Half.choices)
    peer_mode = _choice(_("second step"), ScoringRound.PeerMode.choices)
    self_weight = forms.IntegerField(
        label=_("weight of the self score (%)"), min_value=0, max_value=100, initial=0,
        help_text=_("0: the final score is the peers' average or the leader's verified score."),
        error_messages={"invalid": _("The weight is a whole number from 0 to 100."),
                        "min_value": _("The weight is a whole number from 0 to 100."),
                        "max_value": _("The weight is a whole number from 0 to 100."),
                        "required": REQUIRED})
    self_deadline = _date(_("self-scoring deadline"), required=False)
    peer_deadline = _date(_("peer-scoring deadline"), required=False)

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


class TransitionForm(Form):
    to = forms.ChoiceField(choices=ScoringRound.Status.choices, widget=forms.HiddenInput)
    reason = _text(_("reason"), 100, rows=2)


CONFERENCE_MESSAGE = _("Choose how the review conference was held: in person, online, or no "
                       "conference held.")


class CloseForm(TransitionForm):
    """The close: the round is closed at the group's review conference, whose form is asked
    (no default, so that nobody records one by not looking)."""

    conference = forms.ChoiceField(
        label=_("review conference"), choices=ScoringRound.Conference.choices,
        widget=forms.RadioSelect,
        help_text=_("The mid-year or year-end review conference of the cluster or bloc at "
                    "which the results were agreed."),
        error_messages={"required": CONFERENCE_MESSAGE, "invalid_choice": CONFERENCE_MESSAGE})


def transition_form(to, *args, **kwargs):
    """The form of the step to `to`: the close asks the review conference."""
    return (CloseForm if to == ScoringRound.Status.CLOSED else TransitionForm)(*args, **kwargs)


class SheetForm(forms.Form):
    """One points field and one explanation per criterion of the table."""

    def __init__(self, *args, criteria, scores=None, defaults=None, **kwargs):
        super().__init__(*args, **kwargs)
        scores = scores or {}
        defaults = defaults or {}
        self.criteria = list(criteria)
        for c in self.criteria:
            score = scores.get(c.pk)
            points = score.points if score else defaults.get(c.pk)
            self.fields[f"points_{c.pk}"] = forms.CharField(
                label=_("Points for %(line)s") % {"line": c.code or c.text[:40]}, required=False,
                max_length=12, initial=points_text(points) if points is not None else "",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6,
                                              "autocomplete": "off"}),
                error_messages={"max_length": _("Enter a number, for example 8 or 7,5.")})
            self.fields[f"comment_{c.pk}"] = _text(
                _("Explanation for %(line)s") % {"line": c.code or c.text[:40]}, MAX_COMMENT,
                rows=1)
            self.fields[f"comment_{c.pk}"].initial = score.comment if score else ""

    def clean(self):
        data = super().clean()
        for c in self.criteria:
            name = f"points_{c.pk}"
            if name in self.errors:
                continue
            try:
                value = parse_points(data.get(name))
            except forms.ValidationError as error:
                self.add_error(name, error)
                continue
            if value is not None and value > c.max_points:
                self.add_error(name, _("From 0 to %(max)s.") % {"max": points_text(c.max_points)})
            data[name] = value
        return data

    def lines(self) -> dict:
        data = self.cleaned_data
        return {c.pk: (data.get(f"points_{c.pk}"), data.get(f"comment_{c.pk}") or "")
                for c in self.criteria}

    def rows(self):
        """(criterion, points field, comment field) in the table's order."""
        return [(c, self[f"points_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence file"), error_messages={
        "required": _("Choose a file."), "empty": _("The file is empty."),
        "invalid": _("Choose a file.")})


class ProposalForm(forms.Form):
    """For each ranked unit: proposed for the flag, for the certificate, and a reason."""

    def __init__(self, *args, results, **kwargs):
        super().__init__(*args, **kwargs)
        self.results = results
        for r in results:
            pk = r.organization.pk
            self.fields[f"flag_{pk}"] = forms.BooleanField(required=False, label=_("Flag"))
            self.fields[f"certificate_{pk}"] = forms.BooleanField(required=False,
                                                                  label=_("Certificate"))
            self.fields[f"reason_{pk}"] = _text(_("Reason"), 2000, rows=1)

    def choices(self) -> dict:
        data = self.cleaned_data
        return {"CTD_LM": [r.organization.pk for r in self.results
                           if data.get(f"flag_{r.organization.pk}")],
                "BK_BCH": [r.organization.pk for r in self.results
                           if data.get(f"certificate_{r.organization.pk}")]}

    def reasons(self) -> dict:
        return {r.organization.pk: self.cleaned_data.get(f"reason_{r.organization.pk}") or ""
                for r in self.results}

    def rows(self):
        return [(r, self[f"flag_{r.organization.pk}"], self[f"certificate_{r.organization.pk}"],
                 self[f"reason_{r.organization.pk}"]) for r in self.results]
