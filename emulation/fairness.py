"""Fairness analytics of a group's scoring (issue 6 part 7), as pure functions over plain data.

The reference report says scoring is "subjective, out of courtesy, and taken in turns". These
functions make that visible to the administrators and the council before they vote:

- `over_claims`: self score minus the verified (leader mode) or the peers' average score, per
  criterion, across rounds; a unit is flagged when its mean over-claim, as a share of each
  criterion's maximum, exceeds the threshold;
- `reciprocity`: for each ordered pair (A scores B), A's total for B minus the other scorers'
  average for B; a pair is flagged when both directions deviate upward beyond the threshold;
- `rotation`: winners taking turns over the years, and the leader unit winning in its own
  leading year;
- `evidence_coverage`: the share of self-score lines with evidence, per criterion.

A flag is a question to ask, not a verdict: each result carries the data behind it.
No database access here: emulation.selectors_fairness loads the data in a fixed number of
queries and calls these.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from . import scoring

# The thresholds, in one place (no rule-set parameter exists for them). A deployment may
# override them with settings.EMULATION_FAIRNESS = {"overclaim_share": ..., ...}; the page
# shows the values in force.
DEFAULT_THRESHOLDS = {
    # a unit is flagged when its self scores exceed the reference by more than this share of
    # each criterion's maximum, on average over all its lines
    "overclaim_share": Decimal("0.10"),
    # a pair is flagged when A's total for B and B's total for A each exceed the other
    # scorers' average by more than this share of the table's maximum total
    "reciprocity_share": Decimal("0.05"),
}
MIN_ROTATION = 3  # a turn-taking order needs at least three units

SELF, PEER, VERIFY = "self", "peer", "verify"
LEADER_MODE = "leader"
YEAR_END = "year_end"


def thresholds() -> dict:
    values = dict(DEFAULT_THRESHOLDS)
    values.update({k: Decimal(str(v)) for k, v in
                   getattr(settings, "EMULATION_FAIRNESS", {}).items() if k in values})
    return values


def _percent(share):
    return None if share is None else share * 100


def _mean(values):
    values = list(values)
    return sum(values, Decimal(0)) / len(values) if values else None


# --- plain data --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Round:
    id: int
    year: int
    half: str
    peer_mode: str = "peers"
    self_weight: int = 0
    max_total: Decimal = Decimal(0)  # the table's maximum (standard and bonus criteria)


@dataclass(frozen=True)
class Line:
    """One submitted score line (a Score row)."""

    round: Round
    scored: int
    scorer: int
    kind: str
    criterion: str  # a key stable across the years' copied tables: "code text"
    points: Decimal
    max_points: Decimal
    penalty: bool = False
    evidence: int = 0
    evidence_required: bool = False

    @property
    def signed(self) -> Decimal:
        return -self.points if self.penalty else self.points


# --- over-claim --------------------------------------------------------------------------------


@dataclass
class OverClaimLine:
    round: Round
    criterion: str
    self_points: Decimal
    reference: Decimal
    reference_kind: str  # verify or peer
    reference_by: list  # [(scorer, points)]
    max_points: Decimal
    difference: Decimal  # positive: the unit claimed more than the others gave it
    share: Decimal | None

    @property
    def percent(self):
        return _percent(self.share)


@dataclass
class UnitOverClaim:
    unit: int
    lines: list = field(default_factory=list)
    missing: int = 0  # self lines without a reference score
    mean_points: Decimal | None = None
    mean_share: Decimal | None = None
    flagged: bool = False
    by_criterion: list = field(default_factory=list)  # [(criterion, mean points, mean %, n)]

    @property
    def mean_percent(self):
        return _percent(self.mean_share)


def over_claims(lines, *, threshold=None) -> list[UnitOverClaim]:
    """Per unit, each self line against its reference in the same round: the leader's
    verification when the round is in leader mode, otherwise the peers' average. For a penalty
    item, claiming less penalty than the others found is the over-claim."""
    threshold = thresholds()["overclaim_share"] if threshold is None else threshold
    refs = defaultdict(list)
    for line in lines:
        if line.kind in (PEER, VERIFY):
            refs[(line.round.id, line.scored, line.criterion, line.kind)].append(line)
    units = {}
    for line in sorted((x for x in lines if x.kind == SELF),
                       key=lambda x: (x.round.year, x.round.half, x.criterion)):
        unit = units.setdefault(line.scored, UnitOverClaim(unit=line.scored))
        kind = VERIFY if line.round.peer_mode == LEADER_MODE else PEER
        given = refs.get((line.round.id, line.scored, line.criterion, kind), [])
        if not given:
            unit.missing += 1
            continue
        reference = _mean(x.points for x in given)
        difference = reference - line.points if line.penalty else line.points - reference
        share = difference / line.max_points if line.max_points > 0 else None
        unit.lines.append(OverClaimLine(
            round=line.round, criterion=line.criterion, self_points=line.points,
            reference=reference, reference_kind=kind,
            reference_by=sorted(((x.scorer, x.points) for x in given), key=lambda x: x[0]),
            max_points=line.max_points, difference=difference, share=share))
    for unit in units.values():
        unit.mean_points = _mean(x.difference for x in unit.lines)
        unit.mean_share = _mean(x.share for x in unit.lines if x.share is not None)
        unit.flagged = unit.mean_share is not None and unit.mean_share > threshold
        per = defaultdict(list)
        for x in unit.lines:
            per[x.criterion].append(x)
        unit.by_criterion = [
            (criterion, _mean(x.difference for x in xs),
             _percent(_mean(x.share for x in xs if x.share is not None)), len(xs))
            for criterion, xs in sorted(per.items())]
    return sorted(units.values(), key=lambda u: (
        u.mean_share is None, -(u.mean_share or 0), u.unit))


# --- reciprocity -------------------------------------------------------------------------------


@dataclass
class PairRound:
    round: Round
    given: Decimal  # A's total for B
    others: Decimal  # the other scorers' average total for B
    others_count: int
    deviation: Decimal
    share: Decimal | None

    @property
    def percent(self):
        return _percent(self.share)


@dataclass
class PairCell:
    scorer: int
    scored: int
    rounds: list = field(default_factory=list)
    mean_deviation: Decimal | None = None
    mean_share: Decimal | None = None
    flagged: bool = False  # part of a mutually inflating pair

    @property
    def mean_percent(self):
        return _percent(self.mean_share)


@dataclass
class Reciprocity:
    units: list  # the matrix's order
    cells: dict  # (scorer, scored) -> PairCell
    flagged_pairs: list  # [(a, b, cell a→b, cell b→a)] with a < b in `units` order

    def row(self, scorer):
        return [self.cells.get((scorer, scored)) if scorer != scored else None
                for scored in self.units]


def reciprocity(lines, *, units=None, threshold=None) -> Reciprocity:
    """Peer sheets only. Each sheet's total (penalties taken away) is compared with the average
    of the other scorers' totals for the same unit in the same round; a scorer alone on a unit
    has nothing to be compared with."""
    threshold = thresholds()["reciprocity_share"] if threshold is None else threshold
    totals = defaultdict(Decimal)
    rounds = {}
    for line in lines:
        if line.kind == PEER:
            totals[(line.round.id, line.scorer, line.scored)] += line.signed
            rounds[line.round.id] = line.round
    by_scored = defaultdict(dict)
    for (round_id, scorer, scored), total in totals.items():
        by_scored[(round_id, scored)][scorer] = total
    cells = {}
    for (round_id, scored), given in by_scored.items():
        current = rounds[round_id]
        for scorer, total in given.items():
            others = [t for s, t in given.items() if s != scorer]
            if not others:
                continue
            average = _mean(others)
            deviation = total - average
            share = deviation / current.max_total if current.max_total > 0 else None
            cell = cells.setdefault((scorer, scored), PairCell(scorer=scorer, scored=scored))
            cell.rounds.append(PairRound(round=current, given=total, others=average,
                                         others_count=len(others), deviation=deviation,
                                         share=share))
    for cell in cells.values():
        cell.rounds.sort(key=lambda r: (r.round.year, r.round.half))
        cell.mean_deviation = _mean(r.deviation for r in cell.rounds)
        cell.mean_share = _mean(r.share for r in cell.rounds if r.share is not None)
    order = list(units) if units is not None else sorted(
        {k[0] for k in cells} | {k[1] for k in cells})
    position = {unit: i for i, unit in enumerate(order)}
    flagged, seen = [], set()
    for (a, b), forward in cells.items():
        backward = cells.get((b, a))
        if backward is None or frozenset((a, b)) in seen:
            continue
        seen.add(frozenset((a, b)))
        if all(c.mean_share is not None and c.mean_share > threshold
               for c in (forward, backward)):
            forward.flagged = backward.flagged = True
            if position.get(a, len(order)) > position.get(b, len(order)):
                a, b, forward, backward = b, a, backward, forward
            flagged.append((a, b, forward, backward))
    flagged.sort(key=lambda x: (position.get(x[0], 0), position.get(x[1], 0)))
    return Reciprocity(units=order, cells=cells, flagged_pairs=flagged)


# --- winners and rotation ----------------------------------------------------------------------


def round_finals(lines, current: Round) -> dict:
    """The final score of each unit in a round: self × weight + (the leader's verified total,
    or the peers' average total) × (100 − weight); None for a unit without the second score."""
    sheets = defaultdict(Decimal)
    for line in lines:
        if line.round.id == current.id:
            sheets[(line.kind, line.scorer, line.scored)] += line.signed
    own = {scored: t for (kind, _, scored), t in sheets.items() if kind == SELF}
    second_kind = VERIFY if current.peer_mode == LEADER_MODE else PEER
    second = defaultdict(list)
    for (kind, _, scored), total in sheets.items():
        if kind == second_kind:
            second[scored].append(total)
    # The arithmetic is the ranking's own (emulation.scoring), so that the two never disagree
    # on a winner; only which units can be ranked at all is decided here.
    weight = int(current.self_weight)
    finals = {}
    for unit in set(own) | set(second):
        reference = scoring.average(second.get(unit, []))
        if weight == 100:
            finals[unit] = scoring.final_score(own[unit], None, 100) if unit in own else None
        elif reference is None or (weight and unit not in own):
            finals[unit] = None
        else:
            finals[unit] = scoring.final_score(own.get(unit), reference, weight)
    return finals


def round_winner(finals: dict):
    """The unit ranked first; None when nobody can be ranked or the first place is shared."""
    ranked = sorted(((score, unit) for unit, score in finals.items() if score is not None),
                    reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[0][0] == ranked[1][0]):
        return None
    return ranked[0][1]


@dataclass
class RotationRun:
    kind: str  # "cycle": an order that repeats; "turns": every member wins once
    years: list
    order: list  # the winners of the first pass


@dataclass
class Rotation:
    sequence: list  # [(year, winner or None, leader or None)]
    runs: list
    leader_wins: list  # years whose leader won
    leader_years: int  # years where both the leader and the winner are known
    expected_leader_wins: Decimal  # what chance alone would give (Σ 1 / members)

    @property
    def flagged(self) -> bool:
        return bool(self.runs)


def _segments(winners: dict):
    """Runs of consecutive years, each a list of (year, winner)."""
    segment, previous = [], None
    for year in sorted(winners):
        if previous is not None and year != previous + 1:
            yield segment
            segment = []
        segment.append((year, winners[year]))
        previous = year
    if segment:
        yield segment


def _cycles(segment):
    """Windows of k ≥ 3 distinct winners followed by the same k winners in the same order,
    extended as long as the order holds; the longest span first, overlapping ones dropped."""
    seq = [w for _, w in segment]
    found = []
    for k in range(MIN_ROTATION, len(seq) // 2 + 1):
        for i in range(len(seq) - 2 * k + 1):
            window = seq[i:i + k]
            if None in window or len(set(window)) != k or seq[i + k:i + 2 * k] != window:
                continue
            end = i + 2 * k
            while end < len(seq) and seq[end] == seq[end - k]:
                end += 1
            found.append((end - i, -k, i, end, window))
    kept, taken = [], set()
    for _, negative_k, i, end, window in sorted(found, key=lambda x: (-x[0], -x[1], x[2])):
        if taken & set(range(i, end)):
            continue
        taken |= set(range(i, end))
        kept.append(RotationRun(kind="cycle", years=[y for y, _ in segment[i:end]],
                                order=window))
    return kept


def _turns(segment, members: dict):
    """Windows as long as the membership (n ≥ 3) in which every member wins exactly once."""
    found = []
    for i in range(len(segment)):
        for j in range(i + MIN_ROTATION, len(segment) + 1):
            years = [y for y, _ in segment[i:j]]
            winners = [w for _, w in segment[i:j]]
            membership = set().union(*(members.get(y, set()) for y in years))
            if len(winners) == len(membership) and None not in winners and (
                    set(winners) == membership and len(set(winners)) == len(winners)):
                found.append(RotationRun(kind="turns", years=years, order=winners))
    return found


def rotation(winners: dict, members: dict, leaders: dict) -> Rotation:
    """`winners`, `leaders`: year → unit (or None); `members`: year → set of units."""
    runs = []
    for segment in _segments(winners):
        cycles = _cycles(segment)
        covered = {y for run in cycles for y in run.years}
        runs += cycles + [r for r in _turns(segment, members) if not set(r.years) <= covered]
    known = [y for y in sorted(winners) if winners[y] is not None and leaders.get(y)]
    return Rotation(
        sequence=[(y, winners[y], leaders.get(y)) for y in sorted(winners)],
        runs=sorted(runs, key=lambda r: r.years[0]),
        leader_wins=[y for y in known if leaders[y] == winners[y]],
        leader_years=len(known),
        expected_leader_wins=sum((Decimal(1) / len(members[y]) for y in known
                                  if members.get(y)), Decimal(0)),
    )


# --- evidence coverage -------------------------------------------------------------------------


@dataclass
class Coverage:
    criterion: str
    lines: int = 0
    with_evidence: int = 0
    required: int = 0
    required_with: int = 0
    missing: list = field(default_factory=list)  # [(round, unit)] required but without evidence

    @property
    def share(self):
        return Decimal(self.with_evidence) / self.lines if self.lines else None

    @property
    def required_share(self):
        return Decimal(self.required_with) / self.required if self.required else None

    @property
    def percent(self):
        return _percent(self.share)

    @property
    def required_percent(self):
        return _percent(self.required_share)


def evidence_coverage(lines) -> list[Coverage]:
    rows = {}
    for line in lines:
        if line.kind != SELF:
            continue
        row = rows.setdefault(line.criterion, Coverage(criterion=line.criterion))
        row.lines += 1
        row.with_evidence += line.evidence > 0
        if line.evidence_required:
            row.required += 1
            row.required_with += line.evidence > 0
            if not line.evidence:
                row.missing.append((line.round, line.scored))
    return [rows[k] for k in sorted(rows)]
