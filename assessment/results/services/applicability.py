"""Indicator applicability (适用层级) in the compute step.

An indicator that does not apply to a region's level (`Indicator.applies_to`) is not asked of
the region and is taken out of its score the way the engine takes out an exempt cell: no
score, its siblings' weights re-scaled, its gates waived. Unlike an appeal's exemption it is
not news, so the cells keep no EXEMPT flag (the profile would otherwise badge every county's
data-sharing area as exempted).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from assessment.regions.models import Region
from indicators.engine import Flag, Tree


def not_applicable_mask(
    applies_to: Mapping[str, Sequence[str]], leaf_codes: Sequence[str], regions: list[Region]
) -> np.ndarray | None:
    """(regions × leaves) True where the leaf does not apply to the region's level; None when
    every leaf applies to every region."""
    if not applies_to:
        return None
    levels = np.array([region.level for region in regions])
    mask = np.zeros((len(regions), len(leaf_codes)), dtype=bool)
    for j, code in enumerate(leaf_codes):
        wanted = applies_to.get(code)
        if wanted:
            mask[:, j] = ~np.isin(levels, list(wanted))
    return mask if mask.any() else None


def _below(tree: Tree, leaf_mask: np.ndarray) -> np.ndarray:
    """(n, columns): True where the node is a leaf of the mask or has one below it."""
    out = np.zeros((leaf_mask.shape[0], len(tree.columns)), dtype=bool)
    out[:, tree.leaf_columns] = leaf_mask
    for step in tree.plan:  # post-order: children first
        out[:, step.column] = np.logical_or.reduce(out[:, list(step.children)], axis=1)
    return out


def unflag_not_applicable(
    tree: Tree, flags: np.ndarray, not_applicable: np.ndarray | None, appealed: np.ndarray | None
) -> None:
    """Clear the engine's EXEMPT flag where only applicability put it there (in place)."""
    if not_applicable is None:
        return
    clear = _below(tree, not_applicable)
    if appealed is not None:
        clear &= ~_below(tree, appealed)
    flags[clear] &= np.uint8(~int(Flag.EXEMPT) & 0xFF)
