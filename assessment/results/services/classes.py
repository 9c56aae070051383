"""Peer classes (分类排名): each region's class in the round's classification schemes, as the
engine's rank groupings.

A class ranks regions of one level together (counties with counties), so a grouping's label is
the pair (level, class). A region a scheme does not classify has no class and no rank in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assessment.collection.models import Round
from assessment.regions.models import RegionClass
from assessment.results.models.standings import CLASS_SLOTS
from indicators.language import localized


@dataclass(frozen=True)
class RoundClasses:
    """Per scheme of the round (in code order, at most CLASS_SLOTS): the class of each region
    in the round's region order ("" where the scheme does not classify it)."""

    schemes: tuple[dict, ...]  # {"code", "name_zh", "name_en"} per slot, for compute_notes
    labels: tuple[tuple[str, ...], ...]

    def groupings(self, levels: Sequence[str]) -> dict[str, np.ndarray]:
        """Engine rank groupings, one per scheme: an integer per (level, class) pair."""
        out: dict[str, np.ndarray] = {}
        for slot, labels in enumerate(self.labels):
            keys: dict[tuple[str, str], int] = {}
            out[grouping_name(slot)] = np.array(
                [keys.setdefault(pair, len(keys)) for pair in zip(levels, labels, strict=True)],
                dtype=np.int64,
            )
        return out

    def ranks(self, slot: int, ranks: np.ndarray) -> np.ndarray:
        """The overall ranks of grouping `slot`, NaN for the regions the scheme leaves out."""
        classified = np.array([bool(label) for label in self.labels[slot]])
        return np.where(classified, ranks, np.nan)


def grouping_name(slot: int) -> str:
    return f"class_{slot + 1}"


def round_classes(round_: Round, region_codes: Sequence[str]) -> RoundClasses:
    """The classes of the round's regions (two queries: the schemes, their members)."""
    schemes = list(round_.classifications.order_by("code")[:CLASS_SLOTS])
    members: dict[int, dict[str, str]] = {scheme.pk: {} for scheme in schemes}
    if schemes:
        rows = RegionClass.objects.filter(classification__in=schemes)
        for scheme, region, label in rows.values_list("classification_id", "region_id", "label"):
            members[scheme][region] = label
    return RoundClasses(
        schemes=tuple(
            {"code": s.code, "name_zh": s.name_zh, "name_en": s.name_en} for s in schemes
        ),
        labels=tuple(
            tuple(members[scheme.pk].get(code, "") for code in region_codes) for scheme in schemes
        ),
    )


def scheme_names(round_: Round) -> list[str]:
    """The names of the schemes the round's stored class ranks are in, in slot order, as the
    compute step recorded them (no query)."""
    return [
        localized(s["name_zh"], s.get("name_en"))
        for s in (round_.compute_notes or {}).get("classifications", [])
    ]
