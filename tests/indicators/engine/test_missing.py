"""Missing data: coverage-based re-weighting, peer-mean imputation, and their flags."""

from __future__ import annotations

import numpy as np
import pytest

from indicators.engine import Flag, Goalposts, Node, Options, Tree, compute

SCORE = Goalposts(0, 100)
NAN = np.nan


def tree() -> Tree:
    # A has leaves with weights 1, 1, 2; B has one leaf.
    return Tree(
        [
            Node("A", None, 1),
            Node("B", None, 1),
            Node("A.1", "A", 1, rule=SCORE),
            Node("A.2", "A", 1, rule=SCORE),
            Node("A.3", "A", 2, rule=SCORE),
            Node("B.1", "B", 1, rule=SCORE),
        ]
    )


def test_reweights_over_the_children_present() -> None:
    out = compute(tree(), [[NAN, 40, 70, 50]])
    assert out.score("A")[0] == pytest.approx((40 + 2 * 70) / 3)
    assert out.flag("A.1")[0] == Flag.MISSING
    assert out.flag("A")[0] == Flag.PARTIAL
    assert out.flag()[0] == Flag.PARTIAL  # partial propagates to the overall


def test_below_minimum_coverage_the_aggregate_is_missing() -> None:
    # A.3 alone carries half of A's weight.
    raw = [[NAN, NAN, 70, 50], [NAN, 40, NAN, 50]]
    out = compute(tree(), raw, options=Options(min_coverage=0.5))
    assert out.score("A")[0] == 70  # exactly 50% present: enough
    assert np.isnan(out.score("A")[1])  # 25% present: missing
    assert out.flag("A")[1] == Flag.MISSING
    assert out.overall[1] == 50  # B alone is half of the overall weight
    assert out.flag()[1] == Flag.PARTIAL


def test_all_missing_is_missing_even_at_zero_coverage() -> None:
    out = compute(tree(), [[NAN, NAN, NAN, 50]], options=Options(min_coverage=0.0))
    assert np.isnan(out.score("A")[0])
    assert out.overall[0] == 50


def test_full_coverage_requirement() -> None:
    out = compute(tree(), [[NAN, 40, 70, 50]], options=Options(min_coverage=1.0))
    assert np.isnan(out.score("A")[0])
    assert np.isnan(out.overall[0])
    assert np.isnan(out.rank()[0])


def test_imputation_uses_the_peer_group_mean_of_the_leaf_score() -> None:
    raw = [[NAN, 40, 70, 50], [10, 40, 70, 50], [30, 40, 70, 50], [90, 40, 70, 50]]
    groups = [0, 0, 0, 1]
    out = compute(tree(), raw, groups, Options(missing="impute"))
    assert out.score("A.1")[0] == pytest.approx(20)  # mean of 10 and 30, not of 90
    assert out.flag("A.1")[0] == Flag.IMPUTED
    assert out.flag("A")[0] == Flag.IMPUTED
    assert out.flag()[0] == Flag.IMPUTED
    assert out.flag()[1] == Flag.NONE
    assert out.score("A")[0] == pytest.approx((20 + 40 + 140) / 4)


def test_imputation_without_any_peer_value_falls_back_to_reweighting() -> None:
    raw = [[NAN, 40, 70, 50], [10, 40, 70, 50]]
    out = compute(tree(), raw, [0, 1], Options(missing="impute"))
    assert out.flag("A.1")[0] == Flag.MISSING
    assert out.score("A")[0] == pytest.approx((40 + 140) / 3)
    assert out.flag("A")[0] == Flag.PARTIAL


def test_complete_rows_have_no_flags() -> None:
    out = compute(tree(), [[10, 40, 70, 50]])
    assert not out.flags.any()
