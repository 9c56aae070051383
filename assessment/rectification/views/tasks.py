"""Rectification tasks: the task list ("my tasks"), one task's page, its evidence files."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assessment.collection.models import RoundStatus
from assessment.collection.selectors.rounds import rounds_for_user
from assessment.core.attachments import attachment_response
from assessment.core.evidence import ACCEPT_ATTRIBUTE
from assessment.core.forms import query_id
from assessment.rectification.access import (
    get_task_evidence_for_user,
    get_task_for_user,
    may_answer_task,
    staff_only,
)
from assessment.rectification.forms.tasks import TaskAnswerForm, TaskEditForm
from assessment.rectification.models import TaskStatus
from assessment.rectification.selectors.tasks import TaskFilter, task_detail, task_page
from assessment.rectification.services.tasks import ANSWERABLE
from assessment.regions.access import may_supervise_region


def _filters(request: HttpRequest) -> TaskFilter:
    params = request.GET
    round_id = params.get("round", "")
    status = params.get("status", "")
    return TaskFilter(
        round_id=query_id(round_id),
        region=params.get("region", "").strip()[:40],
        status=status if status in TaskStatus.values else "",
        overdue=params.get("overdue") == "1",
    )


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    """Staff: their region's tasks; supervisors and evaluators: their subtree's."""
    user = request.user
    filters = _filters(request)
    rounds = list(rounds_for_user(user).filter(status=RoundStatus.PUBLISHED)[:20])
    context = {
        "page": task_page(user=user, filters=filters, page=request.GET.get("page", 1)),
        "filters": filters,
        "rounds": rounds,
        "statuses": TaskStatus.choices,
        "staff_only": staff_only(user),
    }
    return render(request, "rectification/task_list.html", context)


@login_required
@require_GET
def task_detail_view(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_task_for_user(request.user, task_id)
    return render_task(request, task)


def render_task(request: HttpRequest, task, *, answer_form=None, edit_form=None, status=200):
    """The task page; the action views render it again when a form has errors."""
    user = request.user
    detail = task_detail(task=task)
    supervise = may_supervise_region(user, task.region)
    context = {
        "task": task,
        "detail": detail,
        "round": task.round,
        "may_answer": may_answer_task(user, task) and task.status in ANSWERABLE,
        "may_mark_done": may_answer_task(user, task)
        and task.status in (TaskStatus.IN_PROGRESS, TaskStatus.REOPENED),
        "may_verify": supervise and task.status == TaskStatus.DONE,
        "may_reopen": supervise and task.status in (TaskStatus.DONE, TaskStatus.VERIFIED),
        "may_edit": supervise,
        "answer_form": answer_form or TaskAnswerForm(initial={"plan": task.plan}),
        "edit_form": edit_form
        or TaskEditForm(
            initial={"title": task.title, "finding": task.finding, "due_date": task.due_date}
        ),
        "accept": ACCEPT_ATTRIBUTE,
        "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "rectification/task_detail.html", context, status=status)


@login_required
@require_GET
def task_evidence(request: HttpRequest, evidence_id: int) -> FileResponse:
    return attachment_response(get_task_evidence_for_user(request.user, evidence_id))
