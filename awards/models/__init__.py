"""Models of the awards app, split by sub-domain: the catalogue and rule sets, the registry of
conferred awards, and the per-person facts the registry does not hold (eligibility inputs)."""

from .catalogue import (  # noqa: F401
    MAX_TEXT_VALUE, AwardType, RuleParameter, RuleSet, RuleSetQuerySet, format_value, parse_value,
)
from .facts import (  # noqa: F401
    RATING_ORDER, SCOPE_ORDER, AnnualAssessment, DisciplineRecord, Initiative, Rating,
    rating_at_least,
)
from .registry import AwardRecord, AwardRecordQuerySet  # noqa: F401
from .dossiers import (  # noqa: F401
    AwardCycle, CycleExtension, Dossier, DossierDocument, DossierEvent, Nomination, PublicNotice,
    SubmitDelegation,
)
from .decisions import BaseSalary, Certificate, Decision, DecisionItem  # noqa: F401
from .council import (  # noqa: F401
    AgendaItem, Attendance, Ballot, BallotDraft, BallotParticipation, Choice, Council,
    CouncilMeeting, CouncilMember, CouncilTerm, MeetingEvent, OpenVote, Recusal,
)
