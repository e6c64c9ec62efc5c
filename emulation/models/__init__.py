"""Models of the emulation app, split by sub-domain: the legal documents, movements and yearly
registrations; and the year of an emulation group (pledge, criteria table, scoring rounds) with
the groups outside the Alliance it takes part in."""

from .movements import (  # noqa: F401
    LegalDocument, Movement, Registration, RegistrationCall, RegistrationEntry,
)
from .groups import (  # noqa: F401
    CriteriaSection, CriteriaTable, Criterion, ExternalGroup, ExternalGroupYear, Pledge,
    PledgeTarget, RoundProposal, Score, ScoreEvidence, ScoreSheet, ScoringRound,
)
