"""Reads of rectification tasks: a user's task list, one task's page, a region's open tasks.

`today` is a parameter everywhere overdue matters, so tests (and reports) can fix the date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from assessment.collection.models import Round, RoundStatus
from assessment.core.people import person_name
from assessment.rectification.access import tasks_visibility
from assessment.rectification.models import (
    Practice,
    PracticeStatus,
    RectificationTask,
    TaskEvent,
    TaskEvidence,
    TaskStatus,
)
from assessment.rectification.models.tasks import COMPLETE
from assessment.regions.access import grants_for
from assessment.regions.models import Membership, Region, Role

TASKS_PER_PAGE = 50
#: How many practices a task page shows ("who does this well and how").
TASK_PRACTICES = 5


def today_or(today: date | None) -> date:
    return today or timezone.localdate()


@dataclass(frozen=True)
class TaskFilter:
    round_id: int | None = None
    region: str = ""  # a region code (its whole subtree) or words (region, indicator, title)
    status: str = ""
    overdue: bool = False


def region_q(text: str) -> Q:
    """A region code (its whole subtree), or words found in the region's name."""
    if text.isdigit() and len(text) == 6:
        region = Region.objects.filter(code=text).only("code", "level").first()
        if region is None:
            return Q(pk__in=[])
        return Q(region__code__startswith=region.subtree_prefix)
    return Q(region__name__icontains=text)


def _task_q(text: str) -> Q:
    """A region code, or words found in the region's name, the indicator's code or name, or
    the task's title (e.g. 西湖, SV.4, 好差评)."""
    if text.isdigit() and len(text) == 6:
        return region_q(text)
    return (
        region_q(text)
        | Q(indicator__code__istartswith=text)
        | Q(indicator__name_zh__icontains=text)
        | Q(title__icontains=text)
    )


def task_queryset(*, user, filters: TaskFilter, today: date) -> QuerySet[RectificationTask]:
    """The tasks the user may see, filtered; overdue ones first, then by due date."""
    tasks = RectificationTask.objects.filter(tasks_visibility(user))
    if filters.round_id:
        tasks = tasks.filter(round_id=filters.round_id)
    if filters.region:
        tasks = tasks.filter(_task_q(filters.region))
    if filters.status:
        tasks = tasks.filter(status=filters.status)
    if filters.overdue:
        tasks = tasks.filter(due_date__lt=today).exclude(status__in=COMPLETE)
    return tasks.select_related("round", "region", "indicator").order_by(
        "due_date", "region_id", "indicator__order", "id"
    )


def task_page(*, user, filters: TaskFilter, page: int | str, today: date | None = None) -> Page:
    """One page of the task list (a count and a page query); each task carries `overdue`."""
    today = today_or(today)
    paginator = Paginator(task_queryset(user=user, filters=filters, today=today), TASKS_PER_PAGE)
    result = paginator.get_page(page)
    result.object_list = list(result.object_list)
    for task in result.object_list:
        task.overdue = task.is_overdue(today)
    return result


@dataclass
class TaskDetail:
    task: RectificationTask
    events: list[TaskEvent]
    evidence: list[TaskEvidence]
    owners: list[str]  # usernames of the region's staff
    practices: list[Practice]
    overdue: bool


def task_detail(*, task: RectificationTask, today: date | None = None) -> TaskDetail:
    """Everything the task page shows (four queries: log, evidence, owners, practices)."""
    events = list(task.events.select_related("actor").order_by("at", "id"))
    evidence = list(task.evidence.order_by("added_at", "id"))
    return TaskDetail(
        task=task,
        events=events,
        evidence=evidence,
        owners=region_owners(task.region),
        practices=practices_for_node(task.indicator.code, exclude_region=task.region_id),
        overdue=task.is_overdue(today_or(today)),
    )


def region_owners(region: Region) -> list[str]:
    """Who answers a region's tasks: its staff (one query)."""
    return list(
        Membership.objects.filter(region=region, role=Role.STAFF)
        .order_by("user__username")
        .values_list("user__username", flat=True)
    )


def owner_names(region: Region) -> list[str]:
    """The region's staff as a report names them: full name if set, else user name."""
    memberships = (
        Membership.objects.filter(region=region, role=Role.STAFF)
        .select_related("user")
        .order_by("user__username")
    )
    return [person_name(membership.user) for membership in memberships]


def practices_for_node(
    code: str, *, exclude_region: str | None = None, limit: int = TASK_PRACTICES
) -> list[Practice]:
    """Approved practices on this indicator (or, for an area or dimension, on the indicators
    below it), newest first, in any round: who does this well and how (one query)."""
    practices = Practice.objects.filter(status=PracticeStatus.APPROVED).filter(
        Q(indicator__code=code) | Q(indicator__code__startswith=f"{code}.")
    )
    if exclude_region:
        practices = practices.exclude(region_id=exclude_region)
    return list(
        practices.select_related("region", "indicator", "round").order_by(
            "rank", "-created_at", "-id"
        )[:limit]
    )


def open_tasks(*, round_: Round, region: Region) -> list[RectificationTask]:
    """The region's tasks in the round that are not verified yet, in tree order (one query)."""
    return list(
        RectificationTask.objects.filter(round=round_, region=region)
        .exclude(status=TaskStatus.VERIFIED)
        .select_related("indicator")
        .order_by("indicator__order", "id")
    )


@dataclass(frozen=True)
class TaskRow:
    """One rectification task as the 整改任务 sheet shows it (plain values, no model)."""

    title: str
    indicator: str  # code and name, e.g. "DS.1.3 重点领域数据归集率"
    status: str  # as the reader should see it, e.g. "整改中"
    due: date | None
    owner: str


def report_tasks(*, round_: Round, region: Region) -> list[TaskRow]:
    """Every task of the region in the round as `TaskRow`s of the 整改任务 sheet (two
    queries)."""
    owners = "、".join(owner_names(region))
    tasks = (
        RectificationTask.objects.filter(round=round_, region=region)
        .select_related("indicator")
        .order_by("indicator__order", "id")
    )
    return [
        TaskRow(
            title=task.finding,
            indicator=task.title,
            status=str(task.get_status_display()),
            due=task.due_date,
            owner=owners,
        )
        for task in tasks
    ]


@dataclass(frozen=True)
class TaskSummary:
    unfinished: int  # open, in progress or reopened
    overdue: int
    done: int  # waiting for verification


def staff_task_summary(*, user, today: date | None = None) -> TaskSummary:
    """The user's own regions' tasks for the home page (one query)."""
    own = [g.region_code for g in grants_for(user) if g.role == Role.STAFF]
    late = Q(due_date__lt=today_or(today)) & ~Q(status__in=COMPLETE)
    counts = RectificationTask.objects.filter(
        region_id__in=own, round__status=RoundStatus.PUBLISHED
    ).aggregate(
        unfinished=Count("id", filter=~Q(status__in=COMPLETE)),
        overdue=Count("id", filter=late),
        done=Count("id", filter=Q(status=TaskStatus.DONE)),
    )
    return TaskSummary(**counts)
