"""Penalties (the overstatement rule, 虚报): a penalised leaf's score is multiplied, flagged, and
carried up the tree, in the point scores and in every Monte Carlo draw."""

from __future__ import annotations

import numpy as np
import pytest

from indicators.engine import OVERALL, Flag, Options, compute, sensitivity
from tests.indicators.engine.default_tree import build_default_tree
from tests.indicators.engine.synthetic import level_labels, synthetic_raw

TREE = build_default_tree()
LEVELS = level_labels(60)
RAW = synthetic_raw(TREE, LEVELS, seed=5, missing=0.0)
LEAF = TREE.leaf_codes.index("DS.1.1")


def penalties(factor: float, unit: int = 3) -> np.ndarray:
    matrix = np.full(RAW.shape, np.nan)  # NaN: no penalty, as 1 is
    matrix[unit, LEAF] = factor
    return matrix


def test_a_penalised_leaf_scores_its_share_and_is_flagged() -> None:
    plain = compute(TREE, RAW, LEVELS)
    zeroed = compute(TREE, RAW, LEVELS, penalties=penalties(0.0))
    halved = compute(TREE, RAW, LEVELS, penalties=penalties(0.5))
    before = plain.score("DS.1.1")[3]
    assert before > 0
    assert zeroed.score("DS.1.1")[3] == 0 and halved.score("DS.1.1")[3] == pytest.approx(before / 2)
    assert zeroed.flag("DS.1.1")[3] & Flag.OVERSTATED
    assert not plain.flag("DS.1.1")[3] & Flag.OVERSTATED
    assert zeroed.rule_scores[3, LEAF] == 0  # what the maturity gates read
    # The region's parent scores fall; nobody else's leaf changes.
    assert zeroed.score("DS")[3] < plain.score("DS")[3]
    assert zeroed.score(OVERALL)[3] < plain.score(OVERALL)[3]
    others = np.arange(RAW.shape[0]) != 3
    np.testing.assert_array_equal(zeroed.score("DS.1.1")[others], plain.score("DS.1.1")[others])
    assert not (zeroed.flags[others] & Flag.OVERSTATED).any()
    # The flag is carried up to the overall score (what a ranking's data column shows) but
    # not into areas the leaf is not in.
    assert zeroed.flag("DS")[3] & Flag.OVERSTATED and zeroed.flag(OVERALL)[3] & Flag.OVERSTATED
    assert not zeroed.flag("SV")[3] & Flag.OVERSTATED


def test_rank_intervals_use_the_penalties_too() -> None:
    options = Options(sensitivity_draws=40)
    plain = sensitivity(TREE, RAW, LEVELS, options)
    zeroed = sensitivity(TREE, RAW, LEVELS, options, penalties=penalties(0.0))
    assert zeroed.point[3] >= plain.point[3] and zeroed.high[3] >= plain.high[3]


@pytest.mark.parametrize("bad", [penalties(1.5), penalties(-0.1), np.ones((2, 2))])
def test_penalties_out_of_range_or_shape_are_refused(bad: np.ndarray) -> None:
    with pytest.raises(ValueError, match="penalties"):
        compute(TREE, RAW, LEVELS, penalties=bad)
