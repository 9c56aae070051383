"""Seeded synthetic raw values for the default tree (tests and the benchmark).

National scale: 3,213 regions (34 province-level, 333 city-level, 2,846 county-level, as in
shared/data/admin-divisions-2024.txt); peer group = level. Values are driven by a latent
"capability" per region so that leaves correlate as real ones do, land in realistic ranges
per value type, and about ``missing`` of the cells are NaN.
"""

from __future__ import annotations

import numpy as np

from indicators.engine import Goalposts, Tree
from tests.indicators.engine.default_tree import value_types

#: Province-, city- and county-level divisions in China (2024).
NATIONAL = (34, 333, 2846)


def level_labels(regions: int = sum(NATIONAL)) -> np.ndarray:
    """Peer-group label per region (0 province, 1 city, 2 county), national proportions."""
    if regions < len(NATIONAL):
        raise ValueError(f"need at least {len(NATIONAL)} regions, got {regions}")
    share = np.array(NATIONAL) / sum(NATIONAL)
    counts = np.maximum(1, np.floor(share * regions).astype(int))
    counts[-1] = regions - counts[:-1].sum()
    return np.repeat(np.arange(len(NATIONAL)), counts)


def synthetic_raw(
    tree: Tree, levels: np.ndarray, *, seed: int = 0, missing: float = 0.02
) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = levels.shape[0]
    # Higher levels are, on average, more capable; regions vary a lot within a level.
    capability = rng.normal(0.0, 1.0, n) + np.array([0.6, 0.3, 0.0])[levels]
    kinds = value_types()
    raw = np.empty((n, len(tree.leaf_codes)))
    for j, code in enumerate(tree.leaf_codes):
        rule = tree.node(code).rule
        kind = kinds[code]
        signal = 0.7 * capability + 0.7 * rng.normal(0.0, 1.0, n)
        if kind == "rubric":
            raw[:, j] = np.clip(np.round(2.5 + 1.2 * signal), 0, 5)
        elif kind == "yes_no":
            raw[:, j] = rng.random(n) < 1.0 / (1.0 + np.exp(-(1.0 + signal)))
        elif kind == "incidents":
            raw[:, j] = rng.poisson(0.4 * np.exp(-0.6 * signal))
        elif kind == "count":
            size = np.array([12.0, 3.0, 1.0])[levels]  # large regions report larger counts
            raw[:, j] = np.round(size * np.exp(3.0 + 0.8 * signal + 0.6 * rng.normal(size=n)))
        else:
            assert isinstance(rule, Goalposts), code
            progress = np.clip(0.6 + 0.3 * signal, -0.4, 1.4)
            value = rule.floor + (rule.target - rule.floor) * progress
            upper = {"days": 60.0, "small_pct": 5.0}.get(kind, 100.0)
            raw[:, j] = np.clip(value, 0.0, upper)
    raw[rng.random(raw.shape) < missing] = np.nan
    return raw
