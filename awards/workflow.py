"""The states of a dossier and of its nominations, and the transitions between them, in one
place (architecture §7). Services (awards.services_dossiers) perform them; each writes a
DossierEvent in the same transaction. Who may perform each is in awards.permissions."""

from django.utils.translation import gettext_lazy as _

from .models import Dossier, Nomination

D, N = Dossier.Status, Nomination.Status

# action: (states it starts from, state it leads to, a reason is required)
DOSSIER_TRANSITIONS = {
    "submit": ({D.DRAFT}, D.SUBMITTED, False),
    "resubmit": ({D.RETURNED}, D.SUBMITTED, False),
    "return": ({D.SUBMITTED}, D.RETURNED, True),
    # A provincial alliance accepts a member's dossier and forwards its nominations upward.
    "accept": ({D.SUBMITTED}, D.ACCEPTED, False),
    # The organizer's appraisal is done: each nomination has an opinion.
    "appraise": ({D.SUBMITTED}, D.APPRAISED, False),
    # Every nomination of the dossier is decided (awarded or not).
    "decide": ({D.APPRAISED}, D.DECIDED, False),
}

NOMINATION_TRANSITIONS = {
    "forward": ({N.PROPOSED}, N.FORWARDED, False),
    "agree": ({N.PROPOSED, N.AGREED, N.DISAGREED}, N.AGREED, False),
    "disagree": ({N.PROPOSED, N.AGREED, N.DISAGREED}, N.DISAGREED, True),
    # The council's vote on an agreed nomination of an award it votes on (services_council).
    "council_pass": ({N.AGREED}, N.PASSED, False),
    "council_reject": ({N.AGREED}, N.REJECTED, True),
    # A forwarded nomination follows the outcome of the copy its alliance sent up.
    "award": ({N.AGREED, N.PASSED, N.FORWARDED}, N.AWARDED, False),
    "not_award": ({N.AGREED, N.DISAGREED, N.PASSED, N.FORWARDED}, N.NOT_AWARDED, True),
    "withdraw": ({N.PROPOSED, N.AGREED, N.DISAGREED}, N.WITHDRAWN, True),
}

ACTION_LABELS = {
    "create": _("Created"),
    "submit": _("Submitted"),
    "resubmit": _("Submitted again after correction"),
    "return": _("Returned for correction"),
    "accept": _("Accepted and forwarded"),
    "appraise": _("Appraisal completed"),
    "decide": _("Decided"),
    "forward": _("Forwarded"),
    "agree": _("Appraisal agrees"),
    "disagree": _("Appraisal disagrees"),
    "council_pass": _("Approved by the council"),
    "council_reject": _("Not approved by the council"),
    "award": _("Awarded"),
    "not_award": _("Not awarded"),
    "withdraw": _("Withdrawn"),
    "extend": _("Deadline extended"),
}


class TransitionError(Exception):
    """A transition refused: the message is for the user (Vietnamese)."""

    def __init__(self, message, problems=None):
        super().__init__(message)
        self.message = message
        self.problems = problems or []


def target(table: dict, action: str, current: str) -> str:
    starts, to, _reason = table[action]
    if current not in starts:
        raise TransitionError(_("This step is not possible in the current state."))
    return to


def needs_reason(table: dict, action: str) -> bool:
    return table[action][2]
