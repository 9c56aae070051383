"""What people do to a task: staff answer and mark it done; supervisors verify, reopen, edit,
and create tasks by hand from a region's profile."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from assessment.collection.access import get_round_for_user
from assessment.core.forms import query_id, require_valid
from assessment.rectification.access import (
    get_task_for_user,
    require_task_staff,
    require_task_supervisor,
)
from assessment.rectification.forms.tasks import (
    TaskAnswerForm,
    TaskCreateForm,
    TaskEditForm,
    TaskNoteForm,
    TaskReopenForm,
)
from assessment.rectification.services import tasks as rectification
from assessment.rectification.services.task_generation import TASK_DUE_DAYS
from assessment.rectification.views.tasks import render_task
from assessment.regions.access import get_region_for_user, require_region_supervisor
from assessment.results.models import ResultKind
from assessment.results.selectors.nodes import system_nodes

ANSWERED = _("Your answer was saved.")
MARKED_DONE = _("Marked done: a supervisor will verify it.")
VERIFIED = _("Verified: the task is closed.")
REOPENED = _("Reopened: the region has been asked to continue.")
EDITED = _("The task was saved.")
CREATED = _("Task created for %(region)s.")


def _back(task) -> HttpResponse:
    return redirect("assessment:task_detail", task.pk)


@login_required
@require_POST
def task_answer(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_task_for_user(request.user, task_id)
    require_task_staff(request.user, task)
    form = TaskAnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_task(request, task, answer_form=form, status=400)
    try:
        rectification.task_answer(task=task, user=request.user, answer=form.answer())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, ANSWERED)
    return _back(task)


def _decide(request: HttpRequest, task, service, done, form_class=TaskNoteForm, **extra):
    form = form_class(request.POST)
    try:
        require_valid(form)
        service(task=task, user=request.user, **{**form.cleaned_data, **extra})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return _back(task)


@login_required
@require_POST
def task_done(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_task_for_user(request.user, task_id)
    require_task_staff(request.user, task)
    return _decide(request, task, rectification.task_mark_done, MARKED_DONE)


@login_required
@require_POST
def task_verify(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_task_for_user(request.user, task_id)
    require_task_supervisor(request.user, task)
    return _decide(request, task, rectification.task_verify, VERIFIED)


@login_required
@require_POST
def task_reopen(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_task_for_user(request.user, task_id)
    require_task_supervisor(request.user, task)
    if not request.POST.get("reason", "").strip():
        messages.error(request, rectification.REOPEN_NEEDS_REASON)
        return _back(task)
    return _decide(request, task, rectification.task_reopen, REOPENED, TaskReopenForm)


@login_required
@require_POST
def task_edit(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_task_for_user(request.user, task_id)
    require_task_supervisor(request.user, task)
    form = TaskEditForm(request.POST)
    if not form.is_valid():
        return render_task(request, task, edit_form=form, status=400)
    rectification.task_edit(task=task, user=request.user, **form.cleaned_data)
    messages.success(request, EDITED)
    return _back(task)


@login_required
@require_http_methods(["GET", "POST"])
def task_new(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """A supervisor's own task for a region of a round (from its profile page)."""
    user = request.user
    round_ = get_round_for_user(user, round_id)
    region = get_region_for_user(user, code)
    require_region_supervisor(user, region)
    nodes = [
        (n.pk, f"{n.code} {n.name}")
        for n in system_nodes(round_.system).nodes
        if n.kind in (ResultKind.AREA, ResultKind.LEAF)
    ]
    node = request.GET.get("indicator", "")
    form = TaskCreateForm(
        request.POST or None,
        nodes=nodes,
        due=timezone.localdate() + timedelta(days=TASK_DUE_DAYS),
        initial={"indicator": query_id(node)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        indicator = round_.system.indicators.get(pk=data["indicator"])
        try:
            task = rectification.task_create(
                round_=round_,
                region=region,
                indicator=indicator,
                user=user,
                title=data["title"] or f"{indicator.code} {indicator.name_zh}",
                finding=data["finding"],
                due_date=data["due_date"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, CREATED % {"region": region.name})
            return _back(task)
    context = {"form": form, "round": round_, "region": region}
    return render(request, "rectification/task_new.html", context)
