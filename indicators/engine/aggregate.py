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

Exemptions (an accepted appeal, 申诉豁免; see compute.py): a child exempt for a unit is taken
out of that unit's parent entirely, as if the tree had no such child: it is left out of the
weighted mean *and* of the sibling weight that coverage is measured against, so exempting one
of four children leaves a complete parent over the other three (weights renormalised, not
PARTIAL). A parent whose children are all exempt is exempt itself (NaN, flagged EXEMPT, not
MISSING) and leaves its own parent the same way. An exempt child has no score, so it never
vetoes. ``exempt_nodes`` works out which (unit, node) cells are exempt once, from the leaves.

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
    exempt: Sequence[np.ndarray | None] | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Parent scores, and the mask of vetoed cells (None: no child can veto).

    Missing parents are NaN. ``exempt``: per child, the (n,) mask of units the child is
    exempt for (None: none), or None when no child is exempt anywhere. An exempt child is
    NaN, so it is left out of the mean like a missing one; its weight is also left out of
    the sibling weight that ``min_coverage`` applies to.

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
            kept: np.ndarray | float = total  # sibling weight, less the exempt children's
            if exempt is not None:
                for w, out in zip(weights, exempt, strict=True):
                    if out is not None:
                        kept = kept - w * out[rows]
            covered = (den > 0) & (den >= min_coverage * kept * (1.0 - _COVERAGE_RTOL))
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


def exempt_nodes(tree: Tree, leaf_exempt: np.ndarray | None) -> np.ndarray | None:
    """(n, columns) mask of the exempt cells: the exempt leaves (``leaf_exempt``, (n, L) in
    ``tree.leaf_codes`` order) and the aggregates whose children are all exempt. None when
    nothing is exempt."""
    if leaf_exempt is None:
        return None
    out = np.zeros((leaf_exempt.shape[0], len(tree.columns)), dtype=bool, order="F")
    out[:, tree.leaf_columns] = leaf_exempt
    for step in tree.plan:  # post-order: children first
        out[:, step.column] = np.logical_and.reduce(out[:, list(step.children)], axis=1)
    return out


def _child_masks(
    exempt: np.ndarray | None, touched: np.ndarray | None, step: Step
) -> list[np.ndarray | None] | None:
    """``combine``'s ``exempt`` for one step: None unless a child is exempt somewhere."""
    if exempt is None or touched is None or not touched[list(step.children)].any():
        return None
    return [exempt[:, c] if touched[c] else None for c in step.children]


def aggregate(
    tree: Tree,
    leaf_scores: np.ndarray,
    leaf_flags: np.ndarray,
    *,
    geometric: bool,
    min_coverage: float,
    exempt: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Scores and flags (n, columns) for every node, leaves included, overall last.

    ``exempt``: the (n, columns) mask from ``exempt_nodes`` (None: nothing exempt).
    """
    n = leaf_scores.shape[0]
    width = len(tree.columns)
    # Column-major: each node's column is contiguous, which is how it is read and written.
    scores = np.full((n, width), np.nan, order="F")
    flags = np.zeros((n, width), dtype=FLAG_DTYPE, order="F")
    scores[:, tree.leaf_columns] = leaf_scores
    flags[:, tree.leaf_columns] = leaf_flags
    touched = None if exempt is None else exempt.any(axis=0)  # columns exempt somewhere
    for step in tree.plan:
        kids = [scores[:, c] for c in step.children]
        masks = _child_masks(exempt, touched, step)
        parent, vetoed = combine(
            kids,
            step.weights,
            step.veto_at,
            geometric=geometric,
            min_coverage=min_coverage,
            exempt=masks,
        )
        scores[:, step.column] = parent
        below = np.bitwise_or.reduce(flags[:, list(step.children)], axis=1)
        present = ~np.isnan(parent)
        if exempt is None or touched is None:
            f = np.where(present, 0, Flag.MISSING)
        else:
            # An exempt parent (every child exempt) has no score but is not missing.
            f = np.where(present | exempt[:, step.column], 0, Flag.MISSING)
            f |= np.where((below & Flag.EXEMPT) != 0, Flag.EXEMPT, 0)
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
    exempt: np.ndarray | None = None,
) -> np.ndarray:
    """Scores of the last step's node under a batch of weight vectors: (c, n).

    ``weights`` is (c, columns), one relative weight per node per draw; ``leaf_scores`` the
    (n,) leaf columns (shared by all draws). Children are released as soon as their parent
    is computed, so at most a few (c, n) arrays are alive at a time (post-order plan).
    ``exempt``: as in ``aggregate`` (weights do not change what is exempt).
    """
    alive: dict[int, np.ndarray] = dict(zip(leaf_columns.tolist(), leaf_scores, strict=True))
    touched = None if exempt is None else exempt.any(axis=0)
    parent = np.empty(0)
    for step in steps:
        kids = [alive.pop(c) for c in step.children]
        w = [weights[:, c : c + 1] for c in step.children]
        parent, _ = combine(
            kids,
            w,
            step.veto_at,
            geometric=geometric,
            min_coverage=min_coverage,
            exempt=_child_masks(exempt, touched, step),
        )
        alive[step.column] = parent
    return parent
