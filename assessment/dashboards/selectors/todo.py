"""The to-do list at the top of the home page (待办): per role, what is waiting and where it
is, as counts with links. A handful of COUNT queries whatever the number of regions."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assessment.appeals.access import queue_scope
from assessment.appeals.models import Appeal, AppealStatus
from assessment.collection.models import Round, RoundStatus, Submission, SubmissionStatus
from assessment.rectification.models import Practice, PracticeStatus, RectificationTask, TaskStatus
from assessment.regions.access import is_administrator, own_region_codes, visibility_filter
from assessment.regions.models import Role

TO_FILL = (SubmissionStatus.NOT_STARTED, SubmissionStatus.DRAFT)


@dataclass(frozen=True)
class TodoItem:
    key: str  # data-testid suffix
    label: str
    count: int
    url: str
    urgent: bool = False


def staff_todo(*, rounds: list[Round], submissions: dict, tasks) -> list[TodoItem]:
    """From what the staff section reads already (no query)."""
    open_rounds = {r.pk: r for r in rounds if r.status == RoundStatus.OPEN}
    to_fill = [s for pk, rows in submissions.items() if pk in open_rounds for s in rows
               if s.status in TO_FILL]  # fmt: skip
    returned = [s for rows in submissions.values() for s in rows
                if s.status == SubmissionStatus.RETURNED]  # fmt: skip
    items = []
    if returned:
        items.append(TodoItem("returned", str(_("Returned for changes")), len(returned),
                              _entry_url(returned[0]), urgent=True))  # fmt: skip
    if to_fill:
        items.append(TodoItem("to-fill", str(_("Forms to fill in")), len(to_fill),
                              _entry_url(to_fill[0])))  # fmt: skip
    if tasks and tasks.unfinished:
        url = reverse("assessment:notice_list")
        items.append(TodoItem("tasks", str(_("Rectification tasks to do")), tasks.unfinished,
                              url, urgent=bool(tasks.overdue)))  # fmt: skip
    return items


def _entry_url(submission: Submission) -> str:
    return reverse("assessment:entry", args=[submission.round_id, submission.region_id])


def supervisor_todo(*, user, progress) -> list[TodoItem]:
    """Reviews, tasks to verify, practices to approve (three counts) and regions that have not
    started (from the progress rows the page reads anyway)."""
    supervised = visibility_filter(user, field="region__code", roles=[Role.SUPERVISOR])
    reviews = Submission.objects.filter(
        supervised, status=SubmissionStatus.SUBMITTED,
        round__status__in=[RoundStatus.OPEN, RoundStatus.CLOSED],
    ).count()  # fmt: skip
    tasks = RectificationTask.objects.filter(supervised, status=TaskStatus.DONE).count()
    practices = Practice.objects.filter(supervised, status=PracticeStatus.PENDING).count()
    not_started = [
        row for row in progress or []
        if row.round.status == RoundStatus.OPEN and row.counts.get(SubmissionStatus.NOT_STARTED)
    ]  # fmt: skip
    items = [
        TodoItem("reviews", str(_("Submissions to review")), reviews,
                 reverse("assessment:review_queue"), urgent=reviews > 0),
        TodoItem("verify-tasks", str(_("Rectification tasks to verify")), tasks,
                 reverse("assessment:task_list") + "?status=done"),
        TodoItem("practices", str(_("Practices to approve")), practices,
                 reverse("assessment:practice_library") + "?status=pending"),
    ]  # fmt: skip
    if not_started:
        first = not_started[0]
        items.append(TodoItem(
            "not-started", str(_("Regions not started")),
            sum(row.counts[SubmissionStatus.NOT_STARTED] for row in not_started),
            reverse("assessment:progress", args=[first.round.pk]),
        ))  # fmt: skip
    return items


def evaluator_todo(*, user) -> list[TodoItem]:
    """Submissions nobody has verified yet and open appeals to decide (two counts)."""
    evaluates = visibility_filter(user, field="region__code", roles=[Role.EVALUATOR])
    unverified = (
        Submission.objects.filter(
            evaluates, status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED]
        )
        .exclude(round__status=RoundStatus.PUBLISHED)
        .exclude(region_id__in=own_region_codes(user))
        .annotate(checked=Count("verifications"))
        .filter(checked=0)
        .count()
    )
    appeals = Appeal.objects.filter(queue_scope(user), status=AppealStatus.OPEN).count()
    return [
        TodoItem("verify", str(_("Submissions not verified yet")), unverified,
                 reverse("assessment:verification_queue")),
        TodoItem("appeals", str(_("Appeals to decide")), appeals,
                 reverse("assessment:appeal_queue"), urgent=appeals > 0),
    ]  # fmt: skip


def admin_todo(*, rounds: list[Round]) -> list[TodoItem]:
    """Closed rounds without results and open appeals anywhere (one count)."""
    uncomputed = [r for r in rounds if r.status == RoundStatus.CLOSED and not r.computed_at]
    appeals = Appeal.objects.filter(status=AppealStatus.OPEN).count()
    items = [TodoItem("appeals-all", str(_("Appeals to decide")), appeals,
                      reverse("assessment:appeal_queue"), urgent=appeals > 0)]  # fmt: skip
    if uncomputed:
        items.insert(0, TodoItem("compute", str(_("Closed rounds without results")),
                                 len(uncomputed), reverse("assessment:results")))  # fmt: skip
    return items


def todo_for(*, user, roles, rounds, submissions=None, tasks=None, progress=None):
    """Everything waiting for the user, most urgent first within each role."""
    items: list[TodoItem] = []
    if Role.STAFF in roles:
        items += staff_todo(rounds=rounds, submissions=submissions or {}, tasks=tasks)
    if Role.SUPERVISOR in roles:
        items += supervisor_todo(user=user, progress=progress)
    if Role.EVALUATOR in roles:
        items += evaluator_todo(user=user)
    if is_administrator(user):
        items += admin_todo(rounds=rounds)
    return items
