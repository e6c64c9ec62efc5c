"""The audit trail's search form (issue 9)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors_audit

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class AuditSearchForm(forms.Form):
    model = forms.ChoiceField(label=_("Object type"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[
        ("", _("Any action")), ("+", _("Created")), ("~", _("Updated")), ("-", _("Deleted"))])
    user = forms.CharField(label=_("Done by (username or name)"), required=False, max_length=150)
    date_from = forms.DateField(label=_("From date"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("To date"), required=False, widget=DATE_WIDGET)
    # Django's own message for this field has no Vietnamese translation: our own wording.
    ip = forms.GenericIPAddressField(
        label=_("IP address"), required=False, unpack_ipv4=True,
        error_messages={"invalid": _("Enter a valid IP address (IPv4 or IPv6).")})
    object_id = forms.IntegerField(label=_("Object number (id)"), required=False, min_value=1,
                                   max_value=2**63 - 1)
    q = forms.CharField(label=_("Text in the object"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("Every type")), *selectors_audit.model_choices()]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data

    def filters(self, user_ids) -> selectors_audit.AuditFilters:
        data = self.cleaned_data
        return selectors_audit.AuditFilters(
            model_labels=[data["model"]] if data.get("model") else [],
            action=data.get("action") or "", user_ids=user_ids,
            date_from=data.get("date_from"), date_to=data.get("date_to"),
            ip=data.get("ip") or "", object_id=data.get("object_id"),
            text=(data.get("q") or "").strip())
