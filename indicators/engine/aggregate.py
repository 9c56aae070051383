"""Aggregation up the tree: weighted arithmetic or geometric mean, coverage, veto.

At each parent, over the children that have a score:

* arithmetic: ``sum(w s) / sum(w)``; geometric: ``exp(sum(w ln s) / sum(w))`` (a child at 0
  makes the parent 0, which is the point of a geometric mean: weak spots are not
  compensated);
* coverage: the present children must carry at least ``min_coverage`` of the sibling weight,
  else the parent is missing. Shares are compared with a 1e-9 relative tolerance so that
  shares equal in decimal (0.1 + 0.2 + 0.2 = 0.5) count as equal;
* veto: a present child at or below its ``veto_at`` forces the parent to 0, whatever the
  coverage (UN EGDI 2012).

Only weight ratios matter (everything divides by the sum of the weights present), so
multiplying a sibling group's weights by a constant changes nothing.

``combine`` is shared by ``compute`` (one weight vector, with flags) and by Monte Carlo
sensitivity (a batch of weight vectors at once: children are (c, n) arrays and weights are
(c, 1) columns), so both follow exactly the same arithmetic and ``epsilon = 0``
reproduces the point ranks bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from indicators.engine.flags import FLAG_DTYPE, Flag
from indicators.engine.tree import Step, Tree

_COVERAGE_RTOL = 1e-9


def combine(
    children: Sequence[np.ndarray],
    weights: Sequence[np.ndarray | float],
    veto_at: Sequence[float | None],
    *,
    geometric: bool,
    min_coverage: float,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Parent scores, and the mask of vetoed cells (None: no child can veto).

    Missing parents are NaN.

    Children are (n,) or (c, n); weights are floats or (c, 1) columns. The weighted sum is
    accumulated in place, child by child in a fixed order, with elementwise operations only,
    so the result for a cell does not depend on the batch shape. Missing children are
    rare, so the present weight (and coverage) is only worked out on the rows that have
    one; every other row divides by the total weight.
    """
    shape = np.broadcast_shapes(*(np.shape(w) for w in weights), *(s.shape for s in children))
    num = np.empty(shape)
    term = np.empty(shape)
    total: np.ndarray | float = 0.0
    holes: list[tuple[np.ndarray | float, np.ndarray]] = []
    gap_rows = np.zeros(shape[-1], dtype=bool)
    vetoed: np.ndarray | None = None
    with np.errstate(divide="ignore", invalid="ignore"):
        for i, (s, w, veto) in enumerate(zip(children, weights, veto_at, strict=True)):
            value = np.log(s) if geometric else s
            # min() propagates NaN: one pass without a temporary mask for complete children
            if s.size and np.isnan(s.min()):
                missing = np.isnan(s)
                holes.append((w, missing))
                gap_rows |= missing if missing.ndim == 1 else missing.any(axis=0)
                value = np.where(missing, 0.0, value)
            if i == 0:
                np.multiply(w, value, out=num)
            else:
                np.multiply(w, value, out=term)
                num += term
            total = total + w
            if veto is not None:
                hit = s <= veto  # NaN compares False: a missing child never vetoes
                vetoed = hit if vetoed is None else vetoed | hit
        rows = np.flatnonzero(gap_rows)
        gap_num = num[..., rows]  # a copy (fancy indexing), taken before num is divided
        parent = np.divide(num, total, out=num)
        if rows.size:
            lost: np.ndarray | float = 0.0
            for w, missing in holes:
                lost = lost + w * missing[..., rows]
            den = total - lost
            covered = (den > 0) & (den >= min_coverage * total * (1.0 - _COVERAGE_RTOL))
            parent[..., rows] = np.where(covered, gap_num / den, np.nan)
        if geometric:
            np.exp(parent, out=parent)
        # A mean cannot exceed its largest child (<= 100), but rounding can add an ulp:
        # exp(log(100)) is 100.00000000000004. Restore the invariant.
        np.minimum(parent, 100.0, out=parent)
    if vetoed is not None:
        vetoed = np.broadcast_to(vetoed, shape)
        parent[vetoed] = 0.0
    return parent, vetoed


def aggregate(
    tree: Tree,
    leaf_scores: np.ndarray,
    leaf_flags: np.ndarray,
    *,
    geometric: bool,
    min_coverage: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Scores and flags (n, columns) for every node, leaves included, overall last."""
    n = leaf_scores.shape[0]
    width = len(tree.columns)
    # Column-major: each node's column is contiguous, which is how it is read and written.
    scores = np.full((n, width), np.nan, order="F")
    flags = np.zeros((n, width), dtype=FLAG_DTYPE, order="F")
    scores[:, tree.leaf_columns] = leaf_scores
    flags[:, tree.leaf_columns] = leaf_flags
    for step in tree.plan:
        kids = [scores[:, c] for c in step.children]
        parent, vetoed = combine(
            kids,
            step.weights,
            step.veto_at,
            geometric=geometric,
            min_coverage=min_coverage,
        )
        scores[:, step.column] = parent
        below = np.bitwise_or.reduce(flags[:, list(step.children)], axis=1)
        present = ~np.isnan(parent)
        f = np.where(present, 0, Flag.MISSING)
        f |= np.where(present & ((below & (Flag.MISSING | Flag.PARTIAL)) != 0), Flag.PARTIAL, 0)
        f |= np.where(present & ((below & Flag.IMPUTED) != 0), Flag.IMPUTED, 0)
        # A ranking says a region's total rests on an overstated value (虚报) somewhere below.
        f |= np.where((below & Flag.OVERSTATED) != 0, Flag.OVERSTATED, 0)
        if vetoed is not None:
            f |= np.where(vetoed, Flag.VETOED, 0)
        flags[:, step.column] = f
    return scores, flags


def aggregate_batch(
    steps: Sequence[Step],
    leaf_scores: Sequence[np.ndarray],
    leaf_columns: np.ndarray,
    weights: np.ndarray,
    *,
    geometric: bool,
    min_coverage: float,
) -> np.ndarray:
    """Scores of the last step's node under a batch of weight vectors: (c, n).

    ``weights`` is (c, columns), one relative weight per node per draw; ``leaf_scores`` the
    (n,) leaf columns (shared by all draws). Children are released as soon as their parent
    is computed, so at most a few (c, n) arrays are alive at a time (post-order plan).
    """
    alive: dict[int, np.ndarray] = dict(zip(leaf_columns.tolist(), leaf_scores, strict=True))
    parent = np.empty(0)
    for step in steps:
        kids = [alive.pop(c) for c in step.children]
        w = [weights[:, c : c + 1] for c in step.children]
        parent, _ = combine(kids, w, step.veto_at, geometric=geometric, min_coverage=min_coverage)
        alive[step.column] = parent
    return parent
