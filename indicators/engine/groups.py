"""Peer groups: integer labels per row, and vectorised statistics within them.

Everything relative in the engine (percentiles, peer normalisation, imputation, ranking) is
computed within peer groups, so these helpers avoid Python loops over rows: rows are sorted
by group once and NumPy's ``reduceat`` computes per-group reductions in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Groups:
    """Factorised peer-group labels.

    ``index[i]`` is the 0-based group of row ``i``; ``order`` sorts rows by group (stable),
    so group ``g`` occupies ``order[starts[g]:starts[g] + sizes[g]]``.
    """

    labels: np.ndarray  # (G,) the distinct caller labels, ascending
    index: np.ndarray  # (n,) group number of each row
    order: np.ndarray  # (n,) rows sorted by group
    starts: np.ndarray  # (G,) offset of each group in ``order``
    sizes: np.ndarray  # (G,) rows per group (missing values included)

    @classmethod
    def of(cls, labels: object | None, n: int) -> Groups:
        """Build from integer labels (one per row); ``None`` puts every row in one group."""
        if labels is None:
            arr = np.zeros(n, dtype=np.int64)
        else:
            arr = np.asarray(labels)
            if arr.shape != (n,):
                raise ValueError(f"peer-group labels must have shape ({n},), got {arr.shape}")
            if n and not (np.issubdtype(arr.dtype, np.integer) or arr.dtype == np.bool_):
                raise ValueError(f"peer-group labels must be integers, got dtype {arr.dtype}")
        uniq, index = np.unique(arr, return_inverse=True)
        index = index.astype(np.intp).reshape(n)
        # int16 keys let NumPy use its radix sort for the stable group sort in tie_counts.
        order = np.argsort(index.astype(_small_int(len(uniq))), kind="stable")
        sizes = np.bincount(index, minlength=len(uniq)).astype(np.intp)
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.intp)
        return cls(labels=uniq, index=index, order=order, starts=starts, sizes=sizes)

    @property
    def n(self) -> int:
        return int(self.index.shape[0])

    @property
    def count(self) -> int:
        return int(self.labels.shape[0])

    def reduce(self, ufunc: np.ufunc, values: np.ndarray) -> np.ndarray:
        """Per-group reduction along axis 0: (n, ...) -> (G, ...)."""
        if self.n == 0:
            return np.empty((0, *values.shape[1:]), dtype=values.dtype)
        return ufunc.reduceat(values[self.order], self.starts, axis=0)

    def nan_mean(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per-group count of non-NaN values and their mean, broadcast back to rows.

        ``values`` is (n, k); a group without any value has count 0 and mean NaN.
        """
        present = ~np.isnan(values)
        count = self.reduce(np.add, present.astype(np.int64))
        total = self.reduce(np.add, np.where(present, values, 0.0))
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
        return count[self.index], mean[self.index]

    def nan_min_max(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per-group min and max ignoring NaN, broadcast back to rows."""
        lo = self.reduce(np.fmin, values)
        hi = self.reduce(np.fmax, values)
        return lo[self.index], hi[self.index]


def _small_int(count: int) -> type[np.integer]:
    return np.int16 if count < 2**15 else np.int32


def tie_counts(values: np.ndarray, groups: Groups) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Within-group order statistics for each cell, units along the last axis.

    ``values`` is (k, n) (or (n,)): k independent columns (indicators, or Monte Carlo draws)
    over the same n units. For each cell returns, among the non-NaN cells of the same column
    and group: ``below`` (strictly smaller), ``equal`` (equal, itself included) and ``count``.
    Cells that are NaN get meaningless numbers: callers mask them.

    Cost: one argsort by value plus one stable radix sort by group per column; no Python loop
    over rows or groups.
    """
    v = np.asarray(values, dtype=np.float64)
    one_d = v.ndim == 1
    if one_d:
        v = v[None, :]
    k, n = v.shape
    if n == 0:
        empty = np.zeros((k, 0), dtype=np.intp)
        return (empty[0], empty[0], empty[0]) if one_d else (empty, empty, empty)
    by_value = np.argsort(v, axis=-1)  # NaN sorts last
    small = groups.index.astype(_small_int(groups.count))
    by_group = np.argsort(small[by_value], axis=-1, kind="stable")
    order = np.take_along_axis(by_value, by_group, axis=-1)
    vs = np.take_along_axis(v, order, axis=-1)
    # After sorting, every column has the same group layout: group g fills one block.
    g_sorted = np.repeat(np.arange(groups.count), groups.sizes)
    pos = np.arange(n)
    breaks = np.empty((k, n), dtype=bool)
    breaks[:, 0] = True
    np.not_equal(vs[:, 1:], vs[:, :-1], out=breaks[:, 1:])  # NaN != NaN: each NaN alone
    breaks[:, groups.starts] = True
    start = np.maximum.accumulate(np.where(breaks, pos, 0), axis=-1)
    ends = np.empty_like(breaks)
    ends[:, :-1] = breaks[:, 1:]
    ends[:, -1] = True
    end = np.minimum.accumulate(np.where(ends, pos, n - 1)[:, ::-1], axis=-1)[:, ::-1]
    present = (~np.isnan(vs)).astype(np.intp)
    per_group = np.add.reduceat(present, groups.starts, axis=-1)  # (k, G)
    below_s = start - groups.starts[g_sorted]
    equal_s = end - start + 1
    count_s = per_group[:, g_sorted]
    out = []
    for sorted_values in (below_s, equal_s, count_s):
        arr = np.empty((k, n), dtype=np.intp)
        np.put_along_axis(arr, order, sorted_values, axis=-1)
        out.append(arr[0] if one_d else arr)
    return out[0], out[1], out[2]


def mid_percentile(values: np.ndarray, groups: Groups) -> np.ndarray:
    """Percentile of each unit among the *other* members of its group, ties counting half.

    ``100 × (below + ½·(equal − 1)) / (count − 1)`` with units along the last axis. The best
    unit scores 100 and the worst 0; tied units share the mean of the positions they occupy;
    a group with one member, or whose members are all equal, scores 50 (no evidence of being
    better or worse than peers). NaN stays NaN.
    """
    below, equal, count = tie_counts(values, groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = (below + 0.5 * (equal - 1)) / (count - 1)
    out = np.where(count > 1, 100.0 * share, 50.0)
    return np.where(np.isnan(values), np.nan, out)
