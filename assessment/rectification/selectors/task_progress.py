"""The rectification progress of a round (挂图作战): tasks by region and status, overdue tasks,
regions ranked by completion rate, notices (one per region) by overall status, and completion
over time from the task log.

Two queries whatever the number of regions or tasks: one grouped count of tasks per
(region, status) with the overdue ones, and the status changes of the log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from assessment.collection.models import Round
from assessment.rectification.models import (
    NoticeStatus,
    RectificationTask,
    TaskAction,
    TaskEvent,
    TaskStatus,
    notice_status,
)
from assessment.rectification.models.tasks import COMPLETE
from assessment.rectification.selectors.tasks import today_or
from assessment.regions.access import visibility_filter
from assessment.results.access import RESULT_READERS

STATUS_ORDER = [
    TaskStatus.OPEN,
    TaskStatus.IN_PROGRESS,
    TaskStatus.REOPENED,
    TaskStatus.DONE,
    TaskStatus.VERIFIED,
]


def rate_of(complete: int, total: int) -> float | None:
    return round(100 * complete / total, 1) if total else None


class CountedTasks:
    """Tasks counted by status (`counts`: TaskStatus value → tasks): how many, how many done
    or verified, the completion rate. A region's on the progress board, a notice's items."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def complete(self) -> int:
        return sum(self.counts.get(status, 0) for status in COMPLETE)

    @property
    def rate(self) -> float | None:
        return rate_of(self.complete, self.total)


@dataclass
class RegionTasks(CountedTasks):
    code: str
    name: str
    level: str
    counts: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    rank: int | None = None

    @property
    def notice_status(self) -> NoticeStatus:
        """The overall status of the region's rectification notice (from these counts, as
        the task services store it)."""
        return notice_status(self.counts)


@dataclass(frozen=True)
class TimelinePoint:
    day: date
    complete: int  # tasks done or verified at the end of the day
    verified: int


@dataclass
class TaskProgress:
    round: Round
    regions: list[RegionTasks]  # best completion rate first
    timeline: list[TimelinePoint]
    today: date

    @property
    def counts(self) -> dict[str, int]:
        totals = dict.fromkeys(STATUS_ORDER, 0)
        for region in self.regions:
            for status, n in region.counts.items():
                totals[status] += n
        return totals

    @property
    def total(self) -> int:
        return sum(region.total for region in self.regions)

    @property
    def complete(self) -> int:
        return sum(region.complete for region in self.regions)

    @property
    def overdue(self) -> int:
        return sum(region.overdue for region in self.regions)

    @property
    def rate(self) -> float | None:
        return rate_of(self.complete, self.total)

    @property
    def notice_counts(self) -> dict[str, int]:
        """Notices (one per region with tasks) by overall status."""
        counts = dict.fromkeys(NoticeStatus.values, 0)
        for region in self.regions:
            counts[region.notice_status] += 1
        return counts

    @property
    def overdue_regions(self) -> list[RegionTasks]:
        return sorted((r for r in self.regions if r.overdue), key=lambda r: (-r.overdue, r.code))


def task_progress(
    *, round_: Round, user, today: date | None = None, level: str = ""
) -> TaskProgress:
    today = today_or(today)
    visible = visibility_filter(user, field="region__code", roles=RESULT_READERS)
    tasks = RectificationTask.objects.filter(visible, round=round_)
    if level:
        tasks = tasks.filter(region__level=level)
    late = Q(due_date__lt=today) & ~Q(status__in=COMPLETE)
    rows = (
        tasks.values("region_id", "region__name", "region__level", "status")
        .annotate(n=Count("id"), late=Count("id", filter=late))
        .order_by()
    )
    regions: dict[str, RegionTasks] = {}
    for row in rows:
        region = regions.setdefault(
            row["region_id"],
            RegionTasks(row["region_id"], row["region__name"], row["region__level"]),
        )
        region.counts[row["status"]] = row["n"]
        region.overdue += row["late"]
    ranked = _ranked(list(regions.values()))
    return TaskProgress(
        round=round_,
        regions=ranked,
        timeline=_timeline(round_, user, level, today),
        today=today,
    )


def _ranked(regions: list[RegionTasks]) -> list[RegionTasks]:
    """Highest completion rate first; equal rates share the best rank (1, 2, 2, 4)."""
    ordered = sorted(regions, key=lambda r: (-(r.rate or 0), -r.total, r.code))
    previous, rank = None, 0
    for position, region in enumerate(ordered, start=1):
        if region.rate != previous:
            rank, previous = position, region.rate
        region.rank = rank
    return ordered


def _timeline(round_: Round, user, level: str, today: date) -> list[TimelinePoint]:
    """Tasks done or verified at the end of each day, replayed from the log (one query)."""
    visible = visibility_filter(user, field="task__region__code", roles=RESULT_READERS)
    events = TaskEvent.objects.filter(visible, task__round=round_, action=TaskAction.STATUS)
    if level:
        events = events.filter(task__region__level=level)
    changes = events.order_by("at", "id").values_list("task_id", "at", "to_status")
    state: dict[int, str] = {}
    complete = verified = 0
    points: dict[date, TimelinePoint] = {}
    for task_id, at, status in changes:
        before = state.get(task_id, TaskStatus.OPEN)
        complete += (status in COMPLETE) - (before in COMPLETE)
        verified += (status == TaskStatus.VERIFIED) - (before == TaskStatus.VERIFIED)
        state[task_id] = status
        day = timezone.localdate(at)
        points[day] = TimelinePoint(day, complete, verified)
    start = timezone.localdate(round_.published_at) if round_.published_at else None
    if start is None and points:
        start = min(points) - timedelta(days=1)
    out = [points[day] for day in sorted(points)]
    if start and (not out or start < out[0].day):
        out.insert(0, TimelinePoint(start, 0, 0))
    if out and out[-1].day < today:
        out.append(TimelinePoint(today, complete, verified))
    return out
