"""Raw values -> leaf scores: rules, optional outlier treatment and normalisation, imputation.

Split in two so that Monte Carlo sensitivity can reuse the expensive, weight-independent
part: ``prepare`` (validation, rule scores, outlier treatment) runs once, ``score`` runs
once per normalisation method.

Exempt cells (an accepted appeal, 申诉豁免; see compute.py) are withheld from the raw matrix
before ``prepare`` (``withhold``), so their values take no part in any peer statistic, and
``score`` flags them EXEMPT instead of MISSING and never imputes them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indicators.engine.flags import FLAG_DTYPE, Flag
from indicators.engine.groups import Groups
from indicators.engine.normalise import OUTLIER_SENSITIVE, normalise
from indicators.engine.options import Options
from indicators.engine.outliers import OutlierRecord, Thresholds, treat
from indicators.engine.tree import Tree


@dataclass(frozen=True, eq=False)
class Prepared:
    raw: np.ndarray  # (n, L) as given
    rule_scores: np.ndarray  # (n, L) every leaf scored by its own rule
    treated: np.ndarray  # (n, L) raw after outlier treatment (== raw when off)
    winsorised: np.ndarray  # (n, L) bool
    logged: np.ndarray  # (n, L) bool
    records: tuple[OutlierRecord, ...]
    continuous: np.ndarray  # (L,) bool: normalisation may replace the rule
    directions: np.ndarray  # (L,) +1 / -1
    targets: np.ndarray  # (L,) raw target or NaN


def check_raw(tree: Tree, raw: object) -> np.ndarray:
    arr = np.array(raw, dtype=np.float64)  # a copy: callers' arrays are never modified
    if arr.ndim != 2 or arr.shape[1] != len(tree.leaf_codes):
        raise ValueError(
            f"raw values must be a (units, {len(tree.leaf_codes)}) matrix in tree.leaf_codes "
            f"order, got shape {arr.shape}"
        )
    if np.isinf(arr).any():
        rows, cols = np.nonzero(np.isinf(arr))
        raise ValueError(
            f"raw values must be finite or NaN (missing); infinite at row {rows[0]}, "
            f"leaf {tree.leaf_codes[cols[0]]}"
        )
    return arr


def prepare(
    tree: Tree,
    raw: np.ndarray,
    groups: Groups,
    options: Options,
    methods: tuple[str, ...],
) -> Prepared:
    """Rule scores for every leaf, and treated raw values if any of ``methods`` needs them."""
    rules = tree.rules
    rule_scores = np.empty_like(raw)
    for j, rule in enumerate(rules):
        rule_scores[:, j] = rule.score(raw[:, j], groups)
    continuous = np.array([r.continuous for r in rules], dtype=bool)
    treated, records = raw, ()
    winsorised = np.zeros(raw.shape, dtype=bool)
    logged = np.zeros(raw.shape, dtype=bool)
    if options.outliers and any(m in OUTLIER_SENSITIVE for m in methods):
        th = Thresholds(
            skew=options.outlier_skew,
            kurt=options.outlier_kurt,
            winmax=options.outlier_winmax,
            log=options.outlier_log,
        )
        treated, winsorised, logged, records = treat(
            raw, tree.leaf_codes, np.flatnonzero(continuous), groups, th
        )
    return Prepared(
        raw=raw,
        rule_scores=rule_scores,
        treated=treated,
        winsorised=winsorised,
        logged=logged,
        records=records,
        continuous=continuous,
        directions=np.array([r.direction for r in rules], dtype=np.float64),
        targets=np.array([r.target for r in rules], dtype=np.float64),
    )


def check_exempt(tree: Tree, exempt: object | None, n: int) -> np.ndarray | None:
    """(n, L) boolean mask of exempt cells, or None (also when no cell is exempt)."""
    if exempt is None:
        return None
    shape = (n, len(tree.leaf_codes))
    try:
        arr = np.asarray(exempt)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"exempt must be a boolean array of shape {shape}: {error}") from None
    if arr.shape != shape:
        raise ValueError(
            f"exempt must have shape {shape} (units, leaves in tree.leaf_codes order), "
            f"got {arr.shape}"
        )
    if arr.dtype != np.bool_:
        raise ValueError(f"exempt must be a boolean array, got dtype {arr.dtype}")
    return arr if arr.any() else None


def withhold(raw: np.ndarray, exempt: np.ndarray | None) -> None:
    """Blank the exempt cells of ``raw`` in place (a copy made by ``check_raw``): the appeal
    found the value wrong or not applicable, so it is absent for the peer statistics too."""
    if exempt is not None:
        raw[exempt] = np.nan


def score(
    prep: Prepared,
    groups: Groups,
    method: str,
    options: Options,
    exempt: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Leaf scores (n, L) and leaf flags under ``method`` ("rules" or a normalisation).

    ``exempt`` (n, L) cells (withheld from ``prep``'s raw values, so already NaN) are flagged
    EXEMPT only: not MISSING, and never imputed.
    """
    scores = prep.rule_scores.copy()
    flags = np.zeros(scores.shape, dtype=FLAG_DTYPE)
    if method != "rules":
        cols = np.flatnonzero(prep.continuous)
        uses_treated = method in OUTLIER_SENSITIVE
        source = prep.treated if uses_treated else prep.raw
        scores[:, cols] = normalise(
            source[:, cols], groups, method, prep.directions[cols], prep.targets[cols]
        )
        if uses_treated:
            flags[prep.winsorised] |= int(Flag.OUTLIER_TREATED)
            flags[prep.logged] |= int(Flag.LOG_TRANSFORMED)
    missing = np.isnan(scores)
    if exempt is not None:
        missing &= ~exempt
    if options.missing == "impute" and missing.any():
        count, mean = groups.nan_mean(scores)
        fill = missing & (count > 0)
        scores[fill] = mean[fill]
        flags[fill] |= int(Flag.IMPUTED)
        missing &= ~fill
    flags[missing] |= int(Flag.MISSING)
    if exempt is not None:
        flags[exempt] = int(Flag.EXEMPT)  # nothing else applies to an indicator it lacks
    return scores, flags


def check_penalties(
    tree: Tree, penalties: object | None, n: int, exempt: np.ndarray | None = None
) -> np.ndarray | None:
    """(n, L) score multipliers in [0, 1] (1 or NaN: none), or None.

    An ``exempt`` cell is never penalised: its multiplier is 1 whatever ``penalties`` says.
    """
    if penalties is None:
        return None
    arr = np.asarray(penalties, dtype=float)
    if arr.shape != (n, len(tree.leaf_codes)):
        raise ValueError(f"penalties must have shape {(n, len(tree.leaf_codes))}, got {arr.shape}")
    if np.any(arr[np.isfinite(arr)] < 0) or np.any(arr[np.isfinite(arr)] > 1):
        raise ValueError("penalties must lie between 0 and 1")
    factors = np.where(np.isfinite(arr), arr, 1.0)
    if exempt is not None:
        factors[exempt] = 1.0
    return factors


def penalise(scores: np.ndarray, flags: np.ndarray | None, penalties: np.ndarray | None) -> None:
    """Multiply the penalised leaf scores in place (a missing score stays missing) and flag
    them OVERSTATED."""
    if penalties is None:
        return
    hit = penalties < 1
    scores[hit] *= penalties[hit]
    if flags is not None:
        flags[hit] |= int(Flag.OVERSTATED)
