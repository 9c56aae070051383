"""Ranking for the horse race: descending, ties share the best rank, within peer groups.

Ranks are decided on the score rounded to the published precision (rounding.py: half away
from zero on a decimal-safe value), so 80.004 and 80.001 tie at 2 dp, exactly as a reader of
the published table would see. Competition ranking ("1, 2, 2, 4"); NaN scores are unranked
(NaN rank) and do not count for anyone else's rank.
"""

from __future__ import annotations

import numpy as np

from indicators.engine.groups import Groups, tie_counts
from indicators.engine.rounding import scaled_round

_KEY_LIMIT = 2**62


def rank_desc(
    values: object, groups: Groups | object | None = None, precision: int = 2
) -> np.ndarray:
    """Ranks (float, NaN = unranked) of ``values`` within ``groups``.

    ``values`` is (n,) or (k, n) with units along the last axis (k columns ranked
    independently, e.g. every node of the tree, or every Monte Carlo draw). ``groups`` is a
    ``Groups`` or integer labels per unit (``None``: one group). Rank = 1 + the number of
    units in the same group whose rounded score is strictly greater.
    """
    q = scaled_round(values, precision)
    n = q.shape[-1]
    if not isinstance(groups, Groups):
        groups = Groups.of(groups, n)
    missing = np.isnan(q)
    if n == 0 or missing.all():
        return np.full(q.shape, np.nan)
    lo, hi = float(np.nanmin(q)), float(np.nanmax(q))
    span = hi - lo + 2  # rounded scores are integers: hi - q in [0, span - 2], NaN -> span - 1
    if groups.count * span >= _KEY_LIMIT:  # astronomically spread scores: general path
        below, equal, count = tie_counts(q, groups)
        ranks = (count - below - equal + 1).astype(np.float64)
    else:
        ranks = _ranks_by_key(q, missing, groups, hi, int(span))
    ranks[missing] = np.nan
    return ranks


def _ranks_by_key(
    q: np.ndarray, missing: np.ndarray, groups: Groups, hi: float, span: int
) -> np.ndarray:
    """One integer sort per column: key = group * span + (hi - score), ascending.

    Sorted by this key, each group is a contiguous block (same layout in every column) with
    its best score first, so a unit's rank is its run's first position in the block + 1.
    """
    one_d = q.ndim == 1
    q2 = q[None, :] if one_d else q
    m2 = missing[None, :] if one_d else missing
    key = np.where(m2, span - 1, hi - np.where(m2, hi, q2)).astype(np.int64)
    key += groups.index.astype(np.int64) * span
    order = np.argsort(key, axis=-1)
    sorted_key = np.take_along_axis(key, order, axis=-1)
    k, n = key.shape
    pos = np.arange(n)
    new_run = np.empty((k, n), dtype=bool)
    new_run[:, 0] = True
    np.not_equal(sorted_key[:, 1:], sorted_key[:, :-1], out=new_run[:, 1:])
    run_start = np.maximum.accumulate(np.where(new_run, pos, 0), axis=-1)
    block_start = np.repeat(groups.starts, groups.sizes)
    ranks = np.empty((k, n), dtype=np.float64)
    np.put_along_axis(ranks, order, run_start - block_start + 1, axis=-1)
    return ranks[0] if one_d else ranks
