"""Eligibility: whether a person or a collective may be proposed for an award for a year, and
why. `check` for one, `check_many` for a batch or a list of nominations (constant queries).
The rules register themselves on import of `rules`."""

from . import rules  # noqa: F401  (registers the rules)
from .engine import (  # noqa: F401
    RULES, Candidate, Check, Facts, ListCheck, Outcome, Reason, Request, Result, Verdict, check,
    check_many, rule,
)
