"""The states of a report period and of a unit's report, and the transitions between them, in
one place (architecture §7). reports.services performs each through one function (named here);
reports.permissions says who may."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import ReportPeriod, UnitReport

P = ReportPeriod.Status
R = UnitReport.Status


class TransitionError(ValidationError):
    """A transition the current state does not allow, or whose conditions are not met."""


# (from, to): (service in reports.services, event action, button label)
PERIOD_TRANSITIONS = {
    (P.OPEN, P.CLOSED): ("period_close", "close", _("Close the period")),
    (P.CLOSED, P.OPEN): ("period_reopen", "reopen", _("Reopen the period")),
}

# A report is created as a draft (event "create"); sending and returning move it.
REPORT_TRANSITIONS = {
    (R.DRAFT, R.SUBMITTED): ("report_submit", "submit", _("Send the report")),
    (R.RETURNED, R.SUBMITTED): ("report_submit", "resubmit", _("Send the corrected report")),
    (R.SUBMITTED, R.RETURNED): ("report_return", "return", _("Return for correction")),
}

# Which states a writer may still edit.
EDITABLE = {R.DRAFT, R.RETURNED}

EVENT_LABELS = {
    "create": _("Started the report"),
    "submit": _("Sent the report"),
    "resubmit": _("Sent the corrected report"),
    "return": _("Returned the report for correction"),
}


def period_transition(status: str, to: str):
    found = PERIOD_TRANSITIONS.get((status, to))
    if found is None:
        raise TransitionError(_("The period cannot go from “%(start)s” to “%(end)s”.") % {
            "start": _label(P, status), "end": _label(P, to)})
    return found


def report_transition(status: str, to: str):
    found = REPORT_TRANSITIONS.get((status, to))
    if found is None:
        raise TransitionError(_("The report cannot go from “%(start)s” to “%(end)s”.") % {
            "start": _label(R, status), "end": _label(R, to)})
    return found


def _label(choices, value):
    return choices(value).label if value in choices.values else value
