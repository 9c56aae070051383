"""Inter-rater reliability of an expert panel: do the experts read the rubric the same way?

All functions take a (raters x units) array, NaN where a rater did not score a unit (in a
panel round most are NaN: each cell is scored by 2-5 of the experts).

- ``krippendorff_alpha``: Krippendorff's alpha, by the coincidence-matrix formulation of
  K. Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011). alpha = 1 - D_o / D_e:
  1 is perfect agreement, 0 agreement no better than chance, below 0 systematic
  disagreement. Units with fewer than 2 values cannot be paired and are dropped.
- ``agreement``: the share of pairs of scores in a unit that are equal, and that are within
  one level of each other, the figures a panel chair reads most easily.
- ``rater_deviation``: each rater's mean difference from the other raters of the same units,
  to spot an expert who is systematically severe (negative) or lenient (positive).
"""

from __future__ import annotations

import numpy as np

METRICS = ("nominal", "ordinal", "interval", "ratio")


def krippendorff_alpha(data: object, level: str = "ordinal") -> float:
    """Krippendorff's alpha of ``data`` (raters x units, NaN = missing) for a ``level`` of
    measurement: "nominal", "ordinal", "interval" or "ratio".

    With o_ck the coincidences of values c and k (each ordered pair of values of a unit from
    two different raters counts 1 / (m_u - 1), m_u the unit's number of values), n_c = sum_k
    o_ck and n = sum_c n_c: alpha = 1 - (n - 1) * sum o_ck d2_ck / sum n_c n_k d2_ck. The
    distances d2 are: nominal [c != k]; interval (c - k)^2; ratio ((c - k) / (c + k))^2;
    ordinal (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2, i.e. the interval metric on mid-ranks.

    NaN when alpha is undefined: no unit has 2 values, or the pairable values do not vary at
    all (D_e = 0; Krippendorff leaves 0/0 undefined, and a 1.0 there would claim a
    reliability the data cannot show).
    """
    if level not in METRICS:
        raise ValueError(f"unknown level of measurement {level!r}; choose one of {METRICS}")
    counts, values = _unit_counts(data)
    if counts.shape[0] == 0:
        return float("nan")
    m = counts.sum(axis=1)
    weighted = counts / (m - 1)[:, None]
    coincidences = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    n_c = counts.sum(axis=0)
    n = n_c.sum()
    d2 = _distances(values, n_c, level)
    expected = float((np.outer(n_c, n_c) * d2).sum())
    if expected == 0:
        return float("nan")
    return float(1 - (n - 1) * (coincidences * d2).sum() / expected)


def agreement(data: object) -> tuple[float, float]:
    """(exact share, adjacent share) over all pairs of scores within a unit.

    Every unordered pair of two raters' values of the same unit counts once (a unit with m
    values has m(m - 1)/2 pairs, so units scored by more experts weigh more). Adjacent means
    |a - b| <= 1, exact pairs included. (NaN, NaN) when there is no pair.
    """
    counts, values = _unit_counts(data)
    m = counts.sum(axis=1)
    pairs = float((m * (m - 1)).sum() / 2)
    if pairs == 0:
        return float("nan"), float("nan")
    exact = float((counts * (counts - 1)).sum() / 2)
    near = (np.abs(values[:, None] - values[None, :]) <= 1 + 1e-9).astype(np.float64)
    adjacent = float((((counts @ near) * counts).sum() - m.sum()) / 2)
    return exact / pairs, adjacent / pairs


def rater_deviation(data: object) -> np.ndarray:
    """Per rater: the mean, over the units they share with at least one other rater, of
    (their value - the mean of the other raters' values in that unit).

    NaN for a rater who scored no shared unit. Positive: the rater scores higher than their
    colleagues (lenient); negative: lower (severe).
    """
    x = _as_data(data)
    present = ~np.isnan(x)
    m = present.sum(axis=0)
    total = np.where(present, x, 0).sum(axis=0)
    shared = present & (m >= 2)[None, :]
    others = (total[None, :] - np.where(present, x, 0)) / np.maximum(m - 1, 1)[None, :]
    diff = np.where(shared, x - others, 0.0)
    n = shared.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, diff.sum(axis=1) / n, np.nan)


def _as_data(data: object) -> np.ndarray:
    x = np.asarray(data, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"reliability data must be a (raters x units) array, got shape {x.shape}")
    if np.isinf(x).any():
        raise ValueError("reliability data must be finite numbers or NaN for missing")
    return x


def _unit_counts(data: object) -> tuple[np.ndarray, np.ndarray]:
    """(units x values) counts of each distinct value in each pairable unit (>= 2 values),
    and the sorted distinct values."""
    x = _as_data(data)
    present = ~np.isnan(x)
    pairable = present.sum(axis=0) >= 2
    x, present = x[:, pairable], present[:, pairable]
    values = np.unique(x[present])
    unit = np.broadcast_to(np.arange(x.shape[1]), x.shape)[present]
    which = np.searchsorted(values, x[present])
    counts = np.zeros((x.shape[1], values.size), dtype=np.float64)
    np.add.at(counts, (unit, which), 1)
    return counts, values


def _distances(values: np.ndarray, n_c: np.ndarray, level: str) -> np.ndarray:
    """The squared difference function d2_ck of the level of measurement."""
    if level == "nominal":
        return 1.0 - np.eye(values.size)
    if level == "ordinal":
        values = np.cumsum(n_c) - n_c / 2  # mid-ranks: the ordinal metric is interval on them
    elif level == "ratio":
        total = values[:, None] + values[None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(total != 0, (values[:, None] - values[None, :]) / total, 0.0)
        return ratio**2
    return (values[:, None] - values[None, :]) ** 2
