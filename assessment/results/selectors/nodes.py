"""What every results page needs besides the Results: the indicator tree, the maturity levels,
the comparable rounds, and scores rounded exactly as they are published."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from django.db.models import QuerySet

from assessment.collection.models import Round, RoundStatus
from assessment.results.models import ResultKind
from indicators.engine import Options, round_score
from indicators.language import localized
from indicators.models import IndicatorSystem, MaturityLevel

#: How many rounds the trend charts and the level distribution go back.
HISTORY_ROUNDS = 8


@dataclass(frozen=True)
class NodeInfo:
    """One node of the indicator tree, as result pages show it."""

    pk: int
    code: str
    name: str
    kind: int  # ResultKind
    parent_id: int | None
    points: float  # share of the 100 points
    # The region levels the node applies to (a leaf's Indicator.applies_to; an aggregate
    # applies where any leaf below it does); empty: every level.
    levels: tuple[str, ...] = ()

    def applies_to(self, level: str) -> bool:
        return not self.levels or level in self.levels


@dataclass(frozen=True)
class SystemNodes:
    """An indicator system's tree in pre-order, by kind (one query)."""

    nodes: tuple[NodeInfo, ...]

    @property
    def areas(self) -> list[NodeInfo]:
        return [n for n in self.nodes if n.kind == ResultKind.AREA]

    @property
    def dimensions(self) -> list[NodeInfo]:
        return [n for n in self.nodes if n.kind == ResultKind.DIMENSION]

    @property
    def leaves(self) -> list[NodeInfo]:
        return [n for n in self.nodes if n.kind == ResultKind.LEAF]


def system_nodes(system: IndicatorSystem) -> SystemNodes:
    """The system's nodes with their kind and points, in pre-order (one query).

    Like indicators.services.tree_rows, but reading only the columns pages need: the leaves'
    guidance and basis texts make the full rows three times slower to load.
    """
    rows = list(
        system.indicators.order_by("order", "code").values_list(
            "pk", "code", "name_zh", "name_en", "parent_id", "weight", "applies_to"
        )
    )
    children: dict[int | None, list[tuple]] = {}
    for row in rows:
        children.setdefault(row[4], []).append(row)
    nodes: list[NodeInfo] = []

    def walk(parent_id: int | None, parent_points: float) -> tuple[str, ...]:
        """Appends the subtree's nodes; returns the levels it applies to (() all)."""
        siblings = children.get(parent_id, [])
        total = sum(float(row[5]) for row in siblings) or 1.0
        reach: set[str] = set()
        everywhere = False
        for pk, code, name_zh, name_en, parent, weight, applies_to in siblings:
            points = parent_points * float(weight) / total
            if pk not in children:
                kind = ResultKind.LEAF
            elif parent is None:
                kind = ResultKind.AREA
            else:
                kind = ResultKind.DIMENSION
            name = localized(name_zh, name_en)
            at = len(nodes)
            nodes.append(NodeInfo(pk, code, name, int(kind), parent, points))
            levels = walk(pk, points) if pk in children else tuple(applies_to or ())
            if levels:
                nodes[at] = replace(nodes[at], levels=levels)
            everywhere |= not levels
            reach.update(levels)
        return () if everywhere else tuple(sorted(reach))

    walk(None, 100.0)
    return SystemNodes(nodes=tuple(nodes))


@dataclass(frozen=True)
class LevelInfo:
    """A maturity level as badges and charts show it."""

    pk: int
    code: str
    name: str
    color: str
    order: int

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


def maturity_levels(system: IndicatorSystem) -> list[LevelInfo]:
    """The system's maturity levels, lowest first (one query)."""
    return [
        LevelInfo(level.pk, level.code, level.name, level.color, level.order)
        for level in MaturityLevel.objects.filter(system=system).order_by("order")
    ]


def history_rounds(round_: Round, *, published_only: bool = False) -> list[Round]:
    """The computed rounds comparable with `round_` up to it, oldest first (one query).

    Comparable: the same indicator system and the same scope, so scores mean the same thing.
    The public display passes `published_only`: unpublished rounds never appear there.
    """
    rounds: QuerySet[Round] = Round.objects.filter(
        system_id=round_.system_id,
        scope_id=round_.scope_id,
        computed_at__isnull=False,
        period__lte=round_.period,
    ).exclude(pk=round_.pk)
    if published_only:
        rounds = rounds.filter(status=RoundStatus.PUBLISHED)
    earlier = list(rounds.order_by("-period", "-id")[: HISTORY_ROUNDS - 1])
    return [*reversed(earlier), round_]


def precision_of(round_: Round) -> int:
    """Decimals of the round's published scores (its methodology options)."""
    try:
        return Options.from_dict(round_.method or {}).precision
    except (TypeError, ValueError):
        return Options().precision


def published(values: Sequence[float | None] | Iterable[float | None], precision: int) -> list:
    """Scores as published: rounded half away from zero like the engine ranks them (so two
    scores printed alike always share a rank); None stays None."""
    array = np.array(list(values), dtype=float)
    if array.size == 0:
        return []
    return [None if v != v else v for v in round_score(array, precision).tolist()]


def one_published(value: float | None, precision: int) -> float | None:
    return None if value is None else published([value], precision)[0]
