"""Inter-rater reliability: Krippendorff's alpha against his own published example, and against
a plain loop over the definitions; agreement shares and rater deviations by hand."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.engine.reliability import agreement, krippendorff_alpha, rater_deviation

_ = np.nan
# K. Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), section C: 4 observers
# x 12 units, values 1..5, * = missing.
KRIPPENDORFF_2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],  # A
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],  # B
        [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],  # C
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],  # D
    ]
)


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_alpha_reproduces_krippendorffs_worked_example(level, published) -> None:
    assert round(krippendorff_alpha(KRIPPENDORFF_2011, level), 3) == published


def test_the_worked_example_exactly() -> None:
    # By hand, as in the paper: the 40 pairable values are n_c = 9, 13, 10, 5, 3 of the values
    # 1..5, 32 of their 40 coincidences match (sum o_cc), so nominal
    # alpha = ((n - 1) sum o_cc - sum n_c (n_c - 1)) / (n (n - 1) - sum n_c (n_c - 1))
    #       = (39 * 32 - 344) / (1560 - 344) = 904 / 1216.
    assert krippendorff_alpha(KRIPPENDORFF_2011, "nominal") == pytest.approx(904 / 1216)
    # Unit 12 (one value) is dropped: removing it changes nothing.
    assert krippendorff_alpha(KRIPPENDORFF_2011[:, :11], "interval") == pytest.approx(
        krippendorff_alpha(KRIPPENDORFF_2011, "interval")
    )


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_perfect_agreement_is_one_and_systematic_disagreement_negative(level) -> None:
    same = np.array([[0, 1, 3, 5, 2], [0, 1, 3, 5, 2], [0, 1, 3, 5, _]])
    assert krippendorff_alpha(same, level) == 1.0
    # Two experts who always give opposite ends of the scale.
    opposite = np.array([[0, 5, 0, 5, 0, 5], [5, 0, 5, 0, 5, 0]])
    assert krippendorff_alpha(opposite, level) < 0


def test_alpha_is_nan_when_undefined() -> None:
    assert np.isnan(krippendorff_alpha([[1, _, 3], [_, 2, _]]))  # no unit with two values
    assert np.isnan(krippendorff_alpha([[2, 2, 2], [2, 2, _]]))  # no variation: D_e = 0
    assert np.isnan(krippendorff_alpha(np.empty((3, 0))))
    with pytest.raises(ValueError, match="level of measurement"):
        krippendorff_alpha(KRIPPENDORFF_2011, "cardinal")
    with pytest.raises(ValueError, match="raters x units"):
        krippendorff_alpha([1, 2, 3])
    with pytest.raises(ValueError, match="finite"):
        krippendorff_alpha([[1, np.inf], [1, 2]])


def alpha_by_loops(data: np.ndarray, level: str) -> float:
    """The paper's definitions, step by step: pairable values, coincidences o_ck (each ordered
    pair within a unit weighs 1 / (m_u - 1)), marginals n_c, then 1 - D_o / D_e."""
    units = [[v for v in column if not np.isnan(v)] for column in data.T]
    units = [u for u in units if len(u) >= 2]
    if not units:
        return float("nan")
    values = sorted({v for u in units for v in u})
    o = {(c, k): 0.0 for c in values for k in values}
    for u in units:
        for i, j in itertools.permutations(range(len(u)), 2):
            o[u[i], u[j]] += 1 / (len(u) - 1)
    n_c = {c: sum(o[c, k] for k in values) for c in values}
    n = sum(n_c.values())

    def d2(c: float, k: float) -> float:
        if level == "nominal":
            return float(c != k)
        if level == "interval":
            return (c - k) ** 2
        lo, hi = min(c, k), max(c, k)
        return (sum(n_c[g] for g in values if lo <= g <= hi) - (n_c[c] + n_c[k]) / 2) ** 2

    observed = sum(o[c, k] * d2(c, k) for c in values for k in values) / n
    expected = sum(n_c[c] * n_c[k] * d2(c, k) for c in values for k in values) / (n * (n - 1))
    return 1 - observed / expected if expected else float("nan")


ratings = st.lists(
    st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=6, max_size=6),
    min_size=2,
    max_size=5,
)


@settings(max_examples=150, deadline=None)
@given(ratings, st.sampled_from(["nominal", "ordinal", "interval"]))
def test_alpha_matches_the_definitions_and_ignores_order(rows, level) -> None:
    data = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)
    expected = alpha_by_loops(data, level)
    got = krippendorff_alpha(data, level)
    if np.isnan(expected):
        assert np.isnan(got)
        return
    assert got == pytest.approx(expected, abs=1e-9)
    shuffled = data[::-1, ::-1]  # raters and units in another order
    assert krippendorff_alpha(shuffled, level) == pytest.approx(got, abs=1e-9)


# Hand example (raters x units). Unit 1: 2, 2, 3; unit 2: 3, 4, 1; unit 3: one value, no pair;
# rater 4 scored nothing shared.
HAND = np.array(
    [
        [2, 3, 1],
        [2, 4, _],
        [3, 1, _],
        [_, _, _],
    ]
)


def test_agreement_shares_by_hand() -> None:
    # Unit 1 pairs: (2,2) exact, (2,3), (2,3) adjacent. Unit 2: (3,4) adjacent, (3,1), (4,1)
    # not. 6 pairs: 1 exact, 4 within one level.
    exact, adjacent = agreement(HAND)
    assert exact == pytest.approx(1 / 6) and adjacent == pytest.approx(4 / 6)
    assert agreement(KRIPPENDORFF_2011[:, :1]) == (1.0, 1.0)
    assert all(np.isnan(agreement([[1, _], [_, 2]])))


def test_rater_deviation_by_hand() -> None:
    # Rater 1: 2 - mean(2, 3) = -0.5 and 3 - mean(4, 1) = 0.5 -> 0 (unit 3 has no colleague).
    # Rater 2: 2 - 2.5 = -0.5, 4 - 2 = 2 -> 0.75. Rater 3: 3 - 2 = 1, 1 - 3.5 = -2.5 -> -0.75.
    deviation = rater_deviation(HAND)
    np.testing.assert_allclose(deviation[:3], [0.0, 0.75, -0.75])
    assert np.isnan(deviation[3])


def test_a_lenient_expert_stands_out() -> None:
    rng = np.random.default_rng(3)
    truth = rng.integers(1, 4, size=200).astype(float)
    data = np.vstack([truth, truth, truth + 1, truth])  # expert 2 always one level higher
    data[rng.random(data.shape) < 0.3] = np.nan
    deviation = rater_deviation(data)
    assert deviation[2] > 0.9 and np.all(np.abs(deviation[[0, 1, 3]]) < 0.5)
