"""The arithmetic of a scoring round (issue 6): a sheet's total, the peers' average, the final
score by the round's formula, and the ranking with ties. Pure functions on plain values, exact
(fractions, never floats): a score is rounded half-up to two decimals only to be shown or stored
in a proposal. `round_results` is the one selector that reads a round for them (a fixed number
of queries, whatever the number of units and criteria)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from django.utils.formats import number_format

STANDARD, BONUS, PENALTY = "standard", "bonus", "penalty"
CENT = Decimal("0.01")


def sheet_total(lines) -> Decimal:
    """Σ standard + Σ bonus − Σ penalty over (kind, points) pairs; a penalty's points are stored
    as the positive number deducted."""
    total = Decimal(0)
    for kind, points in lines:
        points = Decimal(points)
        total += -points if kind == PENALTY else points
    return total


def average(totals) -> Fraction | None:
    """The exact average of the totals; None when there are none."""
    totals = [Fraction(Decimal(t)) for t in totals]
    return sum(totals, Fraction(0)) / len(totals) if totals else None


def final_score(self_total, second, weight: int) -> Fraction:
    """self × weight % + second × (100 − weight) %, exact. A missing value counts as 0."""
    if not 0 <= int(weight) <= 100:
        raise ValueError("weight must be between 0 and 100")
    own = Fraction(Decimal(self_total)) if self_total is not None else Fraction(0)
    other = Fraction(second) if second is not None else Fraction(0)
    return (own * weight + other * (100 - weight)) / 100


def ranks(scores: dict) -> dict:
    """Competition ranking by score, highest first: equal scores share a rank and the next rank
    skips (1, 2, 2, 4)."""
    ordered = sorted(scores.values(), reverse=True)
    first = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    return {key: first[value] for key, value in scores.items()}


def rounded(value) -> Decimal | None:
    """Half-up to two decimals (what is shown and what a proposal keeps)."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        with localcontext() as context:
            context.prec = 50
            value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def points_text(value) -> str:
    """Vietnamese style, without useless zeros: 85,5 · 90 · 12,25 · −3."""
    value = rounded(value)
    if value is None:
        return "–"
    value = value.normalize()
    if value == value.to_integral():
        value = value.quantize(Decimal(1))
    return number_format(value, use_l10n=True)


# --- the selector ------------------------------------------------------------------------------


@dataclass
class UnitResult:
    organization: object
    self_total: Decimal | None = None
    self_sent: bool = False
    second_totals: list = field(default_factory=list)
    second: Fraction | None = None
    missing_second: int = 0
    final: Fraction = Fraction(0)
    rank: int = 0
    tied: bool = False

    @property
    def final_rounded(self):
        return rounded(self.final)

    @property
    def self_text(self):
        return points_text(self.self_total if self.self_total is not None else 0)

    @property
    def second_text(self):
        return points_text(self.second) if self.second is not None else "–"

    @property
    def final_text(self):
        return points_text(self.final)


def compute(round, members, sheets, lines) -> list[UnitResult]:
    """The results of a round from its members (organizations), its sheets (ScoreSheet rows)
    and the lines of their scores ((sheet id, criterion kind, points)). A self sheet not sent
    counts as 0 (flagged by `self_sent`); a peer or verification sheet not sent is left out of
    the average (counted in `missing_second`)."""
    by_sheet = defaultdict(list)
    for sheet_id, kind, points in lines:
        by_sheet[sheet_id].append((kind, points))
    results = {org.pk: UnitResult(organization=org) for org in members}
    for sheet in sheets:
        result = results.get(sheet.scored_id)
        if result is None:
            continue
        sent = sheet.status == "submitted"
        total = sheet_total(by_sheet.get(sheet.pk, ())) if sent else None
        if sheet.kind == "self":
            result.self_sent = sent
            result.self_total = total if sent else Decimal(0)
        elif sent:
            result.second_totals.append(total)
        else:
            result.missing_second += 1
    for result in results.values():
        result.second = average(result.second_totals)
        result.final = final_score(result.self_total, result.second, round.self_weight)
    positions = ranks({pk: r.final for pk, r in results.items()})
    counts = defaultdict(int)
    for pk, position in positions.items():
        results[pk].rank = position
        counts[position] += 1
    for result in results.values():
        result.tied = counts[result.rank] > 1
    return sorted(results.values(), key=lambda r: (r.rank, r.organization.sort_key,
                                                   r.organization.pk))


def round_results(round) -> list[UnitResult]:
    """Three queries: the members of the group that year, the round's sheets, their lines."""
    from clusters.models import Organization

    from .models import Score, ScoreSheet

    members = list(Organization.objects.filter(
        group_memberships__group_id=round.group_id, group_memberships__year=round.year))
    sheets = list(ScoreSheet.objects.filter(round_id=round.pk)
                  .only("id", "round_id", "scored_id", "kind", "status"))
    lines = Score.objects.filter(sheet__round=round).values_list(
        "sheet_id", "criterion__kind", "points")
    return compute(round, members, sheets, lines)
