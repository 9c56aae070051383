"""What the 总体情况 sheet says about a round report: per region level the key figures (with the
narrative's numbers), the top and bottom regions, the regions that improved most, the
indicators where most regions fall below the rectification line and the regions with the most
weak indicators; and the rectification status of the report's regions.

Everything but the rectification status comes from the report as read (its rows, the area
scores of the read model, the dimension and leaf score matrices): no query. The rectification
status is one grouped query whatever the number of regions (`rectification_status`).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from assessment.collection.models import Round
from assessment.dashboards.selectors.narrative import (
    FILTERED,
    SCOPE_WORDS,
    Change,
    LevelFigures,
    Named,
    RectificationFigures,
)
from assessment.dashboards.selectors.ranking import Comparison
from assessment.dashboards.selectors.reports import RoundReport, ScoreMatrix, Section
from assessment.rectification.models import (
    NoticeStatus,
    RectificationTask,
    TaskStatus,
    notice_status,
)
from assessment.rectification.models.tasks import COMPLETE
from assessment.regions.selectors import range_filter
from assessment.results.models import Standing
from assessment.results.selectors.nodes import LevelInfo, NodeInfo

#: Regions in each of the top, bottom and most-improved lists.
TOP = 10
#: The maturity level counted "and above" in the key figures (the middle level when the
#: system has no level with this code).
KEY_LEVEL = "L3"


#: A node of the indicator tree and the mean score of the level's regions on it.
Mean = tuple[NodeInfo, float]


@dataclass(frozen=True)
class WeakIndicator:
    """A leaf and how many of the level's regions scored below the line on it."""

    node: NodeInfo
    below: int
    scored: int

    @property
    def share(self) -> float:
        return self.below / self.scored if self.scored else 0.0


@dataclass(frozen=True)
class WeakRegion:
    row: Standing
    weak: int  # leaves scored below the line
    position: int  # 1, 2, 2, 4 …: regions with as many weak leaves share a position


@dataclass
class LevelSummary:
    section: Section
    figures: LevelFigures
    key_level: LevelInfo | None
    counts: dict[int | None, int]  # maturity level pk (None: no score) → regions
    top: list[Standing]
    bottom: list[Standing]  # the last ranked regions not already in `top`, best first
    improved: list[Standing]  # regions whose score rose, the largest rise first
    weak_indicators: list[WeakIndicator]  # most scored regions below the line
    weak_regions: list[WeakRegion]
    # (node, mean score) of the best and the weakest area and dimension (None: no scores).
    areas: tuple[Mean | None, Mean | None] = (None, None)
    dimensions: tuple[Mean | None, Mean | None] = (None, None)


@dataclass
class RectificationStatus:
    """The rectification notices and tasks of the report's regions."""

    notices: dict[str, int]  # NoticeStatus value → notices (one per region with tasks)
    tasks: dict[str, int]  # TaskStatus value → tasks
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.tasks.values())

    @property
    def complete(self) -> int:
        return sum(self.tasks.get(status, 0) for status in COMPLETE)

    @property
    def figures(self) -> RectificationFigures:
        return RectificationFigures(
            notices=sum(self.notices.values()),
            closed=self.notices.get(NoticeStatus.CLOSED, 0),
            tasks=self.total,
            complete=self.complete,
            verified=self.tasks.get(TaskStatus.VERIFIED, 0),
            overdue=self.overdue,
        )


@dataclass
class Summary:
    levels: list[LevelSummary]
    rectification: RectificationStatus | None  # None: the report's regions have no tasks
    scope: str  # the area the report covers (RoundReport.scope_name)
    line: float  # the rectification line


def summary(report: RoundReport, *, today: date | None = None) -> Summary:
    """The summary of `report`: one query (the rectification status), and the round's scope
    region unless it is read with the round."""
    round_ = report.round
    scope_name = round_.scope_name  # read whatever the regions, so the count never varies
    status = rectification_status(round_=round_, codes=report.codes, today=today)
    return Summary(
        levels=[level_summary(report, section) for section in report.sections],
        rectification=status if status.total else None,
        scope=report.scope_name or scope_name,
        line=round_.task_threshold,
    )


def key_level(levels: list[LevelInfo]) -> LevelInfo | None:
    """The maturity level the key figures count "and above"."""
    found = next((level for level in levels if level.code == KEY_LEVEL), None)
    if found is None and levels:
        found = sorted(levels, key=lambda level: level.order)[len(levels) // 2]
    return found


def level_summary(report: RoundReport, section: Section) -> LevelSummary:
    round_ = report.round
    rows = section.rows
    line = round_.task_threshold
    scored = [row for row in rows if row.score is not None]
    ranked = sorted((row for row in rows if row.rank is not None), key=lambda r: (r.rank, r.code))
    top = ranked[:TOP]
    bottom = ranked[len(top) :][-TOP:]
    counts: dict[int | None, int] = {}
    for row in rows:
        counts[row.maturity_id] = counts.get(row.maturity_id, 0) + 1
    level = key_level(report.levels)
    reached = 0
    if level is not None:
        order = {info.pk: info.order for info in report.levels}
        reached = sum(n for pk, n in counts.items() if pk is not None and order[pk] >= level.order)
    areas = report.nodes.areas
    area_means = [
        (node, _mean(row.area_score(slot) for row in rows)) for slot, node in enumerate(areas)
    ]
    dimension_means = _matrix_means(report.dimensions, rows)
    weak_indicators, weak_regions = _weak(report.leaves, rows, line)
    areas_ = _extremes(area_means)
    dimensions_ = _extremes(dimension_means)
    figures = LevelFigures(
        level=section.level,
        scope=_scope_words(report, section),
        regions=len(rows),
        scored=len(scored),
        mean=statistics.fmean(r.score for r in scored) if scored else None,
        median=statistics.median(r.score for r in scored) if scored else None,
        change=_change(section),
        level_code=level.code if level is not None else KEY_LEVEL,
        at_or_above=reached,
        share=reached / len(scored) if scored else None,
        best_region=Named(top[0].name, top[0].score) if top else None,
        worst_region=Named(ranked[-1].name, ranked[-1].score) if ranked else None,
        best_area=_named(areas_[0]),
        worst_area=_named(areas_[1]),
        best_dimension=_named(dimensions_[0]),
        worst_dimension=_named(dimensions_[1]),
        line=line,
        weak_indicators=len(weak_indicators),
        weakest_indicator=(
            Named(weak_indicators[0].node.name, weak_indicators[0].share)
            if weak_indicators
            else None
        ),
    )
    return LevelSummary(
        section=section,
        figures=figures,
        key_level=level,
        counts=counts,
        top=top,
        bottom=bottom,
        improved=improved(section),
        weak_indicators=weak_indicators,
        weak_regions=weak_regions,
        areas=areas_,
        dimensions=dimensions_,
    )


def improved(section: Section) -> list[Standing]:
    """The regions whose score rose since the previous comparable round, the largest rise
    first (none when the report cannot compare)."""
    if section.comparison != Comparison.OK:
        return []
    precision = section.change_precision
    rises = [r for r in section.rows if r.change is not None and round(r.change, precision) > 0]
    return sorted(rises, key=lambda r: (-r.change, r.change_rank or 0, r.code))[:TOP]


def _change(section: Section) -> Change | None:
    if section.comparison != Comparison.OK or section.previous is None:
        return None
    changes = [r.change for r in section.rows if r.change is not None]
    if not changes:
        return None
    precision = section.change_precision
    return Change(
        period=section.previous.period,
        mean=statistics.fmean(changes),
        up=sum(round(c, precision) > 0 for c in changes),
        down=sum(round(c, precision) < 0 for c in changes),
    )


def _scope_words(report: RoundReport, section: Section) -> str:
    """Who the figures cover: the regions a filter chose, the region the report covers
    (杭州市), or the round's whole scope in words (全省, 全国)."""
    if section.maturity:
        return str(FILTERED)
    round_ = report.round
    if report.scope_name != round_.scope_name:
        return report.scope_name
    scope = round_.scope if round_.scope_id else None
    return str(SCOPE_WORDS.get(scope.level if scope else None, SCOPE_WORDS[None]))


def _mean(values: Iterable[float | None]) -> float | None:
    found = [v for v in values if v is not None]
    return statistics.fmean(found) if found else None


def _matrix_means(matrix: ScoreMatrix, rows: list[Standing]) -> list[tuple[NodeInfo, float | None]]:
    scores = [matrix.row(row.code) for row in rows]
    return [
        (node, _mean(score[index] for score in scores)) for index, node in enumerate(matrix.nodes)
    ]


def _extremes(means: list[tuple[NodeInfo, float | None]]) -> tuple[Mean | None, Mean | None]:
    """The highest and the lowest mean (the first in the system's order on a tie)."""
    found = [(node, mean) for node, mean in means if mean is not None]
    if not found:
        return None, None
    return max(found, key=lambda item: item[1]), min(found, key=lambda item: item[1])


def _named(item: Mean | None) -> Named | None:
    return None if item is None else Named(item[0].name, item[1])


def _weak(
    leaves: ScoreMatrix, rows: list[Standing], line: float
) -> tuple[list[WeakIndicator], list[WeakRegion]]:
    """The leaves where most scored regions fall below `line` (the largest share first), and
    the regions with the most leaves below it (the most first, then the lower score)."""
    nodes = leaves.nodes
    below = [0] * len(nodes)
    scored = [0] * len(nodes)
    weak_counts: list[tuple[Standing, int]] = []
    for row in rows:
        weak = 0
        for index, score in enumerate(leaves.row(row.code)):
            if score is None:
                continue
            scored[index] += 1
            if score < line:
                below[index] += 1
                weak += 1
        if weak:
            weak_counts.append((row, weak))
    indicators = [
        WeakIndicator(node, below[i], scored[i])
        for i, node in enumerate(nodes)
        if scored[i] and 2 * below[i] > scored[i]
    ]
    indicators.sort(key=lambda w: (-w.share, -w.below))  # stable: system order on ties
    weak_counts.sort(
        key=lambda item: (-item[1], item[0].score if item[0].score is not None else 1e9,
                          item[0].code)
    )  # fmt: skip
    regions = []
    for index, (row, weak) in enumerate(weak_counts[:TOP]):
        same = index and weak == regions[-1].weak
        regions.append(WeakRegion(row, weak, regions[-1].position if same else index + 1))
    return indicators, regions


def rectification_status(
    *, round_: Round, codes: list[str], today: date | None = None
) -> RectificationStatus:
    """Notices by overall status, tasks by status and the overdue tasks of the regions
    `codes` in `round_`: one grouped query (tasks per region and status) over the codes'
    range, kept for the codes. A notice's status follows from its items' (`notice_status`),
    as the task services store it."""
    today = today or timezone.localdate()
    wanted = set(codes)
    notices = dict.fromkeys(NoticeStatus.values, 0)
    tasks = dict.fromkeys(TaskStatus.values, 0)
    if not wanted:
        return RectificationStatus(notices=notices, tasks=tasks, overdue=0)
    late = Q(due_date__lt=today) & ~Q(status__in=COMPLETE)
    rows = (
        RectificationTask.objects.filter(round=round_, **range_filter(wanted))
        .values_list("region_id", "status")
        .annotate(n=Count("id"), late=Count("id", filter=late))
        .order_by()
    )
    per_region: dict[str, dict[str, int]] = {}
    overdue = 0
    for code, status, n, late_n in rows:
        if code not in wanted:
            continue
        per_region.setdefault(code, {})[status] = n
        tasks[status] = tasks.get(status, 0) + n
        overdue += late_n
    for counts in per_region.values():
        notices[notice_status(counts)] += 1
    return RectificationStatus(notices=notices, tasks=tasks, overdue=overdue)
