"""Peer-relative normalisation: a round-level alternative to the per-leaf rules.

When a round chooses a method other than ``"rules"``, every *continuous* leaf (goalposts,
bands, peer percentile) is scored relative to its peer group instead of by its own rule;
rubric and yes/no leaves keep their rule. All methods give 0-100, read the raw value in the
leaf's direction (lower-is-better columns are flipped first) and work within peer groups.

Methods (per group, after direction):

* ``minmax``: ``100 (x - min) / (max - min)``.
* ``zscore``: ``50 + 10 z`` with the sample standard deviation (ddof = 1), clipped to
  [0, 100] (5 standard deviations either side) so that it lives on the same scale as every
  other score and the maturity bands.
* ``rank``: league-table position, ``100 (n - r) / (n - 1)`` where r is the competition rank
  (ties share the best rank, like the published ranking).
* ``percentile``: share of the other members beaten, ties counting half (as the
  ``PeerPercentile`` rule): ``100 (below + (tied - 1) / 2) / (n - 1)``.
* ``distance_to_target``: ``100 (x - worst) / (target - worst)`` capped at 100, where
  target comes from the leaf's rule (goalposts target, top band threshold) and worst is the
  group's worst value; a leaf without a target uses the group's best value. At or beyond the
  target scores 100; a lone or all-equal group below target scores 0.
* ``fraction_of_max``: higher-is-better ``100 x / max``; lower-is-better ``100 min / x``
  (fraction of the best). Negative raw values count as 0; a group whose best is 0 on a
  higher-is-better leaf scores 0; x = 0 on a lower-is-better leaf scores 100.

Constant groups (one member, or all members equal): ``minmax``, ``zscore``, ``rank`` and
``percentile`` give 50 to everyone: the data cannot say who is better, so everyone is
placed at the neutral middle rather than all at 0 or 100. Missing values (NaN) stay missing
and are not group members.
"""

from __future__ import annotations

import numpy as np

from indicators.engine.groups import Groups, mid_percentile, tie_counts

METHODS = (
    "minmax",
    "zscore",
    "rank",
    "percentile",
    "distance_to_target",
    "fraction_of_max",
)
#: Methods whose scale is set by the extremes or moments of the data, hence the only ones
#: that outlier treatment (outliers.py) changes: the others are rank-based or anchored on a
#: target or the best performer.
OUTLIER_SENSITIVE = ("minmax", "zscore")


def normalise(
    values: np.ndarray,
    groups: Groups,
    method: str,
    directions: np.ndarray,
    targets: np.ndarray,
) -> np.ndarray:
    """Normalise the (n, k) raw ``values`` column by column within ``groups``.

    ``directions`` (k,) is +1/-1 per column; ``targets`` (k,) is the raw target per column
    (NaN: none), used only by ``distance_to_target``.
    """
    if method not in METHODS:
        raise ValueError(f"unknown normalisation {method!r}; expected one of {METHODS}")
    x = np.asarray(values, dtype=np.float64)
    d = np.asarray(directions, dtype=np.float64)
    missing = np.isnan(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "fraction_of_max":
            out = _fraction_of_best(x, groups, d)
        else:
            a = x * d  # higher is better from here on
            out = _METHODS[method](a, groups, np.asarray(targets, dtype=np.float64) * d)
    out[missing] = np.nan
    return out


def _minmax(a: np.ndarray, groups: Groups, _t: np.ndarray) -> np.ndarray:
    lo, hi = groups.nan_min_max(a)
    span = hi - lo
    # Divide before scaling: (a - lo) / span is at most exactly 1, so the best scores
    # exactly 100 (100 * (a - lo) / span can round to 100.00000000000001).
    return np.where(span > 0, 100.0 * ((a - lo) / span), 50.0)


def _zscore(a: np.ndarray, groups: Groups, _t: np.ndarray) -> np.ndarray:
    count, mean = groups.nan_mean(a)
    dev = a - mean
    # Two-pass variance (sum of squared deviations) for numerical stability.
    ss = groups.reduce(np.add, np.where(np.isnan(dev), 0.0, dev * dev))[groups.index]
    sd = np.sqrt(ss / np.maximum(count - 1, 1))
    z = np.where((count > 1) & (sd > 0), dev / sd, 0.0)
    return np.clip(50.0 + 10.0 * z, 0.0, 100.0)


def _rank(a: np.ndarray, groups: Groups, _t: np.ndarray) -> np.ndarray:
    below, equal, count = (m.T for m in tie_counts(a.T, groups))
    position = 100.0 * ((below + equal - 1) / (count - 1))
    return np.where(equal < count, position, 50.0)  # constant group (or one member): 50


def _percentile(a: np.ndarray, groups: Groups, _t: np.ndarray) -> np.ndarray:
    return mid_percentile(a.T, groups).T


def _distance_to_target(a: np.ndarray, groups: Groups, t: np.ndarray) -> np.ndarray:
    worst, best = groups.nan_min_max(a)
    target = np.where(np.isnan(t), best, t)
    gap = target - worst
    share = np.where(gap > 0, (a - worst) / gap, 1.0)
    return np.where(a >= target, 100.0, 100.0 * np.clip(share, 0.0, 1.0))


def _fraction_of_best(x: np.ndarray, groups: Groups, d: np.ndarray) -> np.ndarray:
    pos = np.maximum(x, 0.0)  # NaN stays NaN
    lo, hi = groups.nan_min_max(pos)
    higher = np.where(hi > 0, 100.0 * (pos / hi), 0.0)
    lower = np.where(pos > 0, 100.0 * (lo / pos), 100.0)
    return np.where(d > 0, higher, lower)


_METHODS = {
    "minmax": _minmax,
    "zscore": _zscore,
    "rank": _rank,
    "percentile": _percentile,
    "distance_to_target": _distance_to_target,
}
