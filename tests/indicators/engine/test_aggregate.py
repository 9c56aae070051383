"""Aggregation through the public ``compute`` API: means, weights, veto."""

from __future__ import annotations

import numpy as np
import pytest

from indicators.engine import OVERALL, Flag, Goalposts, Node, Options, Tree, compute

SCORE = Goalposts(0, 100)  # raw value == score, so tests read directly


def tree(weights: tuple[float, float, float] = (1, 1, 2), veto_at: float | None = None) -> Tree:
    a, b, c = weights
    return Tree(
        [
            Node("X", None, 3),
            Node("Y", None, 1),
            Node("X.1", "X", a, rule=SCORE, veto_at=veto_at),
            Node("X.2", "X", b, rule=SCORE),
            Node("Y.1", "Y", c, rule=SCORE),
        ]
    )


def test_weighted_arithmetic_mean_level_by_level() -> None:
    out = compute(tree(), [[20, 60, 80]])
    assert out.score("X")[0] == pytest.approx(40)
    assert out.score("Y")[0] == pytest.approx(80)
    assert out.overall[0] == pytest.approx((3 * 40 + 80) / 4)


def test_weighted_geometric_mean() -> None:
    t = Tree([Node("A", None, 1), Node("A.1", "A", 1, rule=SCORE), Node("A.2", "A", 3, rule=SCORE)])
    out = compute(t, [[16, 81]], options=Options(aggregation="geometric"))
    assert out.score("A")[0] == pytest.approx(16**0.25 * 81**0.75)
    assert out.overall[0] == pytest.approx(16**0.25 * 81**0.75)


def test_geometric_mean_is_zero_when_a_child_is_zero() -> None:
    out = compute(tree(), [[0, 60, 80]], options=Options(aggregation="geometric"))
    assert out.score("X")[0] == 0


def test_geometric_never_exceeds_arithmetic() -> None:
    raw = np.random.default_rng(3).uniform(1, 100, size=(50, 3))
    arith = compute(tree(), raw).overall
    geo = compute(tree(), raw, options=Options(aggregation="geometric")).overall
    assert np.all(geo <= arith + 1e-9)


@pytest.mark.parametrize("aggregation", ["arithmetic", "geometric"])
def test_multiplying_sibling_weights_changes_nothing(aggregation: str) -> None:
    raw = np.random.default_rng(4).uniform(0, 100, size=(30, 3))
    raw[3, 0] = np.nan
    options = Options(aggregation=aggregation)
    base = compute(tree((1, 1, 2)), raw, options=options)
    scaled = compute(tree((7.5, 7.5, 0.01)), raw, options=options)
    np.testing.assert_allclose(scaled.scores, base.scores, rtol=1e-12)


def test_veto_forces_the_parent_to_zero() -> None:
    out = compute(tree(veto_at=0.0), [[0, 90, 80], [1, 90, 80]])
    assert out.score("X").tolist() == [0, pytest.approx(45.5)]
    assert out.flag("X")[0] & Flag.VETOED
    assert not out.flag("X")[1] & Flag.VETOED
    assert out.overall[0] == pytest.approx(80 / 4)  # the veto stops at the parent


def test_veto_applies_even_when_coverage_fails() -> None:
    out = compute(tree(veto_at=0.0), [[0, np.nan, 80]], options=Options(min_coverage=0.9))
    assert out.score("X")[0] == 0


def test_missing_veto_child_does_not_veto() -> None:
    out = compute(tree(veto_at=0.0), [[np.nan, 50, 80]])
    assert out.score("X")[0] == 50
    assert not out.flag("X")[0] & Flag.VETOED


def test_veto_threshold_is_inclusive() -> None:
    out = compute(tree(veto_at=10.0), [[10, 90, 80], [10.5, 90, 80]])
    assert out.score("X")[0] == 0
    assert out.score("X")[1] > 0


def test_overall_column_is_last() -> None:
    out = compute(tree(), [[20, 60, 80]])
    assert out.columns[-1] == OVERALL
    assert out.scores.shape == (1, 6)
