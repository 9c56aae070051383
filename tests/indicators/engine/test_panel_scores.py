"""A panel's final level: median (lower middle of an even count), mean and trimmed mean
(rounded half up), and adjudication from a disagreement of ``spread`` levels."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.engine.panel_scores import RULES, PanelOutcome, panel_level, panel_levels


@pytest.mark.parametrize(
    ("levels", "median", "mean", "trimmed"),
    [
        ([3], 3, 3, 3),
        ([2, 3], 2, 3, 3),  # even count: median the lower, mean 2.5 rounds up
        ([3, 2], 2, 3, 3),  # order does not matter
        ([2, 2, 3], 2, 2, 2),  # mean 2.33
        ([2, 3, 3], 3, 3, 3),  # mean 2.67
        ([2, 2, 3, 3], 2, 3, 3),  # even count again; trimmed keeps 2, 3
        ([3, 3, 3, 4], 3, 3, 3),  # mean 3.25; trimmed 3.0
        ([3, 4, 4, 4], 4, 4, 4),  # mean 3.75; trimmed 4.0
        ([4, 4, 4, 4, 5], 4, 4, 4),
        ([0, 0, 1, 1, 1], 1, 1, 1),  # mean 0.6; trimmed 0, 1, 1 -> 0.67
        ([0, 0, 0, 1, 1], 0, 0, 0),  # mean 0.4; trimmed 0, 0, 1 -> 0.33
    ],
)
def test_rules(levels, median, mean, trimmed) -> None:
    got = [panel_level(levels, rule).level for rule in ("median", "mean", "trimmed_mean")]
    assert got == [median, mean, trimmed]


def test_the_trimmed_mean_drops_one_lowest_and_one_highest_score() -> None:
    # 0, 4, 4: the mean is 2.67 -> 3; trimmed keeps the middle 4. Spread 4 is adjudicated by
    # default, so the threshold is raised to see the rule.
    assert panel_level([0, 4, 4], "mean", spread=5).level == 3
    assert panel_level([0, 4, 4], "trimmed_mean", spread=5).level == 4
    assert panel_level([1, 3, 3, 3, 5], "trimmed_mean", spread=5).value == 3.0
    assert panel_level([1, 3], "trimmed_mean", spread=5).value == 2.0  # < 3 scores: plain mean


def test_halves_round_up_exactly() -> None:
    assert panel_level([0, 1], "mean").level == 1
    assert panel_level([4, 5], "mean").level == 5
    assert panel_level([1, 2, 2, 2], "trimmed_mean").level == 2  # 2.0
    assert panel_level([2, 3, 3, 2], "trimmed_mean").level == 3  # trimmed 2, 3 -> 2.5 -> 3


def test_a_spread_of_two_is_adjudicated_and_one_is_not() -> None:
    assert panel_level([2, 4]) == PanelOutcome(None, True, 2, 2.0, 2)
    assert panel_level([2, 3]) == PanelOutcome(2, False, 1, 2.0, 2)
    assert panel_level([3, 3, 5], "mean") == PanelOutcome(None, True, 2, 11 / 3, 3)
    assert panel_level([0, 5, 5, 5, 5], "trimmed_mean").needs_adjudication  # one outlier
    # A wider threshold lets a spread of 2 through; a threshold of 1 sends any disagreement.
    assert panel_level([2, 4], spread=3) == PanelOutcome(2, False, 2, 2.0, 2)
    assert panel_level([2, 3], spread=1).needs_adjudication
    assert not panel_level([3, 3], spread=1).needs_adjudication


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ([], "at least one"),
        ([6], r"0\.\.5"),
        ([-1], r"0\.\.5"),
        ([2.5], r"0\.\.5"),
        ([2.0], r"0\.\.5"),
        ([True], r"0\.\.5"),
        (["3"], r"0\.\.5"),
    ],
)
def test_invalid_levels_are_refused(levels, message) -> None:
    with pytest.raises(ValueError, match=message):
        panel_level(levels)


@pytest.mark.parametrize(("rule", "spread"), [("mode", 2), ("median", 0), ("median", 1.5)])
def test_invalid_rule_or_spread_is_refused(rule, spread) -> None:
    with pytest.raises(ValueError, match=r"rule|spread"):
        panel_level([1, 2], rule, spread=spread)
    with pytest.raises(ValueError, match=r"rule|spread"):
        panel_levels([[1, 2]], rule, spread=spread)


rows = st.lists(st.integers(0, 5), min_size=0, max_size=5)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(rows, min_size=1, max_size=12),
    st.sampled_from(RULES),
    st.integers(1, 6),
    st.randoms(use_true_random=False),
)
def test_the_matrix_version_matches_cell_by_cell(scores, rule, spread, random) -> None:
    width = 6
    matrix = np.full((len(scores), width), np.nan)
    for i, row in enumerate(scores):
        matrix[i, random.sample(range(width), len(row))] = row  # experts in any columns
    result = panel_levels(matrix, rule, spread=spread)
    for i, row in enumerate(scores):
        assert result.count[i] == len(row)
        if not row:  # not scored yet
            assert np.isnan(result.level[i]) and np.isnan(result.spread[i])
            assert not result.needs_adjudication[i]
            continue
        one = panel_level(row, rule, spread=spread)
        assert result.needs_adjudication[i] == one.needs_adjudication
        assert result.spread[i] == one.spread
        if one.level is None:
            assert np.isnan(result.level[i])
        else:
            assert result.level[i] == one.level


def test_the_matrix_version_refuses_non_levels() -> None:
    for bad in ([[1, 2.5]], [[6, np.nan]], [[-1, 1]], [1, 2]):
        with pytest.raises(ValueError, match=r"0\.\.5|matrix"):
            panel_levels(bad)
