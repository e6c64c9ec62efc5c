"""The arithmetic of a round (emulation.scoring) on constructed data, and the same numbers
through a whole round."""

from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest

from emulation import scoring
from emulation.tests.scoring_builders import closed_round

D = Decimal


def test_sheet_total_adds_bonus_and_deducts_penalty():
    lines = [("standard", D("40")), ("standard", D("35.5")), ("bonus", D("5")),
             ("penalty", D("3.25"))]

    assert scoring.sheet_total(lines) == D("77.25")


def test_sheet_total_may_go_below_zero_with_penalties():
    assert scoring.sheet_total([("standard", D("1")), ("penalty", D("4"))]) == D("-3")


@pytest.mark.parametrize("weight, expected", [
    (0, Fraction(80)),  # the peers' average alone
    (30, Fraction(90) * 30 / 100 + Fraction(80) * 70 / 100),  # 83
    (100, Fraction(90)),  # the self score alone
])
def test_final_score_follows_the_weight(weight, expected):
    assert scoring.final_score(D("90"), D("80"), weight) == expected


def test_final_score_is_exact_and_rounded_half_up_only_for_display():
    second = scoring.average([D("80"), D("81"), D("81")])  # 80.666…

    final = scoring.final_score(D("70"), second, 30)

    assert final == Fraction(70) * 30 / 100 + Fraction(242, 3) * 70 / 100
    assert scoring.rounded(final) == D("77.47")
    assert scoring.rounded(D("2.345")) == D("2.35")  # half-up, not banker's
    assert scoring.points_text(D("85.50")) == "85,5"
    assert scoring.points_text(D("90.00")) == "90"
    assert scoring.points_text(final) == "77,47"


def test_final_score_refuses_a_weight_outside_0_100():
    with pytest.raises(ValueError):
        scoring.final_score(D("1"), D("1"), 101)


def test_ties_share_a_rank_and_the_next_rank_skips():
    ranks = scoring.ranks({"a": Fraction(90), "b": Fraction(85), "c": Fraction(85),
                           "d": Fraction(70)})

    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_values_equal_only_after_rounding_are_not_tied():
    ranks = scoring.ranks({"a": Fraction(8000001, 100000), "b": Fraction(80)})

    assert ranks == {"a": 1, "b": 2}


def _org(pk):
    return SimpleNamespace(pk=pk, sort_key=str(pk))


def _sheet(pk, scored, kind, status="submitted"):
    return SimpleNamespace(pk=pk, scored_id=scored, kind=kind, status=status)


def test_compute_counts_an_unsent_self_sheet_as_zero_and_leaves_unsent_peers_out():
    members = [_org(1), _org(2)]
    sheets = [_sheet(10, 1, "self"), _sheet(11, 2, "self", status="draft"),
              _sheet(12, 1, "peer"), _sheet(13, 2, "peer"), _sheet(14, 2, "peer", "draft")]
    lines = [(10, "standard", D("50")), (11, "standard", D("99")), (12, "standard", D("40")),
             (13, "standard", D("30")), (13, "penalty", D("5")), (14, "standard", D("1"))]

    results = scoring.compute(SimpleNamespace(self_weight=50), members, sheets, lines)

    first, second = results
    assert (first.organization.pk, first.self_total, first.second, first.final) == (
        1, D("50"), Fraction(40), Fraction(45))
    assert (second.self_sent, second.self_total, second.second, second.missing_second) == (
        False, D("0"), Fraction(25), 1)
    assert second.final == Fraction(25, 2)
    assert [r.rank for r in results] == [1, 2]


@pytest.mark.django_db
def test_a_whole_round_ranks_by_the_formula_with_a_tie(world):
    # criteria: 1 (≤50, evidence), 2 (≤40), bonus 3 (≤10), penalty 4 (≤10)
    s = closed_round(world, units=4, weight=30, self_points={
        0: ["50", "40", "5", "0"],    # self 95
        1: ["45", "35", "0", "2"],    # self 78
        2: ["45", "35", "0", "2"],    # self 78: the same as 1, a tie
        3: ["40", "30", "0", "0"],    # self 70
    }, peer_points={(0, 1): ["40", "40", "0", "0"], (0, 2): ["40", "40", "0", "0"],
                    (0, 3): ["40", "40", "0", "0"]})  # unit 0's peers give 80

    results = scoring.round_results(s.round)

    assert [(r.organization.pk, r.rank, r.tied) for r in results] == [
        (s.units[0].pk, 1, False), (results[1].organization.pk, 2, True),
        (results[2].organization.pk, 2, True), (s.units[3].pk, 4, False)]
    assert {results[1].organization.pk, results[2].organization.pk} == {s.units[1].pk,
                                                                         s.units[2].pk}
    top = results[0]
    assert (top.self_total, top.second, top.final_text) == (D("95"), Fraction(80), "84,5")
    assert results[1].final_text == "78"
