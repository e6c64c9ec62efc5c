import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.text import clean_text

from .models import Holiday


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["name", "day", "month", "year"]

    def clean_name(self):
        name = clean_text(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Please enter the name of the holiday."))
        return name

    def clean(self):
        data = super().clean()
        day, month, year = data.get("day"), data.get("month"), data.get("year")
        if day is None or month is None:
            return data
        try:
            datetime.date(year or 2024, month, day)  # 2024 is a leap year: 29/02 is allowed
        except ValueError:
            raise forms.ValidationError(_("The date %(day)s/%(month)s does not exist.")
                                        % {"day": day, "month": month})
        if year is not None and not 2000 <= year <= 2100:
            self.add_error("year", _("The year must be between 2000 and 2100."))
        # A holiday entered twice is refused by the model's unique constraints, with their message.
        return data
