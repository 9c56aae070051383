"""Reads of rectification notices (整改通知): the notice list and one notice with its items.

A notice's items are its region's tasks in its round (models/rectification_notice.py); the
list counts them per notice with one grouped query for the page, so a page costs three
queries (count, page, item counts) whatever the number of regions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from assessment.rectification.access import tasks_visibility
from assessment.rectification.models import NoticeStatus, RectificationNotice, RectificationTask
from assessment.rectification.models.tasks import COMPLETE
from assessment.rectification.selectors.task_progress import CountedTasks
from assessment.rectification.selectors.tasks import region_q, today_or

NOTICES_PER_PAGE = 50


@dataclass(frozen=True)
class NoticeFilter:
    round_id: int | None = None
    region: str = ""  # a region code (its whole subtree) or words in the region's name
    status: str = ""  # a NoticeStatus value
    overdue: bool = False  # notices with an overdue item


@dataclass
class NoticeRow(CountedTasks):
    """A notice with its items counted by status."""

    notice: RectificationNotice
    counts: dict[str, int] = field(default_factory=dict)
    overdue: int = 0  # items past their due date and not done
    due: date | None = None  # the items' latest due date: when all must be done


def _late_items(today: date) -> Exists:
    return Exists(
        RectificationTask.objects.filter(
            round_id=OuterRef("round_id"), region_id=OuterRef("region_id"), due_date__lt=today
        ).exclude(status__in=COMPLETE)
    )


def notice_queryset(*, user, filters: NoticeFilter, today: date) -> QuerySet[RectificationNotice]:
    """The notices the user may see (as their tasks), filtered; newest round first, then
    those with overdue items, then by number."""
    notices = RectificationNotice.objects.filter(tasks_visibility(user))
    if filters.round_id:
        notices = notices.filter(round_id=filters.round_id)
    if filters.region:
        notices = notices.filter(region_q(filters.region))
    if filters.status:
        notices = notices.filter(status=filters.status)
    notices = notices.annotate(late=_late_items(today))
    if filters.overdue:
        notices = notices.filter(late=True)
    return notices.select_related("round", "region").order_by("-round_id", "-late", "number")


def _rows(notices: list[RectificationNotice], today: date) -> list[NoticeRow]:
    """The notices with their items counted (one grouped query)."""
    rows = {(n.round_id, n.region_id): NoticeRow(n) for n in notices}
    if not rows:
        return []
    late = Q(due_date__lt=today) & ~Q(status__in=COMPLETE)
    counts = (
        RectificationTask.objects.filter(
            round_id__in={key[0] for key in rows}, region_id__in={key[1] for key in rows}
        )
        .values_list("round_id", "region_id", "status")
        .annotate(n=Count("id"), late=Count("id", filter=late), due=Max("due_date"))
        .order_by()
    )
    for round_id, region_id, status, n, overdue, due in counts:
        row = rows.get((round_id, region_id))
        if row is not None:
            row.counts[status] = n
            row.overdue += overdue
            row.due = due if row.due is None else max(row.due, due)
    return list(rows.values())


def notice_page(*, user, filters: NoticeFilter, page: int | str, today: date | None = None) -> Page:
    """One page of the notice list: `NoticeRow`s (three queries)."""
    today = today_or(today)
    paginator = Paginator(notice_queryset(user=user, filters=filters, today=today),
                          NOTICES_PER_PAGE)  # fmt: skip
    result = paginator.get_page(page)
    result.object_list = _rows(list(result.object_list), today)
    return result


@dataclass
class NoticeDetail:
    row: NoticeRow
    items: list[RectificationTask]  # each with `overdue`
    today: date

    @property
    def notice(self) -> RectificationNotice:
        return self.row.notice

    @property
    def status(self) -> NoticeStatus:
        return NoticeStatus(self.notice.status)


def notice_detail(*, notice: RectificationNotice, today: date | None = None) -> NoticeDetail:
    """The notice and its items in the system's order (one query)."""
    today = today_or(today)
    items = list(notice.items().select_related("indicator"))
    row = NoticeRow(notice)
    for item in items:
        item.overdue = item.is_overdue(today)
        row.counts[item.status] = row.counts.get(item.status, 0) + 1
        row.overdue += item.overdue
        row.due = item.due_date if row.due is None else max(row.due, item.due_date)
    return NoticeDetail(row=row, items=items, today=today)


def notice_counts(*, round_, visible: Q, level: str = "") -> dict[str, int]:
    """The round's notices the reader sees, by overall status (one query)."""
    notices = RectificationNotice.objects.filter(visible, round=round_)
    if level:
        notices = notices.filter(region__level=level)
    counts = dict.fromkeys(NoticeStatus.values, 0)
    for status, n in notices.values_list("status").annotate(n=Count("id")).order_by():
        counts[status] = n
    return counts
