"""Feedback and rectification (反馈 → 整改): the steps of a task and who takes them.

    open ──answer──▶ in_progress ──done──▶ done ──verify──▶ verified
                          ▲                  │                │
                          └──answer── reopened ◀──reopen──────┘   (reopened ──done──▶ done)

The region's staff answer (plan, progress, evidence) and mark the task done; a supervisor
over the region verifies it or reopens it with a reason. Every step writes a TaskEvent (who,
when, from, to, text). Status changes are a compare-and-set on the status, so two people
clicking at once cannot both move the task. Access (who may call what) is checked by the
views through `assessment/rectification/access.py`; these functions check the state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import Round
from assessment.core.attachments import store_attachments
from assessment.core.evidence import CheckedFile
from assessment.rectification import notices
from assessment.rectification.models import (
    RectificationTask,
    TaskAction,
    TaskEvent,
    TaskEvidence,
    TaskOrigin,
    TaskStatus,
)
from assessment.rectification.services.rectification_notices import (
    notice_for,
    refresh_notice_status,
)
from assessment.regions.models import Region
from assessment.results.models import PeerStat, Result
from assessment.results.selectors.nodes import one_published, precision_of
from indicators.models import Indicator

ANSWERABLE = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS, TaskStatus.REOPENED)
CLOSED_FOR_ANSWERS = _("The task is %(status)s: it takes no more answers unless it is reopened.")
NOTHING_TO_SAVE = _("Write a plan or a progress update, or add evidence.")
ANSWER_FIRST = _("Answer the task with a plan or a progress update before marking it done.")
NOT_DONE = _("Only a task marked done can be verified.")
CANNOT_REOPEN = _("Only a done or verified task can be reopened.")
REOPEN_NEEDS_REASON = _("Say why the task is reopened.")
MOVED_ON = _("Someone else changed this task a moment ago. Reload the page and try again.")
NOT_A_ROUND_NODE = _("The indicator does not belong to the round's indicator system.")
ROUND_NOT_COMPUTED = _("Tasks can be created once the round's results are computed.")
NOT_IN_ROUND = _("The region does not take part in this round.")


@dataclass
class TaskAnswer:
    """What staff post on a task: any of a plan, a progress note (with a percent), evidence."""

    plan: str | None = None  # None: the plan field was not posted
    note: str = ""
    percent: int | None = None
    files: list[CheckedFile] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def _event(task, user, action, *, at, text="", before="", after="", percent=None) -> TaskEvent:
    return TaskEvent(
        task=task,
        at=at,
        actor=user,
        action=action,
        from_status=before,
        to_status=after,
        text=text,
        percent=percent,
    )


def _move(task: RectificationTask, *, expected, to: str, error, **fields) -> str:
    """Compare-and-set the status; returns the status it had."""
    current = RectificationTask.objects.get(pk=task.pk)
    if current.status not in expected:
        raise ValidationError(error, code="wrong_status", params={"status": _label(current)})
    moved = RectificationTask.objects.filter(pk=task.pk, status=current.status).update(
        status=to, updated_at=timezone.now(), **fields
    )
    if moved != 1:
        raise ValidationError(MOVED_ON, code="moved_on")
    task.status = to
    for name, value in fields.items():
        setattr(task, name, value)
    refresh_notice_status(round_id=task.round_id, region_ids=[task.region_id])
    return current.status


def _label(task: RectificationTask) -> str:
    return str(TaskStatus(task.status).label)


@transaction.atomic
def task_answer(*, task: RectificationTask, user, answer: TaskAnswer) -> RectificationTask:
    """Staff answer: a plan, progress, evidence. An open or reopened task goes in progress."""
    current = RectificationTask.objects.select_for_update().get(pk=task.pk)
    if current.status not in ANSWERABLE:
        raise ValidationError(CLOSED_FOR_ANSWERS, code="closed", params={"status": _label(current)})
    plan = answer.plan.strip() if answer.plan is not None else None
    note = answer.note.strip()
    plan_changed = plan is not None and plan != current.plan
    if not (plan_changed or note or answer.percent is not None or answer.files or answer.links):
        raise ValidationError(NOTHING_TO_SAVE, code="empty")
    now = timezone.now()
    events = []
    fields = {}
    if current.status != TaskStatus.IN_PROGRESS:
        events.append(
            _event(task, user, TaskAction.STATUS, at=now, before=current.status,
                   after=TaskStatus.IN_PROGRESS)
        )  # fmt: skip
        fields["status"] = TaskStatus.IN_PROGRESS
    if plan_changed:
        events.append(_event(task, user, TaskAction.PLAN, at=now, text=plan))
        fields["plan"] = plan
    if note or answer.percent is not None:
        events.append(
            _event(task, user, TaskAction.PROGRESS, at=now, text=note, percent=answer.percent)
        )
        if answer.percent is not None:
            fields["progress"] = answer.percent
    added = store_attachments(
        partial(TaskEvidence, task=task), files=answer.files, links=answer.links, user=user
    )
    for item in added:
        events.append(_event(task, user, TaskAction.EVIDENCE, at=now, text=item.label))
    if fields:
        RectificationTask.objects.filter(pk=task.pk).update(updated_at=now, **fields)
    if "status" in fields:
        refresh_notice_status(round_id=task.round_id, region_ids=[task.region_id])
    TaskEvent.objects.bulk_create(events)
    task.refresh_from_db()
    return task


@transaction.atomic
def task_mark_done(*, task: RectificationTask, user, note: str = "") -> RectificationTask:
    """Staff report the rectification finished (from in progress, or reopened)."""
    current = RectificationTask.objects.get(pk=task.pk)
    if current.status == TaskStatus.OPEN:
        raise ValidationError(ANSWER_FIRST, code="answer_first")
    before = _move(
        task,
        expected=(TaskStatus.IN_PROGRESS, TaskStatus.REOPENED),
        to=TaskStatus.DONE,
        error=CLOSED_FOR_ANSWERS,
        progress=100,
    )
    TaskEvent.objects.create(
        task=task, actor=user, action=TaskAction.STATUS, from_status=before,
        to_status=TaskStatus.DONE, text=note.strip(), percent=100,
    )  # fmt: skip
    return task


@transaction.atomic
def task_verify(*, task: RectificationTask, user, note: str = "") -> RectificationTask:
    """A supervisor accepts the rectification."""
    before = _move(task, expected=(TaskStatus.DONE,), to=TaskStatus.VERIFIED, error=NOT_DONE)
    TaskEvent.objects.create(
        task=task, actor=user, action=TaskAction.STATUS, from_status=before,
        to_status=TaskStatus.VERIFIED, text=note.strip(),
    )  # fmt: skip
    notices.on_task_verified(task)
    return task


@transaction.atomic
def task_reopen(*, task: RectificationTask, user, reason: str) -> RectificationTask:
    """A supervisor sends a done (or verified) task back, saying why."""
    if not reason.strip():
        raise ValidationError(REOPEN_NEEDS_REASON, code="reason")
    before = _move(
        task,
        expected=(TaskStatus.DONE, TaskStatus.VERIFIED),
        to=TaskStatus.REOPENED,
        error=CANNOT_REOPEN,
    )
    TaskEvent.objects.create(
        task=task, actor=user, action=TaskAction.STATUS, from_status=before,
        to_status=TaskStatus.REOPENED, text=reason.strip(),
    )  # fmt: skip
    notices.on_task_reopened(task)
    return task


@transaction.atomic
def task_edit(
    *, task: RectificationTask, user, title: str, finding: str, due_date: date
) -> RectificationTask:
    """A supervisor rewrites the finding, the title or the due date (logged old → new)."""
    current = RectificationTask.objects.select_for_update().get(pk=task.pk)
    changes = []
    if title.strip() != current.title:
        label = _("Title")  # labels outside f-strings, where makemessages finds them
        changes.append(f"{label}: {current.title} → {title.strip()}")
    if finding.strip() != current.finding:
        label = _("Finding")
        changes.append(f"{label}: {finding.strip()}")
    if due_date != current.due_date:
        label = _("Due date")
        changes.append(f"{label}: {current.due_date} → {due_date}")
    if not changes:
        return current
    RectificationTask.objects.filter(pk=task.pk).update(
        title=title.strip(), finding=finding.strip(), due_date=due_date, updated_at=timezone.now()
    )
    TaskEvent.objects.create(
        task=task, actor=user, action=TaskAction.EDITED, text="\n".join(changes)
    )
    task.refresh_from_db()
    return task


@transaction.atomic
def task_create(
    *,
    round_: Round,
    region: Region,
    indicator: Indicator,
    user,
    title: str,
    finding: str,
    due_date: date,
) -> RectificationTask:
    """A supervisor's own task for a region, with its score and peer median when known."""
    if indicator.system_id != round_.system_id:
        raise ValidationError(NOT_A_ROUND_NODE, code="system")
    if round_.computed_at is None:
        raise ValidationError(ROUND_NOT_COMPUTED, code="not_computed")
    if not round_.participating_regions().filter(code=region.code).exists():
        raise ValidationError(NOT_IN_ROUND, code="not_in_round")
    precision = precision_of(round_)
    score = (
        Result.objects.filter(round=round_, region=region, indicator=indicator)
        .values_list("score", flat=True)
        .first()
    )
    median = (
        PeerStat.objects.filter(round=round_, level=region.level, indicator=indicator)
        .values_list("median", flat=True)
        .first()
    )
    notice_for(round_=round_, region=region, user=user)
    task = RectificationTask.objects.create(
        round=round_,
        region=region,
        indicator=indicator,
        origin=TaskOrigin.MANUAL,
        title=title.strip()[:200],
        finding=finding.strip(),
        score=one_published(score, precision),
        peer_median=one_published(median, precision),
        threshold=round_.task_threshold,
        due_date=due_date,
        created_by=user,
    )
    TaskEvent.objects.create(
        task=task, actor=user, action=TaskAction.CREATED, to_status=TaskStatus.OPEN,
        text=task.finding,
    )  # fmt: skip
    refresh_notice_status(round_id=round_.pk, region_ids=[region.pk])
    notices.on_task_created(task)
    return task
