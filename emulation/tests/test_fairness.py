"""The fairness analytics (emulation.fairness) on constructed data whose answer is known, and
the selector that feeds them from the database."""

import random
from decimal import Decimal

import pytest

from emulation import fairness
from emulation.fairness import Line, Round

D = Decimal
R1 = Round(id=1, year=2024, half="year_end", max_total=D(100))
R2 = Round(id=2, year=2025, half="year_end", max_total=D(100))
LEADER_ROUND = Round(id=3, year=2025, half="mid_year", peer_mode="leader", max_total=D(100))


def line(r, scored, scorer, kind, points, *, criterion="1", max_points=50, penalty=False,
         evidence=0, required=False):
    return Line(round=r, scored=scored, scorer=scorer, kind=kind, criterion=criterion,
                points=D(points), max_points=D(max_points), penalty=penalty, evidence=evidence,
                evidence_required=required)


def peer_round(r, given, units=(1, 2, 3, 4, 5)):
    """Every unit scores every other: `given(scorer, scored)` points on one criterion of 100."""
    return [line(r, b, a, "peer", given(a, b), max_points=100)
            for a in units for b in units if a != b]


# --- over-claim --------------------------------------------------------------------------------


def test_over_claim_against_the_peers_average_with_known_numbers():
    lines = [
        line(R1, 1, 1, "self", 45), line(R1, 1, 2, "peer", 35), line(R1, 1, 3, "peer", 37),
        line(R1, 2, 2, "self", 30), line(R1, 2, 1, "peer", 30), line(R1, 2, 3, "peer", 32),
    ]

    result = {u.unit: u for u in fairness.over_claims(lines, threshold=D("0.10"))}

    assert result[1].mean_points == D(9)  # 45 − (35 + 37) / 2
    assert result[1].mean_share == D("0.18")  # 9 of 50
    assert result[1].flagged is True
    assert [(x.reference_kind, x.reference_by) for x in result[1].lines] == [
        ("peer", [(2, D(35)), (3, D(37))])]
    assert result[2].mean_points == D(-1)
    assert result[2].flagged is False


def test_over_claim_in_leader_mode_uses_the_verified_score_only():
    lines = [line(LEADER_ROUND, 1, 1, "self", 40), line(LEADER_ROUND, 1, 9, "verify", 38),
             line(LEADER_ROUND, 1, 2, "peer", 10)]

    [unit] = fairness.over_claims(lines, threshold=D("0.10"))

    assert unit.mean_points == D(2)
    assert unit.lines[0].reference_by == [(9, D(38))]
    assert unit.flagged is False  # 2 of 50 = 4 %


def test_over_claim_across_rounds_and_criteria_averages_the_shares():
    lines = [
        line(R1, 1, 1, "self", 20, criterion="1", max_points=20),
        line(R1, 1, 2, "peer", 10, criterion="1", max_points=20),  # +10 of 20 = 50 %
        line(R2, 1, 1, "self", 40, criterion="2", max_points=40),
        line(R2, 1, 2, "peer", 40, criterion="2", max_points=40),  # 0 %
    ]

    [unit] = fairness.over_claims(lines, threshold=D("0.10"))

    assert unit.mean_share == D("0.25")
    assert unit.mean_points == D(5)
    assert [(c, p, n) for c, p, _, n in unit.by_criterion] == [("1", D(10), 1), ("2", D(0), 1)]
    assert unit.flagged is True


def test_claiming_a_smaller_penalty_is_an_over_claim():
    lines = [line(R1, 1, 1, "self", 0, penalty=True, max_points=10),
             line(R1, 1, 2, "peer", 5, penalty=True, max_points=10)]

    [unit] = fairness.over_claims(lines, threshold=D("0.10"))

    assert unit.mean_points == D(5)
    assert unit.flagged is True


def test_over_claim_without_peer_scores_counts_the_missing_lines_and_flags_nothing():
    lines = [line(R1, 1, 1, "self", 50), line(R1, 1, 1, "self", 50, criterion="2")]

    [unit] = fairness.over_claims(lines, threshold=D("0.10"))

    assert (unit.missing, unit.lines, unit.mean_share, unit.flagged) == (2, [], None, False)


def test_over_claim_exactly_at_the_threshold_is_not_flagged():
    lines = [line(R1, 1, 1, "self", 30), line(R1, 1, 2, "peer", 25)]  # 5 of 50 = 10 %

    [unit] = fairness.over_claims(lines, threshold=D("0.10"))

    assert unit.flagged is False


def test_thresholds_can_be_set_in_the_settings(settings):
    settings.EMULATION_FAIRNESS = {"overclaim_share": "0.2"}

    assert fairness.thresholds() == {"overclaim_share": D("0.2"),
                                     "reciprocity_share": D("0.05")}


# --- reciprocity -------------------------------------------------------------------------------


def test_a_planted_reciprocal_pair_is_flagged_and_an_honest_pair_is_not():
    def given(scorer, scored):
        return 90 if {scorer, scored} == {1, 2} else 75

    result = fairness.reciprocity(peer_round(R1, given) + peer_round(R2, given),
                                  units=[1, 2, 3, 4, 5], threshold=D("0.05"))

    assert [(a, b) for a, b, *_ in result.flagged_pairs] == [(1, 2)]
    cell = result.cells[(1, 2)]
    assert (cell.mean_deviation, cell.mean_share, cell.flagged) == (D(15), D("0.15"), True)
    assert [(r.round.year, r.given, r.others, r.others_count) for r in cell.rounds] == [
        (2024, D(90), D(75), 3), (2025, D(90), D(75), 3)]
    assert result.cells[(3, 4)].flagged is False
    assert result.cells[(3, 4)].mean_deviation == D(0)


def test_a_one_way_favour_is_not_a_mutual_pair():
    def given(scorer, scored):
        return 95 if (scorer, scored) == (1, 2) else 75

    result = fairness.reciprocity(peer_round(R1, given), threshold=D("0.05"))

    assert result.flagged_pairs == []
    assert result.cells[(1, 2)].mean_deviation == D(20)


def test_a_mutual_pair_against_random_noise():
    rng = random.Random(6)
    noise = {(a, b): rng.randint(-3, 3) for a in range(1, 9) for b in range(1, 9)}

    def given(scorer, scored):
        lift = 12 if {scorer, scored} == {3, 7} else 0
        return 70 + noise[(scorer, scored)] + lift

    result = fairness.reciprocity(peer_round(R1, given, units=range(1, 9)), threshold=D("0.05"))

    assert [(a, b) for a, b, *_ in result.flagged_pairs] == [(3, 7)]


def test_reciprocity_counts_penalties_and_skips_a_lone_scorer():
    lines = [line(R1, 2, 1, "peer", 80, max_points=100),
             line(R1, 2, 1, "peer", 10, criterion="p", penalty=True, max_points=10),
             line(R1, 2, 3, "peer", 60, max_points=100),
             line(R1, 3, 1, "peer", 70, max_points=100)]  # unit 3 has a single scorer

    result = fairness.reciprocity(lines, threshold=D("0.05"))

    assert result.cells[(1, 2)].rounds[0].given == D(70)  # 80 − 10
    assert result.cells[(1, 2)].mean_deviation == D(10)
    assert (1, 3) not in result.cells
    assert result.row(1) == [None, result.cells[(1, 2)], None]


def test_reciprocity_of_nothing_is_empty():
    result = fairness.reciprocity([], units=[], threshold=D("0.05"))

    assert (result.cells, result.flagged_pairs, result.units) == ({}, [], [])


# --- winners and rotation ----------------------------------------------------------------------


MEMBERS = {year: {1, 2, 3, 4} for year in range(2018, 2026)}


def test_a_planted_rotation_over_four_units_and_eight_years_is_detected():
    winners = dict(zip(range(2018, 2026), [3, 1, 4, 2, 3, 1, 4, 2], strict=True))

    result = fairness.rotation(winners, MEMBERS, {})

    assert result.flagged is True
    assert [(r.kind, r.years, r.order) for r in result.runs] == [
        ("cycle", list(range(2018, 2026)), [3, 1, 4, 2])]


def test_a_random_sequence_is_not_a_rotation():
    winners = dict(zip(range(2018, 2026), [2, 2, 4, 1, 1, 4, 2, 2], strict=True))

    result = fairness.rotation(winners, MEMBERS, {})

    assert (result.flagged, result.runs) == (False, [])


def test_random_winners_are_rarely_flagged():
    rng = random.Random(2026)
    members = {year: set(range(1, 9)) for year in range(2016, 2026)}
    flagged = sum(fairness.rotation({y: rng.randint(1, 8) for y in members}, members,
                                    {}).flagged for _ in range(200))

    assert flagged < 20  # a cycle of 3 repeated, or 8 distinct in 8 years: rare by chance


def test_every_member_winning_once_in_turn_is_detected():
    members = {year: {1, 2, 3} for year in (2023, 2024, 2025)}

    result = fairness.rotation({2023: 2, 2024: 3, 2025: 1}, members, {})

    assert [(r.kind, r.years, r.order) for r in result.runs] == [
        ("turns", [2023, 2024, 2025], [2, 3, 1])]


def test_a_rotation_is_broken_by_a_missing_year():
    winners = {2018: 1, 2019: 2, 2020: 3, 2022: 1, 2023: 2, 2024: 3}

    result = fairness.rotation(winners, {y: {1, 2, 3, 4, 5} for y in winners}, {})

    assert result.runs == []


def test_the_leader_winning_in_its_leading_year_is_counted():
    winners = {2021: 1, 2022: 2, 2023: 3, 2024: None, 2025: 4}
    leaders = {2021: 1, 2022: 3, 2023: 3, 2024: 2, 2025: 4}
    members = {y: {1, 2, 3, 4} for y in winners}

    result = fairness.rotation(winners, members, leaders)

    assert result.leader_wins == [2021, 2023, 2025]
    assert result.leader_years == 4  # 2024 has no single winner
    assert result.expected_leader_wins == D(1)  # 4 years × 1/4


def test_one_member_and_no_years():
    assert fairness.rotation({}, {}, {}).runs == []
    one = fairness.rotation({2024: 1, 2025: 1}, {2024: {1}, 2025: {1}}, {2024: 1, 2025: 1})

    assert (one.runs, one.leader_wins, one.expected_leader_wins) == ([], [2024, 2025], D(2))


def test_round_finals_follow_the_weight_and_shared_first_place_has_no_winner():
    weighted = Round(id=7, year=2025, half="year_end", self_weight=40)
    lines = [line(weighted, 1, 1, "self", 50), line(weighted, 1, 2, "peer", 40),
             line(weighted, 2, 2, "self", 45), line(weighted, 2, 1, "peer", 45),
             line(weighted, 3, 3, "self", 50)]  # unit 3 has no peer score

    finals = fairness.round_finals(lines, weighted)

    assert finals == {1: D(44), 2: D(45), 3: None}
    assert fairness.round_winner(finals) == 2
    assert fairness.round_winner({1: D(44), 2: D(44)}) is None
    assert fairness.round_winner({}) is None


# --- evidence coverage -------------------------------------------------------------------------


def test_evidence_coverage_with_known_numbers():
    lines = [line(R1, u, u, "self", 10, criterion="1", required=True, evidence=int(u != 4))
             for u in (1, 2, 3, 4)]
    lines += [line(R1, u, u, "self", 10, criterion="2", evidence=int(u == 1))
              for u in (1, 2, 3, 4)]
    lines += [line(R1, 1, 2, "peer", 10, criterion="2", evidence=0)]  # peers bring no evidence

    first, second = fairness.evidence_coverage(lines)

    assert (first.lines, first.with_evidence, first.required, first.required_with) == (4, 3, 4, 3)
    assert (first.share, first.required_share) == (D("0.75"), D("0.75"))
    assert first.missing == [(R1, 4)]
    assert (second.lines, second.with_evidence, second.share) == (4, 1, D("0.25"))
    assert (second.required, second.required_share, second.missing) == (0, None, [])


def test_evidence_coverage_of_no_lines_is_empty():
    assert fairness.evidence_coverage([]) == []


# --- the selector, on the database -------------------------------------------------------------


@pytest.mark.django_db
def test_the_planted_group_is_read_from_the_database(world):
    from emulation.selectors_fairness import group_fairness
    from emulation.tests.fairness_builders import planted_group

    made, (a, b, c, d) = planted_group(world)

    [result] = group_fairness([made])

    assert [u.organization for u in result.flagged_units] == [c]
    assert result.flagged_units[0].mean_share == D("0.2")
    assert [(x, y) for x, y, *_ in result.pairs] == [(a, b)]
    assert result.reciprocity.cells[(a.pk, b.pk)].mean_deviation == D(12)
    assert [(r["kind"], r["years"]) for r in result.runs] == [("cycle", list(range(2018, 2024)))]
    assert result.rotation.leader_wins == [2018, 2020, 2022]
    assert [(row.criterion, row.required, row.required_with) for row in result.evidence][0] == (
        "1 Hoàn thành chỉ tiêu giao ước", 8, 6)
    assert result.evidence_gaps == 2


@pytest.mark.django_db
def test_open_rounds_and_draft_sheets_do_not_count(world):
    from emulation.models import ScoreSheet
    from emulation.selectors_fairness import group_fairness
    from emulation.tests import fairness_builders as fb

    a, b = fb.units(world, ["HTX Một", "HTX Hai"])
    made = fb.group(world, [a, b], [2025])
    open_round = fb.closed_round(world, made, 2025, status="peer")
    fb.sheet(world, open_round, a, a, ScoreSheet.Kind.SELF, [40, 40, 20])
    closed = fb.closed_round(world, made, 2025, "mid_year")
    fb.sheet(world, closed, a, a, ScoreSheet.Kind.SELF, [40, 40, 20],
             status=ScoreSheet.Status.DRAFT)

    [result] = group_fairness([made])

    assert ([r.id for r in result.rounds], result.over_claims, result.evidence) == (
        [closed.pk], [], [])
    assert result.sequence == []


@pytest.mark.django_db
def test_a_group_without_rounds_takes_its_winners_from_the_registry(world):
    from emulation.selectors_fairness import group_fairness
    from emulation.tests import fairness_builders as fb

    a, b, c, outsider = fb.units(world, ["HTX Một", "HTX Hai", "HTX Ba", "HTX Ngoài"])
    made = fb.group(world, [a, b, c], range(2020, 2026), leaders={2021: b})
    for year, winner in zip(range(2020, 2026), [a, b, c, a, b, c], strict=True):
        fb.flag(winner, year)
    fb.flag(outsider, 2020)  # not a member: does not count

    [result] = group_fairness([made])

    assert [(r["year"], r["winner"], r["source"]) for r in result.sequence][:2] == [
        (2020, a, "award"), (2021, b, "award")]
    assert result.rotation.leader_wins == [2021]
    assert result.runs[0]["order"] == [a, b, c]
    assert (result.rounds, result.over_claims, result.pairs) == ([], [], [])
