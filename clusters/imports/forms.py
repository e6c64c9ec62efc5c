from django import forms
from django.utils.translation import gettext_lazy as _

from ..spreadsheets import SpreadsheetError, check_upload
from .base import importers


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of data"))
    # An empty file is checked like any other, so that its report says why it was refused.
    file = forms.FileField(
        allow_empty_file=True,
        label=_("Spreadsheet file (.xlsx or .csv)"),
        help_text=_("Use the template of the chosen kind; the first row must be its header row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, cls.label) for kind, cls in importers().items()]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_upload(upload.name, upload.size)
        except SpreadsheetError as error:
            raise forms.ValidationError(error.messages) from None
        return upload
