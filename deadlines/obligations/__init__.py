"""Every dated obligation of the system as a deadline, with who still owes it.

One adapter per DeadlineKind (OBLIGATIONS[kind]):
- `specs(today) -> list[DeadlineSpec]`: the deadlines that should exist now (open sources, and
  those due up to LATE_WINDOW_DAYS ago so that the late steps of the ladder still go);
- `owing(deadline) -> list[Owed]`: the active users who still owe the work, one per user, in a
  fixed number of queries whatever the audience;
- `heads(deadline, owed) -> list[User]`: whom an escalation also reaches (the unit heads of the
  organizations that still owe; the chair for a council vote), never a user already owing.

`sync_deadlines(today=None)` mirrors the specs into Deadline rows."""

from ..models import DeadlineKind
from .awards import AppraisalObligation, CouncilVoteObligation, NominationObligation
from .base import LATE_WINDOW_DAYS, Adapter, DeadlineSpec, Owed
from .emulation import (
    PeerScoringObligation, PledgeObligation, RegistrationObligation, SelfScoringObligation,
)
from .reports import UnitReportObligation
from .sync import sync_deadlines

OBLIGATIONS: dict[str, Adapter] = {
    DeadlineKind.REGISTRATION: RegistrationObligation(),
    DeadlineKind.PLEDGE: PledgeObligation(),
    DeadlineKind.SELF_SCORING: SelfScoringObligation(),
    DeadlineKind.PEER_SCORING: PeerScoringObligation(),
    DeadlineKind.UNIT_REPORT: UnitReportObligation(),
    DeadlineKind.NOMINATION: NominationObligation(),
    DeadlineKind.APPRAISAL: AppraisalObligation(),
    DeadlineKind.COUNCIL_VOTE: CouncilVoteObligation(),
}


def owing(deadline) -> list[Owed]:
    return OBLIGATIONS[deadline.kind].owing(deadline)


def heads(deadline, owed: list[Owed]) -> list:
    return OBLIGATIONS[deadline.kind].heads(deadline, owed)


__all__ = ["DeadlineSpec", "LATE_WINDOW_DAYS", "OBLIGATIONS", "Owed", "heads", "owing",
           "sync_deadlines"]
