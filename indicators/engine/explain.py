"""Explaining one unit's result from its stored scores: what each node adds to the overall score,
and what the unit lacks for the next maturity level. Pure functions, no arrays of units.

**Points** (``shares``). The engine aggregates each parent as the weighted mean of the children
that have a score (aggregate.py): a child without a score (missing, or exempt: an accepted
appeal or an indicator that does not apply to the unit's level) is left out and the weights of
the others are re-scaled. So a node's weight in the overall score *for this unit* is the
product, down its path, of its share among the siblings that have a score, times 100: its
``points``. With arithmetic aggregation the overall score is then exactly
``sum(score × points / 100)`` over the scored leaves (and over any one level of the tree),
which is each leaf's ``contribution``. A node without a score gets the points it would carry
if it had one, its siblings as they are (what entering the value would be worth), and no
contribution; an exempt node gets neither. Under geometric aggregation the points are the
exponents' shares and nothing adds up, so there is no contribution. Below a vetoed parent
(forced to 0) every contribution is 0.

**Next level** (``next_level_gap``). The level above ``current`` needs its minimum overall
score and every gate of it and of the levels below it (levels.py): the areas' minimum and the
gated leaves' minimum rule scores. Everything is compared on scores rounded to the published
precision, exactly as ``assign_levels`` does; a gate on a missing score is not met, a gate on
an exempt node is waived.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from indicators.engine.levels import GateFailure, Level
from indicators.engine.rounding import scaled_round
from indicators.engine.tree import OVERALL, Tree

#: parent code (None: the root, i.e. the overall score) -> [(child code, relative weight)]
Structure = Mapping[str | None, Sequence[tuple[str, float]]]


def structure_of(tree: Tree) -> dict[str | None, list[tuple[str, float]]]:
    """The tree's parent -> [(child, weight)] lists, siblings in column order."""
    out: dict[str | None, list[tuple[str, float]]] = {}
    for parent in (None, *tree.columns[:-1]):
        kids = tree.children(parent)
        if kids:
            out[parent] = [(k, float(tree.node(k).weight)) for k in kids]
    return out


@dataclass(frozen=True)
class Share:
    """A node's place in one unit's overall score.

    points: of 100, what the node weighs in this unit's overall score (re-scaled over the
        nodes that have a score); for a node without a score, what it would weigh with one.
        None: exempt (the node does not exist for the unit).
    contribution: score × points / 100, the points it adds to the overall score; None when it
        adds nothing (no score, exempt, a parent without a score) or under geometric means.
    """

    points: float | None
    contribution: float | None


def _has_score(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def shares(
    structure: Structure,
    scores: Mapping[str, float | None],
    *,
    exempt: Collection[str] = (),
    geometric: bool = False,
    vetoed: Collection[str] = (),
) -> dict[str, Share]:
    """Every node's ``Share`` for one unit.

    scores: node code -> the unit's score (None or NaN: no score); ``OVERALL`` may be given
        (NaN: nothing contributes). exempt: codes of the leaves the unit is exempt from (an
        aggregate whose children are all exempt is exempt too). vetoed: aggregates a veto
        forced to 0.
    """
    out_of: dict[str, bool] = {}

    def is_exempt(code: str) -> bool:
        if code not in out_of:
            kids = structure.get(code)
            out_of[code] = all(is_exempt(k) for k, _w in kids) if kids else code in exempt
        return out_of[code]

    result: dict[str, Share] = {}

    def walk(parent: str | None, scale: float, live: bool, zero: bool) -> None:
        kids = structure.get(parent, ())
        present = [(k, w) for k, w in kids if not is_exempt(k) and _has_score(scores.get(k))]
        weight = math.fsum(w for _k, w in present)
        for code, w in kids:
            if is_exempt(code):
                result[code] = Share(None, None)
                _mark_exempt(structure, code, result)
                continue
            scored = _has_score(scores.get(code))
            points = scale * w / (weight if scored else weight + w)
            counts = live and scored
            if not counts or geometric:
                contribution = None
            elif zero:
                contribution = 0.0
            else:
                contribution = float(scores[code]) * points / 100.0  # type: ignore[arg-type]
            result[code] = Share(points, contribution)
            walk(code, points, counts, zero or code in vetoed)

    walk(None, 100.0, _has_score(scores.get(OVERALL, 0.0)), False)
    return result


def _mark_exempt(structure: Structure, code: str, result: dict[str, Share]) -> None:
    for kid, _w in structure.get(code, ()):
        result[kid] = Share(None, None)
        _mark_exempt(structure, kid, result)


@dataclass(frozen=True)
class LevelGap:
    """What a unit lacks for ``level``.

    score: points the overall score lacks (rounded to the precision); None: it is enough.
    areas: the areas below the level's area minimum (``GateFailure``, actual NaN: no score).
    leaves: the gated leaves below their minimum rule score (actual NaN: no data).
    """

    level: str
    score: float | None
    areas: tuple[GateFailure, ...]
    leaves: tuple[GateFailure, ...]

    @property
    def min_area(self) -> float | None:
        return self.areas[0].required if self.areas else None


def next_level_gap(
    levels: Sequence[Level],
    current: int | None,
    overall: float | None,
    areas: Mapping[str, float | None],
    leaves: Mapping[str, float | None],
    precision: int,
    *,
    exempt: Collection[str] = (),
) -> LevelGap | None:
    """What the unit lacks for the level above ``current`` (its index in ``levels``; None or
    -1: no level yet). None at the top level, without levels, or without an overall score.

    areas: every area's score; leaves: the gated leaves' rule scores (a gated leaf absent
    from the mapping is not judged: its score is unknown). exempt: area and leaf codes whose
    gates are waived for the unit."""
    index = -1 if current is None else current
    if not levels or index >= len(levels) - 1 or not _has_score(overall):
        return None
    target = levels[index + 1]

    def q(value: float | None) -> float:
        return float(scaled_round(np.nan if value is None else value, precision))

    scale = 10.0**precision
    short = q(target.min_score) - q(overall)
    required: dict[tuple[str, str], float] = {}
    for level in levels[: index + 2]:  # gates are cumulative
        for kind, node, minimum in level.conditions(tuple(areas)):
            key = (kind, node)
            required[key] = max(required.get(key, -math.inf), minimum)
    failures: dict[str, list[GateFailure]] = {"area": [], "leaf": []}
    for (kind, node), minimum in required.items():
        source = areas if kind == "area" else leaves
        if node in exempt or node not in source:
            continue
        actual = q(source[node])
        if not actual >= q(minimum):  # NaN: missing, not met
            failures[kind].append(GateFailure(target.code, kind, node, minimum, actual / scale))
    return LevelGap(
        level=target.code,
        score=short / scale if short > 0 else None,
        areas=tuple(failures["area"]),
        leaves=tuple(failures["leaf"]),
    )
