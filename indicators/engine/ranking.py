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
    below, equal, count = tie_counts(q, groups)
    ranks = (count - below - equal + 1).astype(np.float64)
    ranks[np.isnan(q)] = np.nan
    return ranks
