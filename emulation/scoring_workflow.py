"""The states of a scoring round and the transitions between them, in one place (architecture
§7). emulation.services_scoring performs them (one function each, named here); who may perform
them is emulation.permissions_scoring.can_manage_round."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import ScoringRound

S = ScoringRound.Status

# (from, to): (service function in services_scoring, button label, notification text)
ROUND_TRANSITIONS = {
    (S.DRAFT, S.SELF): ("round_open_self", _("Open self-scoring"),
                        _("Self-scoring is open: %(round)s.")),
    (S.SELF, S.PEER): ("round_open_second_step", _("Open the second step"),
                       _("The second step of scoring is open: %(round)s.")),
    (S.PEER, S.CLOSED): ("round_close", _("Close the round and rank"),
                         _("The round is closed and the ranking is published: %(round)s.")),
}


class TransitionError(ValidationError):
    """A transition the round's state does not allow, or whose conditions are not met."""


def next_status(status: str) -> str | None:
    for (start, end) in ROUND_TRANSITIONS:
        if start == status:
            return end
    return None


def transition(status: str, to: str):
    """The (service name, label, notification) of status → to, or TransitionError."""
    found = ROUND_TRANSITIONS.get((status, to))
    if found is None:
        raise TransitionError(_("The round cannot go from “%(start)s” to “%(end)s”.") % {
            "start": S(status).label if status in S.values else status,
            "end": S(to).label if to in S.values else to})
    return found
