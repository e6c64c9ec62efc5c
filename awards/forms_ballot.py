"""Forms of the ballot pages: validation and cleaning only. The views pass what they clean to
awards.services_council (ballot_submit, draft_save, recusal_declare), which checks everything
again and says why it refuses.

A ballot's radio groups are named `choice_<agenda item id>`; nothing else in the POST names an
item."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .forms_dossiers import Form, _text_field
from .models import Choice
from .services_council import MAX_REASON

PREFIX = "choice_"
CHOICE_VALUES = set(Choice.values)


def posted_choices(data) -> dict:
    """{item id (str): choice} from the `choice_<id>` keys of a POST, unchecked: the service
    refuses unknown items and values with its own message."""
    return {key[len(PREFIX):]: data.get(key) for key in data if key.startswith(PREFIX)}


class BallotForm(forms.Form):
    """One member's ballot: a choice for every item they may vote on (`items`: the agenda's
    items; `recused`: the ids of those they do not vote on), or "agree to all remaining".
    Complete unless `agree_remaining`."""

    agree_remaining = forms.BooleanField(required=False)
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, items, recused=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.recused = {str(pk) for pk in recused}
        self.items = {str(item.pk) for item in items} - self.recused

    def clean(self):
        data = super().clean()
        # A choice posted for an item the member is recused from is ignored, as the service does.
        posted = {pk: value for pk, value in posted_choices(self.data).items()
                  if pk not in self.recused}
        if set(posted) - self.items:
            raise ValidationError(_("The ballot names an item that is not on the agenda."))
        if any(value not in CHOICE_VALUES for value in posted.values()):
            raise ValidationError(_("Each item takes agree, disagree or abstain."))
        missing = len(self.items - set(posted))
        if missing and not data.get("agree_remaining"):
            raise ValidationError(ngettext(
                "%(count)s item has no choice yet. Choose for each item, or “agree to all "
                "remaining”.",
                "%(count)s items have no choice yet. Choose for each item, or “agree to all "
                "remaining”.", missing) % {"count": missing})
        data["choices"] = posted
        data["missing"] = missing
        return data


class RecusalForm(Form):
    reason = _text_field(_("Reason for not voting"), limit=MAX_REASON, rows=3, help_text=_(
        "For example: a relative of the nominee, or a conflict of interest with the unit. The "
        "council sees it and the minutes print it."))
