"""Outlier treatment as composite-indicator practice (JRC / COINr ``Treat()``) defines it.

Per indicator and peer group, before peer-relative normalisation:

1. An indicator *fails* when |skewness| >= 2 AND kurtosis >= 3.5 (COINr's
   ``check_SkewKurt``: it passes if either is below its threshold). Skewness is the
   sample-adjusted G1 and kurtosis the sample-adjusted *excess* kurtosis G2 (the estimators
   of Excel's SKEW/KURT, e1071 type 2, which COINr uses).
2. While it fails, winsorise one step: on the side given by the sign of the skewness, ALL
   values tied at the extreme are replaced by the next value inward (COINr ``winsorise``).
   Stop when it passes or when ``winmax`` values (default 5, COINr's default) have been
   replaced. Because a replaced value ties with the next extreme, each further step on the
   same side replaces it again: without ties in the data, steps and values are the same
   count; with ties one step may replace several values.
3. If it still fails, revert to the original values and log-transform instead (COINr
   ``f2``, applied to the original, not the winsorised data). COINr's default ``log_CT`` is
   ``log(x - min + 0.01 (max - min))``; ``ct_orig`` is ``log(x - min + 1)``. The shift
   makes zeros and negatives valid and the map is increasing, so the indicator's direction
   is preserved. Deviation from COINr, on purpose: for a *negatively* skewed indicator we use
   the mirrored map ``-log(max - x + shift)``, which compresses the long low tail (COINr's
   log would stretch it); it is still increasing.

Only ``minmax`` and ``zscore`` normalisation read treated values (normalise.py explains
why). Groups with fewer than 4 present values are left alone (kurtosis needs 4), as are
constant columns (no skew to treat).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indicators.engine.groups import Groups


@dataclass(frozen=True)
class OutlierRecord:
    """What was done to one indicator within one peer group."""

    code: str
    group: int  # the caller's peer-group label
    action: str  # "winsorised" or "log"
    steps: int  # winsorisation steps taken (also recorded when it fell back to log)
    rows: tuple[int, ...]  # rows whose value was replaced (winsorised); () for log
    before: tuple[float, ...]  # their original values
    after: tuple[float, ...]  # their treated values
    skew_before: float
    kurt_before: float
    skew_after: float
    kurt_after: float
    passed: bool  # thresholds met after treatment (a log can still fail)


@dataclass(frozen=True)
class Thresholds:
    skew: float = 2.0
    kurt: float = 3.5
    winmax: int = 5
    log: str = "ct"  # "ct" | "ct_orig"


def skew_kurt(x: np.ndarray) -> tuple[float, float]:
    """Sample-adjusted skewness G1 and excess kurtosis G2 of the values (no NaN).

    NaN when undefined: fewer than 3 (skew) or 4 (kurtosis) values, or a constant column.
    """
    n = x.shape[0]
    if n < 3:
        return float("nan"), float("nan")
    # Sorted first so the floating-point sums, and hence a decision at the threshold, do not
    # depend on the order of the units: [0, 0, 0, 1] has a skewness of exactly 2, which an
    # unsorted sum put at 1.9999999999999996 or 2.0000000000000004 depending on row order.
    x = np.sort(x)
    d = x - x.mean()
    scale = np.max(np.abs(d))
    if not scale > 0:
        return float("nan"), float("nan")
    d = d / scale  # both statistics are scale-free; this avoids under/overflow of m2**2
    d2 = d * d  # products, not d**3 / d**4: float powers are several times slower
    m2 = np.mean(d2)
    m3 = np.mean(d2 * d)
    m4 = np.mean(d2 * d2)
    g1 = m3 / m2**1.5
    skew = g1 * np.sqrt(n * (n - 1)) / (n - 2)
    if n < 4:
        return float(skew), float("nan")
    g2 = m4 / (m2 * m2) - 3.0
    kurt = ((n + 1) * g2 + 6.0) * (n - 1) / ((n - 2) * (n - 3))
    return float(skew), float(kurt)


#: Statistics this close to a threshold count as on it: values that are exactly on it in exact
#: arithmetic (small integer columns often are) must not pass or fail by a rounding error.
AT_THRESHOLD = 1e-9


def fails(skew: float, kurt: float, th: Thresholds) -> bool:
    """COINr's test, negated: treat when |skew| >= threshold and kurtosis >= threshold."""
    # NaN compares False: passes.
    return bool(abs(skew) >= th.skew - AT_THRESHOLD and kurt >= th.kurt - AT_THRESHOLD)


def winsorise(x: np.ndarray, th: Thresholds) -> tuple[np.ndarray, np.ndarray, int]:
    """Winsorise ``x`` (no NaN) until it passes or ``th.winmax`` values were replaced.

    Returns the treated copy, a mask of replaced positions and the number of steps.
    """
    x = x.copy()
    treated = np.zeros(x.shape[0], dtype=bool)
    steps = 0
    skew, kurt = skew_kurt(x)
    while fails(skew, kurt, th) and treated.sum() < th.winmax:
        extreme = x.max() if skew >= 0 else x.min()
        at_extreme = x == extreme
        rest = x[~at_extreme]
        if rest.size == 0:  # cannot happen for a failing column, but never loop forever
            break
        x[at_extreme] = rest.max() if skew >= 0 else rest.min()
        treated |= at_extreme
        steps += 1
        skew, kurt = skew_kurt(x)
    return x, treated, steps


def log_transform(x: np.ndarray, skew: float, kind: str) -> np.ndarray:
    """Increasing log map that compresses the long tail (see the module docstring)."""
    lo, hi = x.min(), x.max()
    shift = 0.01 * (hi - lo) if kind == "ct" else 1.0
    if skew >= 0:
        return np.log(x - lo + shift)
    return -np.log(hi - x + shift)


def _may_fail(raw: np.ndarray, groups: Groups, th: Thresholds) -> np.ndarray:
    """(groups, k) mask of the columns that *might* fail, all tested at once.

    The same statistics as ``skew_kurt``, vectorised over groups and columns with
    ``reduceat``. Used only to skip columns that clearly pass (by a margin far larger than
    the rounding differences between the two computations); every other column is decided
    by ``skew_kurt`` itself, so the outcome is exactly the one-column outcome.
    """
    present = ~np.isnan(raw)
    n = groups.reduce(np.add, present.astype(np.float64))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = groups.reduce(np.add, np.where(present, raw, 0.0)) / n
        d = np.where(present, raw - mean[groups.index], 0.0)
        scale = groups.reduce(np.fmax, np.abs(d))
        d /= np.where(scale > 0, scale, 1.0)[groups.index]
        d2 = d * d
        m2, m3, m4 = (groups.reduce(np.add, power) / n for power in (d2, d2 * d, d2 * d2))
        skew = m3 / m2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)
        kurt = ((n + 1) * (m4 / (m2 * m2) - 3.0) + 6.0) * (n - 1) / ((n - 2) * (n - 3))
    margin = 1e-6
    clear_pass = (np.abs(skew) < th.skew - margin) | (kurt < th.kurt - margin)
    return (n >= 4) & (scale > 0) & ~clear_pass


def treat(
    raw: np.ndarray,
    codes: tuple[str, ...],
    columns: np.ndarray,
    groups: Groups,
    th: Thresholds,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[OutlierRecord, ...]]:
    """Treat the given ``columns`` of the (n, k) ``raw`` matrix within each peer group.

    Returns (treated copy, winsorised mask, log-transformed mask, records). One vectorised
    screen finds the (indicator, group) pairs that may need treatment; only those are
    handled one by one.
    """
    out = raw.copy()
    winsorised = np.zeros(raw.shape, dtype=bool)
    logged = np.zeros(raw.shape, dtype=bool)
    records: list[OutlierRecord] = []
    if raw.shape[0] == 0 or len(columns) == 0:
        return out, winsorised, logged, ()
    suspects = _may_fail(raw[:, columns], groups, th)
    for c, j in enumerate(columns):
        for g in np.flatnonzero(suspects[:, c]):
            rows = groups.order[groups.starts[g] : groups.starts[g] + groups.sizes[g]]
            rows = rows[~np.isnan(raw[rows, j])]
            x = raw[rows, j]
            skew0, kurt0 = skew_kurt(x)
            if not fails(skew0, kurt0, th):
                continue
            treated, mask, steps = winsorise(x, th)
            skew1, kurt1 = skew_kurt(treated)
            action = "winsorised"
            if fails(skew1, kurt1, th):  # revert, and log-transform the original instead
                action = "log"
                treated = log_transform(x, skew0, th.log)
                mask = np.zeros(x.shape[0], dtype=bool)
                skew1, kurt1 = skew_kurt(treated)
                logged[rows, j] = True
            out[rows, j] = treated
            winsorised[rows[mask], j] = True
            records.append(
                OutlierRecord(
                    code=codes[j],
                    group=int(groups.labels[g]),
                    action=action,
                    steps=steps,
                    rows=tuple(rows[mask].tolist()),
                    before=tuple(x[mask].tolist()),
                    after=tuple(treated[mask].tolist()),
                    skew_before=skew0,
                    kurt_before=kurt0,
                    skew_after=skew1,
                    kurt_after=kurt1,
                    passed=not fails(skew1, kurt1, th),
                )
            )
    return out, winsorised, logged, tuple(records)
