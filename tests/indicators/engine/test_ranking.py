from __future__ import annotations

import numpy as np
import pytest

from indicators.engine import rank_desc, round_score, scaled_round

NAN = np.nan


def ranks(values: list[float], labels: list[int] | None = None, precision: int = 2) -> list:
    out = rank_desc(np.array(values, dtype=float), labels, precision)
    return [None if np.isnan(r) else int(r) for r in out]


def test_descending_ties_share_the_best_rank() -> None:
    assert ranks([90, 80, 80, 70]) == [1, 2, 2, 4]
    assert ranks([70, 80, 90, 80]) == [4, 2, 1, 2]


def test_scores_are_rounded_to_the_published_precision_first() -> None:
    assert ranks([80.004, 80.001, 79.996]) == [1, 1, 1]  # all print as 80.00
    assert ranks([80.004, 80.001], precision=3) == [1, 2]


def test_nan_is_unranked_and_does_not_count() -> None:
    assert ranks([NAN, 50, 60]) == [None, 2, 1]


def test_ranks_within_groups() -> None:
    assert ranks([90, 10, 50, 20, 50], [0, 1, 0, 1, 0]) == [1, 2, 2, 1, 2]


def test_ranks_columns_independently() -> None:
    values = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    np.testing.assert_array_equal(rank_desc(values), [[3, 2, 1], [1, 2, 3]])


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        (0.125, 2, 0.13),  # exact binary half: half away from zero, not to even
        (0.375, 2, 0.38),
        (1.005, 2, 1.01),  # stored as 1.00499999999999989...
        (2.675, 2, 2.68),  # stored as 2.67499999999999982...
        (-0.125, 2, -0.13),
        (80.0049, 2, 80.0),
        (0.5, 0, 1.0),
        (1.5, 0, 2.0),
        (2.5, 0, 3.0),
    ],
)
def test_round_half_away_from_zero_on_the_decimal_value(
    value: float, precision: int, expected: float
) -> None:
    assert round_score(value, precision) == expected


def test_decimal_halves_tie_with_their_rounded_neighbours() -> None:
    # 1.005 prints as 1.01 (half up), so it must tie with 1.01 and beat 1.00.
    assert ranks([1.005, 1.01, 1.0]) == [1, 1, 3]


def test_scaled_round_keeps_nan_and_is_integer_valued() -> None:
    out = scaled_round([1.234, NAN], 2)
    assert out[0] == 123
    assert np.isnan(out[1])


@pytest.mark.parametrize("precision", [-1, 11, 2.0, True])
def test_invalid_precision(precision: object) -> None:
    with pytest.raises(ValueError, match="precision"):
        scaled_round([1.0], precision)  # type: ignore[arg-type]
