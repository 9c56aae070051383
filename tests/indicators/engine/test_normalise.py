from __future__ import annotations

import numpy as np
import pytest

from indicators.engine import METHODS, Groups, normalise

NAN = np.nan


def run(
    method: str,
    values: list[float],
    labels: list[int] | None = None,
    direction: int = 1,
    target: float = NAN,
) -> np.ndarray:
    x = np.array(values, dtype=float)[:, None]
    groups = Groups.of(labels, x.shape[0])
    return normalise(x, groups, method, np.array([direction]), np.array([target]))[:, 0]


def close(actual: np.ndarray, expected: list[float]) -> None:
    np.testing.assert_allclose(actual, np.array(expected, dtype=float), rtol=0, atol=1e-9)


def test_minmax_within_groups_and_direction() -> None:
    close(run("minmax", [0, 5, 10, 100, 300], [0, 0, 0, 1, 1]), [0, 50, 100, 0, 100])
    close(run("minmax", [0, 5, 10], direction=-1), [100, 50, 0])


def test_zscore_is_fifty_plus_ten_z_with_sample_sd() -> None:
    # mean 2, sample sd 1 -> z = -1, 0, 1
    close(run("zscore", [1, 2, 3]), [40, 50, 60])
    close(run("zscore", [1, 2, 3], direction=-1), [60, 50, 40])


def test_zscore_is_clipped_to_the_score_scale() -> None:
    values = [0.0] * 99 + [1000.0]  # z of the outlier is (n-1)/sqrt(n) = 9.9
    out = run("zscore", values)
    assert out[-1] == 100
    assert out.min() >= 0


def test_rank_is_league_position_ties_share_the_best() -> None:
    close(run("rank", [10, 20, 20, 40]), [0, 200 / 3, 200 / 3, 100])


def test_percentile_ties_count_half() -> None:
    close(run("percentile", [10, 20, 20, 40]), [0, 50, 50, 100])


def test_distance_to_target() -> None:
    # worst 20, target 60: halfway is 40, beyond the target is capped at 100
    close(run("distance_to_target", [20, 40, 60, 80], target=60), [0, 50, 100, 100])
    # lower is better: target 5 days, worst 25
    close(run("distance_to_target", [25, 15, 5, 2], direction=-1, target=5), [0, 50, 100, 100])


def test_distance_to_target_without_target_uses_group_best() -> None:
    close(run("distance_to_target", [0, 5, 10]), [0, 50, 100])


def test_fraction_of_max_and_of_best() -> None:
    close(run("fraction_of_max", [25, 50, 100]), [25, 50, 100])
    # lower is better: the best (smallest) value over x
    close(run("fraction_of_max", [5, 10, 20], direction=-1), [100, 50, 25])
    close(run("fraction_of_max", [0, 1, 2], direction=-1), [100, 0, 0])
    close(run("fraction_of_max", [0, 0], direction=1), [0, 0])


@pytest.mark.parametrize("method", ["minmax", "zscore", "rank", "percentile"])
def test_constant_groups_score_fifty(method: str) -> None:
    close(run(method, [3, 3, 3, 9], [0, 0, 0, 1]), [50, 50, 50, 50])


def test_distance_to_target_constant_group_depends_on_target() -> None:
    close(run("distance_to_target", [3, 3], target=10), [0, 0])
    close(run("distance_to_target", [12, 12], target=10), [100, 100])


@pytest.mark.parametrize("method", METHODS)
def test_missing_stays_missing_and_is_not_a_member(method: str) -> None:
    with_gap = run(method, [1, NAN, 2, 4], target=4)
    without = run(method, [1, 2, 4], target=4)
    assert np.isnan(with_gap[1])
    close(with_gap[[0, 2, 3]], without.tolist())


@pytest.mark.parametrize("method", METHODS)
def test_scores_lie_in_zero_to_hundred(method: str) -> None:
    rng = np.random.default_rng(1)
    x = rng.lognormal(0, 2, size=(200, 3))
    out = normalise(x, Groups.of(rng.integers(0, 4, 200), 200), method, np.array([1, -1, 1]),
                    np.array([5.0, 0.5, NAN]))  # fmt: skip
    assert np.nanmin(out) >= 0
    assert np.nanmax(out) <= 100


def test_unknown_method() -> None:
    with pytest.raises(ValueError, match="unknown normalisation"):
        run("magic", [1, 2])
