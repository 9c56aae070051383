"""A panel's final maturity level (L0-L5) from its experts' levels, or a call to adjudicate.

Each expert of a cell scores a level 0..5 independently. When they disagree by ``spread``
levels or more (max - min >= spread, default 2: L2 against L4 is a different reading of the
evidence, L2 against L3 a judgement call), no level is computed: the cell goes to
adjudication. Otherwise the rule combines the scores into one integer level:

- ``"median"``: the middle score; of an even count, the **lower** of the two middle scores.
  It is always a score some expert gave, and it is conservative: with two experts a level is
  awarded only when both find it reached (L2 + L3 -> L2). This is why it differs from
  ``"mean"`` for an even count.
- ``"mean"``: the mean rounded **half up** (L2 + L3 -> 2.5 -> L3), in exact integer
  arithmetic (``(2 * sum + n) // (2 * n)``), so no float ever decides a half.
- ``"trimmed_mean"``: with 3 or more scores, drop one lowest and one highest, then the mean
  of the rest rounded half up; with 1 or 2 scores, the plain mean. It resists one outlier.

``panel_level`` handles one cell; ``panel_levels`` a whole (cells x experts) matrix with NaN
for a missing score, with the same rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

#: Highest maturity level (levels are 0..MAX_LEVEL).
MAX_LEVEL = 5
RULES = ("median", "mean", "trimmed_mean")
#: Disagreement (max - min) from which a cell is adjudicated instead of aggregated.
DEFAULT_SPREAD = 2


@dataclass(frozen=True)
class PanelOutcome:
    """One cell's result.

    ``level``: the final level, None when ``needs_adjudication``. ``spread``: the observed
    disagreement, max - min of the scores. ``value``: the rule's unrounded value (a median is
    already an integer), kept even when adjudication is needed, for display. ``count``: the
    number of scores.
    """

    level: int | None
    needs_adjudication: bool
    spread: int
    value: float
    count: int


class PanelLevels(NamedTuple):
    """Many cells' results, arrays of shape (n_cells,).

    ``level``: float, NaN where adjudication is needed or the cell has no score yet.
    ``needs_adjudication``: bool. ``spread``: max - min, NaN for a cell with no score.
    ``count``: the number of scores.
    """

    level: np.ndarray
    needs_adjudication: np.ndarray
    spread: np.ndarray
    count: np.ndarray


def panel_level(
    levels: Sequence[int], rule: str = "median", *, spread: int = DEFAULT_SPREAD
) -> PanelOutcome:
    """The panel outcome of one cell scored ``levels`` (integers 0..5, at least one)."""
    _check_rule(rule, spread)
    scores = list(levels)
    if not scores:
        raise ValueError("a panel level needs at least one expert's score")
    for score in scores:
        valid = isinstance(score, int | np.integer) and not isinstance(score, bool)
        if not valid or not 0 <= score <= MAX_LEVEL:
            raise ValueError(f"expert levels must be integers 0..{MAX_LEVEL}, got {score!r}")
    ordered = sorted(int(s) for s in scores)
    n = len(ordered)
    observed = ordered[-1] - ordered[0]
    if rule == "median":
        level = ordered[(n - 1) // 2]
        value = float(level)
    else:
        kept = ordered[1:-1] if rule == "trimmed_mean" and n >= 3 else ordered
        total, m = sum(kept), len(kept)
        level = (2 * total + m) // (2 * m)
        value = total / m
    adjudicate = observed >= spread
    return PanelOutcome(None if adjudicate else level, adjudicate, observed, value, n)


def panel_levels(
    matrix: object, rule: str = "median", *, spread: int = DEFAULT_SPREAD
) -> PanelLevels:
    """``panel_level`` for every row of a (cells x experts) matrix, NaN = no score.

    A row with no score at all is not an error here (the cell is not scored yet): its level
    and spread are NaN and it does not need adjudication.
    """
    _check_rule(rule, spread)
    x = np.asarray(matrix, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"panel scores must be a (cells x experts) matrix, got shape {x.shape}")
    present = ~np.isnan(x)
    values = x[present]
    if ((values != np.round(values)) | (values < 0) | (values > MAX_LEVEL)).any():
        raise ValueError(f"expert levels must be integers 0..{MAX_LEVEL} (NaN for none)")
    count = present.sum(axis=1)
    scored = count > 0
    ordered = np.sort(x, axis=1)  # NaN last
    safe = np.maximum(count, 1)
    lowest = ordered[:, 0]
    highest = np.take_along_axis(ordered, (safe - 1)[:, None], axis=1)[:, 0]
    observed = highest - lowest  # NaN for an empty row
    if rule == "median":
        level = np.take_along_axis(ordered, ((safe - 1) // 2)[:, None], axis=1)[:, 0]
    else:
        total = np.where(present, x, 0).sum(axis=1).astype(np.int64)
        m = count.copy()
        if rule == "trimmed_mean":
            trim = count >= 3
            total = np.where(trim, total - np.nan_to_num(lowest + highest).astype(np.int64), total)
            m = np.where(trim, count - 2, count)
        m = np.maximum(m, 1)
        level = ((2 * total + m) // (2 * m)).astype(np.float64)
    adjudicate = scored & (np.nan_to_num(observed) >= spread)
    level = np.where(scored & ~adjudicate, level, np.nan)
    return PanelLevels(level, adjudicate, observed, count)


def _check_rule(rule: str, spread: int) -> None:
    if rule not in RULES:
        raise ValueError(f"unknown panel rule {rule!r}; choose one of {', '.join(RULES)}")
    if isinstance(spread, bool) or not isinstance(spread, int | np.integer) or spread < 1:
        raise ValueError(f"spread must be a positive integer, got {spread!r}")
