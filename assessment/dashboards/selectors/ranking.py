"""The horse-race rankings of a round: the level race (赛马, by score) and the progress race
(进步榜, by the change since the previous round), for one level of regions at a time.

Everything is read from what the compute step stored (Result, ScoreChange): a page ranks
nothing itself. `ranking()` runs a fixed number of queries whatever the number of regions, and
takes a `RankingQuery` (selectors/ranking_rows.py) so that an Excel export can ask for exactly
what the page shows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from itertools import repeat
from operator import itemgetter
from types import MappingProxyType

import numpy as np
from django.db.models import Q

from assessment.collection.models import Round
from assessment.core.db import bulk_read, fetch_all
from assessment.dashboards.selectors.ranking_columns import RankingRows, RegionColumns
from assessment.dashboards.selectors.ranking_rows import (
    AREA_PREFIX,
    OVERALL,
    RACE_PROGRESS,
    RACE_SCORE,
    TREND_LEADERS,
    Comparison,
    Ranking,
    RankingQuery,
    RankingRow,
    Trend,
    TrendPoint,
)
from assessment.regions.models import Region
from assessment.regions.selectors import range_filter
from assessment.results.models import Result, ResultKind, ScoreChange
from assessment.results.selectors.nodes import (
    LevelInfo,
    SystemNodes,
    history_rounds,
    maturity_levels,
    precision_of,
    published,
    system_nodes,
)
from indicators.engine import round_score

__all__ = [
    "AREA_PREFIX",
    "OVERALL",
    "RACE_PROGRESS",
    "RACE_SCORE",
    "Comparison",
    "Ranking",
    "RankingQuery",
    "RankingRow",
    "RankingRows",
    "Trend",
    "TrendPoint",
    "as_race",
    "dimension_scores",
    "ranking",
]


def ranking(
    *,
    query: RankingQuery,
    visibility: Q,
    public: bool = False,
    nodes: SystemNodes | None = None,
    levels: list[LevelInfo] | None = None,
) -> Ranking:
    """The ranking `query` asks for, limited to the regions `visibility` lets the user see
    (assessment.access.ranking_visibility). The public display passes `public`: every region
    of the round, and no unpublished round in the history charts. `nodes` and `levels` may
    be passed when the caller has them already (the filter form needs them too).

    Queries (fixed): indicator tree, maturity levels, comparable rounds, the regions, overall
    results, area results, score changes, and the earlier rounds' overall results.
    """
    round_ = query.round
    nodes = nodes or system_nodes(round_.system)
    levels = maturity_levels(round_.system) if levels is None else levels
    history = history_rounds(round_, published_only=public)
    with bulk_read():
        return _read(query, visibility, nodes, levels, history)


def _read(query, visibility, nodes, levels, history) -> Ranking:
    round_ = query.round
    regions = _regions(query, visibility)
    bounds = range_filter(regions)
    precision = precision_of(round_)
    columns = _overall_columns(round_, regions, bounds, levels, precision)
    _add_areas(columns, round_, bounds, nodes, precision)
    previous = round_.previous
    comparison, change_precision = _add_changes(columns, round_, previous, bounds, precision)
    keys = columns.race_keys(query)
    everyone = RankingRows(columns, list(range(len(columns))), keys)
    at_level = (
        everyone.reordered(_at_level(columns, query.maturity)) if query.maturity else everyone
    )
    shown = at_level.in_race_order()
    earlier = _earlier_results(history[:-1], regions, bounds)
    result = Ranking(
        query=query,
        precision=precision,
        change_precision=change_precision,
        nodes=nodes,
        levels=levels,
        rows=shown.sorted_by(query.sort) if query.sort else shown,
        history=history,
        distribution=_distribution(history, columns, earlier),
        trends=[],
        comparison=comparison,
        previous=previous if comparison == Comparison.OK else None,
    )
    result.trends = _trends(result, shown, everyone, earlier)
    return result


def _at_level(columns: RegionColumns, maturity: str) -> list[int]:
    """The positions of the regions at the maturity level `maturity` (a level code)."""
    return [i for i, level in enumerate(columns.levels) if level and level.code == maturity]


def _regions(query: RankingQuery, visibility: Q) -> dict[str, tuple[str, str]]:
    """code → (name, parent name) of the regions in the ranking (one query).

    The parents come in the same query rather than by a join: 30% faster for 2,846
    counties, and a parent's name shows even where the user sees only the child.
    """
    round_ = query.round
    if query.level not in round_.levels:
        return {}
    members = Q(visibility, level=query.level)
    parents = Q(level__in=_PARENT_LEVELS[query.level])
    if round_.scope_id:
        members &= Q(code__startswith=round_.scope.subtree_prefix)
        parents &= Q(code__startswith=round_.scope.code[:2])  # up to the province
    if query.parent:
        members &= Q(parent_id=query.parent)
    regions = Region.objects.filter(members | parents)
    found = fetch_all(regions.values_list("code", "name", "level", "parent_id"))
    names = {code: name for code, name, level, _ in found if level != query.level}
    return {
        code: (name, names.get(parent, ""))
        for code, name, level, parent in found
        if level == query.level and (not query.parent or parent == query.parent)
    }


_PARENT_LEVELS = {"county": ("city", "province"), "city": ("province",), "province": ()}
_OVERALL_FIELDS = ("region_id", "score", "rank", "rank_low", "rank_high", "level_id",
                   "level_by_score_id", "flags")  # fmt: skip
_CHANGE_FIELDS = ("region_id", "previous_id", "previous_score", "previous_rank", "change", "rank")


def _overall_columns(round_, regions, bounds, levels, precision) -> RegionColumns:
    """The regions with a result, one column per field (the range `bounds` may hold regions
    of other levels, which `regions` leaves out)."""
    results = Result.objects.filter(round=round_, kind=ResultKind.OVERALL, **bounds)
    found = [row for row in fetch_all(results.values_list(*_OVERALL_FIELDS)) if row[0] in regions]
    if not found:
        return RegionColumns(*([] for _ in range(10)))
    codes, scores, ranks, lows, highs, level_ids, band_ids, flags = map(
        list, zip(*found, strict=True)
    )
    names, parent_names = map(list, zip(*map(regions.__getitem__, codes), strict=True))
    level_of = {level.pk: level for level in levels}.get
    return RegionColumns(
        codes=codes,
        names=names,
        parent_names=parent_names,
        scores=published(scores, precision),
        ranks=ranks,
        rank_lows=lows,
        rank_highs=highs,
        levels=list(map(level_of, level_ids)),
        bands=list(map(level_of, band_ids)),
        flags=flags,
        repeated_names={name for name, n in Counter(names).items() if n > 1},
    )


def _add_areas(columns: RegionColumns, round_, bounds, nodes: SystemNodes, precision) -> None:
    """Every area's score and rank per region. The national round has 12,852 area rows: they
    are placed into a regions × areas matrix by NumPy rather than one by one in Python
    (docs/BENCHMARKS.md). A region without a result for an area reads NaN / -1 there."""
    areas = nodes.areas
    if not len(columns) or not areas:
        return
    results = Result.objects.filter(round=round_, kind=ResultKind.AREA, **bounds)
    found = fetch_all(results.values_list("region_id", "indicator_id", "score", "rank"))
    scores = np.full((len(columns), len(areas)), np.nan)
    ranks = np.full((len(columns), len(areas)), -1, dtype=np.int64)
    if found:
        # Each field read straight off the fetched rows (no transposed copy of them).
        region_ids, indicator_ids, values, places = (map(itemgetter(k), found) for k in range(4))
        position = columns.position  # -1: a region not in the ranking
        column = {area.pk: j for j, area in enumerate(areas)}
        i = np.fromiter(map(position.get, region_ids, repeat(-1)), np.intp, len(found))
        j = np.fromiter(map(column.get, indicator_ids, repeat(-1)), np.intp, len(found))
        kept = (i >= 0) & (j >= 0)
        scores[i[kept], j[kept]] = np.array(list(values), dtype=float)[kept]  # None → NaN
        given = np.array([-1 if r is None else r for r in places], dtype=np.int64)
        ranks[i[kept], j[kept]] = given[kept]
    columns.area_index = MappingProxyType({area.code: j for j, area in enumerate(areas)})
    columns.area_scores = round_score(scores, precision)  # NaN stays NaN
    columns.area_ranks = ranks


def _add_changes(columns, round_, previous, bounds, precision) -> tuple[Comparison, int]:
    """Fill the change columns from the stored progress race; say whether they can be shown."""
    if previous is None:
        return Comparison.NONE, precision
    if previous.system_id != round_.system_id:
        return Comparison.OTHER_SYSTEM, precision
    if previous.computed_at is None:
        return Comparison.NOT_COMPUTED, precision
    found = fetch_all(
        ScoreChange.objects.filter(round=round_, **bounds).values_list(*_CHANGE_FIELDS)
    )
    compared_with = {row[1] for row in found}
    if compared_with != {previous.pk}:
        return Comparison.STALE, precision
    previous_precision = precision_of(previous)
    before = published([row[2] for row in found], previous_precision)
    position = columns.position.get
    scores, ranks = columns.previous_scores, columns.previous_ranks
    changes, change_ranks = columns.changes, columns.change_ranks
    for (code, _, _, previous_rank, change, rank), score in zip(found, before, strict=True):
        i = position(code)
        if i is None:
            continue
        scores[i], ranks[i], changes[i], change_ranks[i] = score, previous_rank, change, rank
    return Comparison.OK, max(precision, previous_precision)


def _earlier_results(rounds: list[Round], regions, bounds) -> list[tuple]:
    """(round id, code, score, rank, level pk) of the earlier rounds' overall results."""
    if not rounds:
        return []
    results = Result.objects.filter(round__in=rounds, kind=ResultKind.OVERALL, **bounds)
    fields = ("round_id", "region_id", "score", "rank", "level_id")
    return [row for row in fetch_all(results.values_list(*fields)) if row[1] in regions]


def _distribution(history, columns, earlier) -> list[tuple[Round, dict[int | None, int]]]:
    """How many of the filtered regions reached each maturity level, per round."""
    pairs = Counter(map(itemgetter(0, 4), earlier))  # (round, level): C-level, 9,639 rows
    current = history[-1].pk
    pairs.update((current, level.pk if level else None) for level in columns.levels)
    counts: dict[int, dict[int | None, int]] = {r.pk: {} for r in history}
    for (round_id, level_id), n in pairs.items():
        counts[round_id][level_id] = n
    return [(r, counts[r.pk]) for r in history]


def _trends(result: Ranking, shown: RankingRows, everyone: RankingRows, earlier) -> list[Trend]:
    """Score and rank over the rounds for the race's leaders and the chosen region."""
    ranks = shown.keys[1]
    leaders = [i for i in shown.order if ranks[i] is not None][:TREND_LEADERS]
    followed = {row.code: row for row in shown.reordered(leaders)}
    focus = result.query.focus
    position = everyone.columns.position.get(focus)
    if position is not None:
        followed.setdefault(focus, everyone[position])
    if not followed:
        return []
    precisions = {r.pk: precision_of(r) for r in result.history[:-1]}
    points: dict[str, dict[int, tuple[float | None, int | None]]] = {c: {} for c in followed}
    for round_id, code, score, rank, _ in [row for row in earlier if row[1] in points]:
        points[code][round_id] = (published([score], precisions[round_id])[0], rank)
    current = result.round
    return [
        Trend(
            code=code,
            label=row.label,
            points=tuple(
                TrendPoint(r, row.score, row.rank)
                if r.pk == current.pk
                else TrendPoint(r, *points[code].get(r.pk, (None, None)))
                for r in result.history
            ),
            focus=code == focus,
        )
        for code, row in followed.items()
    ]


def dimension_scores(
    *, round_: Round, codes: list[str], precision: int
) -> dict[str, dict[int, float | None]]:
    """code → dimension pk → published score, for the regions of one table page (one query)."""
    if not codes:
        return {}
    rows = list(
        Result.objects.filter(round=round_, kind=ResultKind.DIMENSION, region_id__in=codes)
        .values_list("region_id", "indicator_id", "score")
        .order_by()
    )
    scores = published((row[2] for row in rows), precision)
    out: dict[str, dict[int, float | None]] = {code: {} for code in codes}
    for (code, indicator, _), score in zip(rows, scores, strict=True):
        out[code][indicator] = score
    return out


def as_race(result: Ranking, race: str) -> RankingRows:
    """The ranking's rows re-keyed and reordered for another race (the public display shows
    both races from one read). The rows are new: the original race keeps its keys."""
    return result.rows.for_race(replace(result.query, race=race, sort=""))
