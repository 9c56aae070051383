"""Monte Carlo rank intervals: how much does a unit's rank depend on the weights?

Each draw multiplies every node's relative weight by an independent U(1 - eps, 1 + eps)
factor (renormalisation per sibling group is implicit: aggregation divides by the sibling
weights' sum) and, optionally, picks the normalisation method at random. The node is
re-aggregated and re-ranked within the ranking groups exactly as in ``compute``; the
interval is a pair of quantiles of the rank over the draws, plus the median.

Reproducible: all random numbers come from ``numpy.random.default_rng(seed)`` and are drawn
up front (factors (draws, nodes) first, then the method choices), so the result does not
depend on the chunk size. Vectorised: draws are processed in chunks of ``chunk_size``
weight vectors at once; leaf scores (weight-independent) are computed once per method.
Memory: the ranks take ``units x draws x 4`` bytes (12.9 MB for 3,213 units x 1,000
draws) and one chunk's aggregation a dozen ``chunk x units`` float arrays. The default
chunk (about 100,000 cells, 0.8 MB per array) keeps those in cache and was the fastest in
the benchmark; measured peak at national scale: see docs/BENCHMARKS.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indicators.engine import leaves
from indicators.engine.aggregate import aggregate_batch, exempt_nodes
from indicators.engine.groups import Groups
from indicators.engine.options import Options
from indicators.engine.ranking import rank_desc
from indicators.engine.tree import OVERALL, Tree

#: Cells (chunk x units) per aggregated array when ``chunk_size`` is not given: small
#: enough to stay in cache (bench: 32 draws x 3,213 units beat 99 or 256 draws by 20-30%).
_CHUNK_ELEMENTS = 100_000


@dataclass(frozen=True, eq=False)
class RankIntervals:
    """Per unit: the point rank (weights as published) and the rank's quantiles over draws.

    ``low``/``high`` are the ``interval`` quantiles, ``median`` the 0.5 quantile, all with
    the inverted-CDF definition (an actual rank reached in a draw, never an interpolation).
    NaN where the unit is unranked in the point computation or in every draw.
    """

    code: str
    point: np.ndarray
    low: np.ndarray
    median: np.ndarray
    high: np.ndarray
    interval: tuple[float, float]
    draws: int
    epsilon: float
    seed: int
    methods: tuple[str, ...]
    method_draws: tuple[int, ...]  # draws per method


def sensitivity(
    tree: Tree,
    raw: object,
    peer_groups: object | None = None,
    options: Options | None = None,
    *,
    rank_within: object | None = None,
    node: str = OVERALL,
    chunk_size: int | None = None,
    penalties: object | None = None,
    exempt: object | None = None,
) -> RankIntervals:
    """Rank intervals of ``node`` (default the overall score) under perturbed weights.

    ``rank_within``: integer labels per unit for the ranking (default: ``peer_groups``), as
    in ``compute``. Draws, epsilon, seed, random methods and the interval come from
    ``options``. ``penalties`` and ``exempt``: as in ``compute``, applied in every draw
    (with ``sensitivity_epsilon = 0`` the ranks are the point ranks of ``compute``).
    """
    options = options or Options()
    raw_arr = leaves.check_raw(tree, raw)
    n = raw_arr.shape[0]
    excused = leaves.check_exempt(tree, exempt, n)
    leaves.withhold(raw_arr, excused)
    multipliers = leaves.check_penalties(tree, penalties, n, excused)
    groups = Groups.of(peer_groups, n)
    rgroups = groups if rank_within is None else Groups.of(rank_within, n)
    methods = options.sensitivity_methods or (options.normalisation,)
    steps = tree.subplan(node)
    draws = options.sensitivity_draws
    if chunk_size is not None and chunk_size < 1:
        raise ValueError(f"chunk_size must be positive, got {chunk_size}")
    chunk = chunk_size or max(1, _CHUNK_ELEMENTS // max(n, 1))

    rng = np.random.default_rng(options.sensitivity_seed)
    eps = options.sensitivity_epsilon
    factors = rng.uniform(1.0 - eps, 1.0 + eps, size=(draws, len(tree.columns)))
    choice = rng.integers(len(methods), size=draws) if len(methods) > 1 else np.zeros(draws, int)

    prep = leaves.prepare(tree, raw_arr, groups, options, (options.normalisation, *methods))
    base = tree.base_weights()
    node_exempt = exempt_nodes(tree, excused)
    geometric = options.aggregation == "geometric"
    leaf_cache: dict[str, list[np.ndarray]] = {}

    def ranks_of(method: str, weights: np.ndarray) -> np.ndarray:
        """(c, n) ranks of ``node`` for a batch of weight vectors (c, columns)."""
        if method not in leaf_cache:
            leaf, _ = leaves.score(prep, groups, method, options, excused)
            leaves.penalise(leaf, None, multipliers)
            leaf_cache[method] = [leaf[:, j] for j in range(leaf.shape[1])]
        score = aggregate_batch(
            steps,
            leaf_cache[method],
            tree.leaf_columns,
            weights,
            geometric=geometric,
            min_coverage=options.min_coverage,
            exempt=node_exempt,
        )
        return rank_desc(score, rgroups, options.precision)

    point = ranks_of(options.normalisation, base[None, :])[0]
    ranks = np.empty((n, draws), dtype=np.float32)  # float32: ranks < 2**24 are exact
    for m, method in enumerate(methods):
        picked = np.flatnonzero(choice == m)
        for start in range(0, picked.size, chunk):
            batch = picked[start : start + chunk]
            ranks[:, batch] = ranks_of(method, base * factors[batch]).T

    interval = options.sensitivity_interval
    low, median, high = _quantiles(ranks, (interval[0], 0.5, interval[1]))
    unranked = np.isnan(point)
    for arr in (low, median, high):
        arr[unranked] = np.nan
    return RankIntervals(
        code=node,
        point=point,
        low=low,
        median=median,
        high=high,
        interval=interval,
        draws=draws,
        epsilon=eps,
        seed=options.sensitivity_seed,
        methods=tuple(methods),
        method_draws=tuple(int((choice == m).sum()) for m in range(len(methods))),
    )


def _quantiles(ranks: np.ndarray, qs: tuple[float, ...]) -> tuple[np.ndarray, ...]:
    """Inverted-CDF quantiles along axis 1, ignoring NaN (draws where a unit was unranked)."""
    ranks.sort(axis=1)  # in place; NaN last
    valid = (~np.isnan(ranks)).sum(axis=1)
    rows = np.arange(ranks.shape[0])
    out = []
    for q in qs:
        idx = np.clip(np.ceil(q * valid).astype(np.intp) - 1, 0, np.maximum(valid - 1, 0))
        values = ranks[rows, idx].astype(np.float64)
        out.append(np.where(valid > 0, values, np.nan))
    return tuple(out)
