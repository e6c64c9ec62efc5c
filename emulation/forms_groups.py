"""Forms of a group's year (pledge, targets, signing, criteria table) and of the groups outside
the Alliance: validation and cleaning only; emulation.services_groups checks again."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from awards.uploads import max_file_bytes
from clusters.models import Organization

from .forms import REQUIRED, Form, _choice, _date, _text
from .models import Criterion, ExternalGroup, ExternalGroupYear

MAX_POINTS = Decimal("1000")
FILE_ERRORS = {"required": _("Upload the signed document."),
               "empty": _("The file is empty."),
               "invalid": _("No file was uploaded."),
               "max_length": _("The file name is too long.")}


class PointsField(forms.CharField):
    """Points typed the Vietnamese way (2,5) or with a point (2.5); 0 to 1000, two decimals."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("error_messages", {"required": REQUIRED,
                                             "max_length": _("Enter a number of points.")})
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value):
        text = super().clean(value)
        if text in (None, ""):
            return None
        try:
            points = Decimal(text.replace(" ", "").replace(",", "."))
        except InvalidOperation:
            points = Decimal("NaN")
        if not points.is_finite():
            raise forms.ValidationError(format_lazy(
                _("Enter a number of points, for example {}."), "2,5"), code="invalid")
        if points < 0:
            raise forms.ValidationError(_("The points cannot be negative."), code="min")
        if points > MAX_POINTS:
            raise forms.ValidationError(_("At most %(max)s points.") % {"max": int(MAX_POINTS)},
                                        code="max")
        if points != points.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("At most two decimal places."), code="decimals")
        return points.quantize(Decimal("0.01"))

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            text = format(value.normalize(), "f") if value == value.to_integral() else str(
                value).rstrip("0")
            return text.replace(".", ",")
        return value


def _file(label, *, required=True):
    return forms.FileField(
        label=label, required=required, max_length=200, error_messages=FILE_ERRORS,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        help_text=format_lazy(_("PDF, JPEG or PNG, at most {} MB."),
                              max_file_bytes() // (1024 * 1024)))


# --- pledges -----------------------------------------------------------------------------------


def _sign_by():
    # The reminders' deadline (deadlines.obligations): optional, a pledge may have no set day.
    return _date(_("to be signed by"), required=False, help_text=_(
        "dd/mm/yyyy. The leader unit is reminded before this day until the signing is "
        "recorded."))


class PledgeCreateForm(Form):
    title = _text(_("title"), 300, required=True)
    sign_by = _sign_by()


class PledgeForm(Form):
    title = _text(_("title"), 300, required=True)
    sign_by = _sign_by()
    note = _text(_("note"), 4000, rows=3)


class TargetForm(Form):
    text = _text(_("target"), 2000, required=True, rows=3)
    max_points = PointsField(label=_("maximum points"), help_text=format_lazy(
        _("For example {} or {}."), "10", "2,5"))


class PledgeSignForm(Form):
    signed_on = _date(_("signed on"))
    place = _text(_("place"), 200, required=True)
    signatories = forms.ModelMultipleChoiceField(
        label=_("units that signed"), queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple, error_messages={
            "required": _("Choose at least one unit that signed."),
            "invalid_choice": _("This organization cannot be chosen."),
            "invalid_pk_value": _("This organization cannot be chosen.")})
    document = _file(_("signed document"))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signatories"].queryset = members


# --- criteria tables ---------------------------------------------------------------------------


class CriteriaTableForm(Form):
    title = _text(_("title"), 300, required=True)


class SectionForm(Form):
    code = _text(_("number"), 10, help_text=format_lazy(_("For example {} or {}."), "I", "A"))
    title = _text(_("section"), 500, required=True)


class CriterionForm(Form):
    code = _text(_("number"), 10, help_text=format_lazy(_("For example {} or {}."), "1", "1.2"))
    text = _text(_("criterion"), 2000, required=True, rows=3)
    kind = _choice(_("kind"), Criterion.Kind.choices)
    max_points = PointsField(label=_("maximum points"), help_text=format_lazy(
        _("For example {} or {}. For a penalty item: the most that can be taken away."),
        "10", "2,5"))
    evidence_required = forms.BooleanField(label=_("evidence required"), required=False)


# --- groups outside the Alliance ---------------------------------------------------------------


class ExternalGroupForm(Form):
    name = _text(_("name"), 300, required=True)
    kind = _choice(_("type"), ExternalGroup.Kind.choices)
    organized_by = _text(_("organized by"), 300, required=True, help_text=format_lazy(
        _("For example {}."), "Hội đồng Thi đua – Khen thưởng Trung ương"))
    organization = forms.ModelChoiceField(
        label=_("taking part"), queryset=Organization.objects.none(), error_messages={
            "required": REQUIRED, "invalid_choice": _("Choose one of the options in the list.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        K = Organization.Kind
        self.fields["organization"].queryset = Organization.objects.filter(
            kind__in=[K.VCA_CENTRAL, K.DEPARTMENT]).order_by("kind", "sort_key")


class ExternalYearForm(Form):
    year = forms.IntegerField(label=_("year"), min_value=1945, max_value=2100, error_messages={
        "required": REQUIRED, "invalid": _("Enter a year between 1945 and 2100."),
        "min_value": _("Enter a year between 1945 and 2100."),
        "max_value": _("Enter a year between 1945 and 2100.")})
    role = _choice(_("role"), ExternalGroupYear.Role.choices)
    pledge_signed_on = _date(_("pledge signed on"), required=False)
    pledge_document = _file(_("signed pledge"), required=False)
    activities = _text(_("activities held"), 8000, rows=6)
    result = _text(_("result of the year"), 500)
