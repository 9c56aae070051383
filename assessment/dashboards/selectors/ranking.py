"""The horse-race rankings of a round: the level race (赛马, by score or by one area's score)
and the progress race (进步榜, by the change since the previous round), for one level of
regions at a time.

Everything is read from the ranking read model the compute step stored (`results.Standing`,
one wide row per region): a ranking is a queryset, filtered by `filters.RankingFilter`,
annotated with the key its race ranks on and ordered by it; django-tables2 sorts and pages it
in SQL, the charts read the rows of one table page, and the level distribution is counted in
SQL. A page reads a fixed number of queries whatever the number of regions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Count, F, Q, QuerySet

from assessment.collection.models import Round
from assessment.results.models import Result, ResultKind, Standing
from assessment.results.models.standings import area_fields
from assessment.results.selectors.nodes import (
    LevelInfo,
    NodeInfo,
    SystemNodes,
    history_rounds,
    precision_of,
    published,
)

RACE_SCORE = "score"
RACE_PROGRESS = "progress"
OVERALL = ""  # `rank_by` for the overall score
#: The trend and bump charts follow this many leaders of the race (plus a chosen region).
TREND_LEADERS = 5
#: The order of a race: by the rank it is run on, regions without one last, then by code.
RACE_ORDER = (F("key_rank").asc(nulls_last=True), "region_id")


class Comparison(StrEnum):
    """Whether the progress race (and every change column) can be shown, and if not, why."""

    OK = "ok"
    NONE = "none"  # the round names no previous round
    OTHER_SYSTEM = "other_system"  # ... or one scored with another indicator system
    NOT_COMPUTED = "not_computed"  # ... or one without results
    STALE = "stale"  # the previous round changed after this round was computed


@dataclass(frozen=True)
class Race:
    """What a ranking ranks on: the race and, in the level race, the overall score or an area."""

    race: str = RACE_SCORE
    rank_by: str = OVERALL  # an area code in the level race


@dataclass(frozen=True)
class TrendPoint:
    round: Round
    score: float | None
    rank: int | None


@dataclass(frozen=True)
class Trend:
    code: str
    label: str
    points: tuple[TrendPoint, ...]
    focus: bool = False


@dataclass
class Ranking:
    """A round's ranking for one filter: `rows` is the filtered queryset in race order."""

    round: Round
    race: Race
    level: str  # the region level ranked
    nodes: SystemNodes
    levels: list[LevelInfo]
    rows: QuerySet[Standing]  # annotated with key_rank and key_score
    history: list[Round]  # comparable rounds up to this one, oldest first
    comparison: Comparison
    previous: Round | None
    precision: int
    change_precision: int

    @property
    def rank_by_node(self) -> NodeInfo | None:
        """The area the level race ranks on (None: the overall score)."""
        if self.race.race != RACE_SCORE:
            return None
        return next((a for a in self.nodes.areas if a.code == self.race.rank_by), None)

    @property
    def shows_intervals(self) -> bool:
        """Rank intervals exist for the overall score only."""
        return self.race.race == RACE_SCORE and self.rank_by_node is None

    def for_race(self, race: Race) -> QuerySet[Standing]:
        """The same regions keyed and ordered for another race (the public display shows
        both races from one filter)."""
        return keyed(self.rows, race, self.nodes)


def keyed(rows: QuerySet[Standing], race: Race, nodes: SystemNodes) -> QuerySet[Standing]:
    """`rows` annotated with the score and rank `race` runs on, in race order."""
    if race.race == RACE_PROGRESS:
        score, rank = "change", "change_rank"
    else:
        slot = next((i for i, a in enumerate(nodes.areas) if a.code == race.rank_by), None)
        score, rank = ("score", "rank") if slot is None else area_fields(slot)
    return rows.annotate(key_score=F(score), key_rank=F(rank)).order_by(*RACE_ORDER)


def ranking(
    *,
    round_: Round,
    rows: QuerySet[Standing],
    race: Race,
    level: str,
    nodes: SystemNodes,
    levels: list[LevelInfo],
    public: bool = False,
) -> Ranking:
    """The ranking of the filtered `rows` (RankingFilter.qs) for `race`. The public display
    passes `public`: no unpublished round in the history charts. One query (comparable
    rounds); the rows are read when a table page, an export or a chart asks for them."""
    previous = round_.previous
    comparison = _comparison(round_, previous)
    precision = precision_of(round_)
    change_precision = precision
    if comparison == Comparison.OK:
        change_precision = max(precision, precision_of(previous))
    return Ranking(
        round=round_,
        race=race,
        level=level,
        nodes=nodes,
        levels=levels,
        # The rows carry their names and their levels' ids (the ranking's `levels` name
        # them): pages and charts join nothing; reports join the levels (reports.section).
        rows=keyed(rows, race, nodes),
        history=history_rounds(round_, published_only=public),
        comparison=comparison,
        previous=previous if comparison == Comparison.OK else None,
        precision=precision,
        change_precision=change_precision,
    )


def _comparison(round_: Round, previous: Round | None) -> Comparison:
    """Whether the stored progress race compares with the round's current `previous`."""
    if previous is None:
        return Comparison.NONE
    if previous.system_id != round_.system_id:
        return Comparison.OTHER_SYSTEM
    if previous.computed_at is None:
        return Comparison.NOT_COMPUTED
    if (round_.compute_notes or {}).get("compared_with") != previous.pk:
        return Comparison.STALE
    return Comparison.OK


def distribution(ranking_: Ranking, regions: Q) -> list[tuple[Round, dict[int | None, int]]]:
    """How many regions reached each maturity level in each comparable round (one query).

    `regions` selects the filter's regions (level, parent, visibility: not the maturity
    level, or every bar would show only that level)."""
    history = ranking_.history
    counts: dict[int, dict[int | None, int]] = {r.pk: {} for r in history}
    found = (
        Standing.objects.filter(regions, round__in=history)
        .values_list("round_id", "maturity_id")
        .annotate(n=Count("*"))  # COUNT(*): nothing outside the index to read
        .order_by()
    )
    for round_id, level_id, n in found:
        counts[round_id][level_id] = n
    return [(r, counts[r.pk]) for r in history]


def trends(ranking_: Ranking, focus: str | None) -> list[Trend]:
    """Score and rank over the rounds for the race's leaders and the followed region (two
    queries: the leaders and the followed region, and their earlier standings)."""
    fields = ("region_id", "name", "score", "rank")
    leaders = ranking_.rows.filter(key_rank__isnull=False).values_list(*fields)[:TREND_LEADERS]
    followed = {code: (name, score, rank) for code, name, score, rank in leaders}
    if focus and focus not in followed:
        found = ranking_.rows.filter(region_id=focus).values_list(*fields).first()
        if found is not None:
            followed[focus] = found[1:]
    if not followed:
        return []
    earlier = ranking_.history[:-1]
    points: dict[str, dict[int, tuple[float | None, int | None]]] = {c: {} for c in followed}
    for round_id, code, score, rank in Standing.objects.filter(
        round__in=earlier, region_id__in=list(followed)
    ).values_list("round_id", "region_id", "score", "rank"):
        points[code][round_id] = (score, rank)
    names = [name for name, _score, _rank in followed.values()]
    current = ranking_.round
    return [
        Trend(
            code=code,
            label=name if names.count(name) == 1 else f"{name} {code}",
            points=tuple(
                TrendPoint(r, score, rank)
                if r.pk == current.pk
                else TrendPoint(r, *points[code].get(r.pk, (None, None)))
                for r in ranking_.history
            ),
            focus=code == focus,
        )
        for code, (name, score, rank) in followed.items()
    ]


def unique_labels(rows: Sequence[Standing] | object) -> dict[str, str]:
    """code → the region's name, with its code where two regions in `rows` share the name
    (charts key their categories on the label)."""
    rows = list(rows)
    seen: dict[str, int] = {}
    for row in rows:
        seen[row.name] = seen.get(row.name, 0) + 1
    return {row.code: row.name if seen[row.name] == 1 else f"{row.name} {row.code}" for row in rows}


def dimension_scores(
    *, round_: Round, codes: list[str], precision: int
) -> dict[str, dict[int, float | None]]:
    """code → dimension pk → published score, for the heatmap's regions (one query)."""
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
