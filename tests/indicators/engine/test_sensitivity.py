from __future__ import annotations

import numpy as np
import pytest

from indicators.engine import OVERALL, Options, compute, sensitivity
from tests.indicators.engine.default_tree import build_default_tree
from tests.indicators.engine.synthetic import level_labels, synthetic_raw

TREE = build_default_tree()
LEVELS = level_labels(300)
RAW = synthetic_raw(TREE, LEVELS, seed=1)


def run(**options: object):
    kwargs = {"sensitivity_draws": 100, **options}
    return sensitivity(TREE, RAW, LEVELS, Options(**kwargs))  # type: ignore[arg-type]


def same(a: np.ndarray, b: np.ndarray) -> None:
    np.testing.assert_array_equal(a, b)


def test_same_seed_same_intervals() -> None:
    a, b = run(sensitivity_seed=7), run(sensitivity_seed=7)
    for field in ("point", "low", "median", "high"):
        same(getattr(a, field), getattr(b, field))


def test_other_seed_other_intervals() -> None:
    a, b = run(sensitivity_seed=7), run(sensitivity_seed=8)
    assert not np.array_equal(a.low, b.low) or not np.array_equal(a.high, b.high)


def test_point_rank_is_the_compute_rank() -> None:
    same(run().point, compute(TREE, RAW, LEVELS).rank())


def test_zero_epsilon_collapses_the_interval_to_the_point_rank() -> None:
    out = run(sensitivity_epsilon=0.0)
    for field in ("low", "median", "high"):
        same(getattr(out, field), out.point)


def test_intervals_contain_the_point_rank_and_are_ordered() -> None:
    # Weight noise is centred on the published weights, so for this realistic data set every
    # point rank lies within its own 5-95% interval.
    out = run(sensitivity_draws=200)
    assert np.all(out.low <= out.point)
    assert np.all(out.point <= out.high)
    assert np.all(out.low <= out.median)
    assert np.all(out.median <= out.high)
    assert np.any(out.high > out.low)  # the noise does move ranks


def test_ranks_stay_within_each_peer_group() -> None:
    out = run()
    for label in np.unique(LEVELS):
        members = label == LEVELS
        assert out.high[members].max() <= members.sum()
        assert out.low[members].min() == 1


def test_chunk_size_does_not_change_the_result() -> None:
    options = Options(sensitivity_draws=23, sensitivity_seed=3)
    a = sensitivity(TREE, RAW, LEVELS, options, chunk_size=1)
    b = sensitivity(TREE, RAW, LEVELS, options, chunk_size=5)
    c = sensitivity(TREE, RAW, LEVELS, options)
    for field in ("low", "median", "high"):
        same(getattr(a, field), getattr(b, field))
        same(getattr(a, field), getattr(c, field))


def test_random_normalisation_per_draw() -> None:
    methods = ("rules", "minmax", "percentile")
    out = run(sensitivity_epsilon=0.0, sensitivity_methods=methods)
    assert out.methods == methods
    assert sum(out.method_draws) == 100
    assert all(k > 0 for k in out.method_draws)
    assert np.any(out.high > out.low)  # methods alone move ranks
    single = run(sensitivity_epsilon=0.0, sensitivity_methods=("rules",))
    same(single.low, single.point)


def test_other_rank_groups_and_nodes() -> None:
    everyone = sensitivity(TREE, RAW, LEVELS, Options(sensitivity_draws=20), rank_within=None)
    national = sensitivity(
        TREE, RAW, LEVELS, Options(sensitivity_draws=20), rank_within=np.zeros(300, int)
    )
    assert np.nanmax(national.high) > np.nanmax(everyone.high)
    nation = compute(TREE, RAW, LEVELS, rank_groups={"nation": np.zeros(300, int)})
    same(national.point, nation.rank(grouping="nation"))
    area = sensitivity(TREE, RAW, LEVELS, Options(sensitivity_draws=20), node="DS")
    assert area.code == "DS"
    same(area.point, compute(TREE, RAW, LEVELS).rank("DS"))
    assert everyone.code == OVERALL


def test_unranked_units_have_no_interval() -> None:
    raw = RAW.copy()
    raw[0, :] = np.nan
    out = sensitivity(TREE, raw, LEVELS, Options(sensitivity_draws=10))
    assert np.isnan(out.point[0])
    assert np.isnan(out.low[0])
    assert np.isnan(out.high[0])


def test_invalid_chunk_size() -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        sensitivity(TREE, RAW, LEVELS, Options(sensitivity_draws=10), chunk_size=0)
