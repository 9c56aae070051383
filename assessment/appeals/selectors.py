"""Reads for the appeal pages: the queue, a region's appeals, the ranks a decision changed,
the department board."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from assessment.appeals.models import Appeal, AppealStatus, Department, TaskStatus
from assessment.collection.models import Round
from assessment.regions.models import Region
from assessment.results.models import Standing


def queue(scope: Q, *, status: str = AppealStatus.OPEN) -> QuerySet[Appeal]:
    """Appeals in the evaluator's scope, oldest first (the order they should be decided in)."""
    return (
        Appeal.objects.filter(scope, status=status)
        .select_related("round", "region", "indicator", "department")
        .order_by("filed_at", "id")
    )


def queue_counts(scope: Q) -> dict[str, int]:
    rows = Appeal.objects.filter(scope).values("status").annotate(n=Count("pk"))
    counts = dict.fromkeys(AppealStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def region_appeals(round_: Round, region: Region) -> list[Appeal]:
    return list(
        Appeal.objects.filter(round=round_, region=region)
        .select_related("indicator", "department", "decided_by")
        .prefetch_related("evidence")
        .order_by("-filed_at")
    )


@dataclass(frozen=True)
class RankChange:
    code: str
    name: str
    before: int | None
    after: int | None


def rank_changes(appeal: Appeal, limit: int = 50) -> list[RankChange] | None:
    """The regions whose rank differs from when the appeal was accepted; None until the round
    has been computed again after the decision."""
    round_ = appeal.round
    if not appeal.ranks_before or not appeal.decided_at:
        return None
    if round_.computed_at is None or round_.computed_at <= appeal.decided_at:
        return None
    now = dict(Standing.objects.filter(round=round_).values_list("region_id", "rank"))
    changed = [code for code, rank in now.items() if appeal.ranks_before.get(code) != rank]
    names = dict(Region.objects.filter(code__in=changed[:limit]).values_list("code", "name"))
    return [
        RankChange(code, names.get(code, code), appeal.ranks_before.get(code), now[code])
        for code in sorted(changed, key=lambda c: (now[c] is None, now[c] or 0))[:limit]
    ]


@dataclass(frozen=True)
class DepartmentRow:
    department: Department
    open: int
    resolved: int
    regions: int
    oldest_open: datetime | None

    @property
    def resolved_rate(self) -> float | None:
        total = self.open + self.resolved
        return round(100 * self.resolved / total, 1) if total else None

    @property
    def days_open(self) -> int | None:
        if self.oldest_open is None:
            return None
        return (timezone.now() - self.oldest_open).days


def department_board(round_id: int | None = None) -> list[DepartmentRow]:
    """Every department with its blockers: open, resolved, regions affected, the oldest open
    one; most open first (the league table of 条 accountability). One query."""
    task_filter = Q(tasks__round_id=round_id) if round_id else Q()
    rows = Department.objects.annotate(
        open=Count("tasks", filter=task_filter & Q(tasks__status=TaskStatus.OPEN)),
        resolved=Count("tasks", filter=task_filter & Q(tasks__status=TaskStatus.RESOLVED)),
        regions=Count("tasks__region", filter=task_filter, distinct=True),
        oldest_open=Min("tasks__opened_at", filter=task_filter & Q(tasks__status=TaskStatus.OPEN)),
        latest=Max("tasks__opened_at", filter=task_filter),
    ).order_by("-open", "name")
    return [
        DepartmentRow(row, row.open, row.resolved, row.regions, row.oldest_open) for row in rows
    ]


def report_appeals(round_: Round, codes: list[str]) -> list[Appeal]:
    """The appeals of the report's regions, by region and indicator (one query)."""
    return list(
        Appeal.objects.filter(round=round_, region_id__in=codes)
        .select_related(
            "region",
            "indicator",
            "department",
            "decided_by",
            "department_task__department",
            "department_task__region",
            "department_task__indicator",
        )
        .order_by("region_id", "indicator__order", "filed_at")
    )
