"""The appeal pages: provisional publication (administrators), filing (a region's staff), the
queue and decisions (evaluators, administrators), the departments' board and tasks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.appeals.access import (
    departments_of,
    get_appeal_for_user,
    get_evidence_for_user,
    get_task_for_user,
    may_decide,
    may_read_board,
    queue_scope,
    require_decider,
    require_queue_user,
    require_staff_of,
)
from assessment.appeals.forms import AppealForm, DecisionForm, ProvisionalForm, ResolveForm
from assessment.appeals.models import AppealStatus, DepartmentTask, TaskStatus
from assessment.appeals.selectors import (
    department_board,
    queue,
    queue_counts,
    rank_changes,
    region_appeals,
)
from assessment.appeals.services import (
    AppealError,
    decide,
    file_appeal,
    publish_provisional,
    resolve_task,
    window_is_open,
)
from assessment.appeals.window import last_day
from assessment.collection.access import get_round_for_user
from assessment.core.attachments import attachment_response
from assessment.core.forms import query_id
from assessment.regions.access import (
    get_region_for_user,
    is_administrator,
    require_administrator,
    visibility_filter,
)
from assessment.regions.models import Role

QUEUE_PAGE = 50


@login_required
@require_POST
def publish(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = get_round_for_user(request.user, round_id)
    require_administrator(request.user)
    form = ProvisionalForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("working_days", [])))
        return redirect("assessment:round_detail", round_.pk)
    try:
        round_ = publish_provisional(
            round_=round_, working_days=form.cleaned_data["working_days"], user=request.user
        )
    except AppealError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Provisional results published: appeals close at the end of %(day)s.")
            % {"day": last_day(round_.appeals_close_at)},
        )
    return redirect("assessment:round_detail", round_.pk)


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    round_ = get_round_for_user(request.user, round_id)
    region = get_region_for_user(request.user, code)
    require_staff_of(request.user, region)
    form = AppealForm(request.POST or None, request.FILES or None, round_=round_)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                appeal = file_appeal(
                    round_=round_,
                    region=region,
                    indicator=data["indicator"],
                    category=data["category"],
                    department=data["department"],
                    statement=data["statement"],
                    files=data["files"],
                    links=[data["link"]] if data["link"] else [],
                    user=request.user,
                )
            except AppealError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your appeal was filed."))
                return redirect("assessment:appeal_detail", appeal.pk)
        status = 400
    context = {
        "round": round_,
        "region": region,
        "form": form,
        "window_open": window_is_open(round_),
        "last_day": last_day(round_.appeals_close_at) if round_.appeals_close_at else None,
        "appeals": region_appeals(round_, region),
    }
    return render(request, "appeals/new.html", context, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = get_appeal_for_user(request.user, appeal_id)
    return _detail(request, appeal, DecisionForm())


def _detail(request, appeal, form, status: int = 200) -> HttpResponse:
    context = {
        "appeal": appeal,
        "round": appeal.round,
        "evidence": list(appeal.evidence.all()),
        "form": form,
        "may_decide": appeal.is_open
        and appeal.round.is_provisional
        and may_decide(request.user, appeal),
        "changes": rank_changes(appeal),
        "task": DepartmentTask.objects.filter(appeal=appeal).first(),
    }
    return render(request, "appeals/detail.html", context, status=status)


@login_required
@require_POST
def decide_view(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = get_appeal_for_user(request.user, appeal_id)
    require_decider(request.user, appeal)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, appeal, form, status=400)
    data = form.cleaned_data
    try:
        appeal, recompute = decide(
            appeal=appeal,
            action=data["action"],
            value=data["value"],
            reason=data["reason"],
            user=request.user,
        )
    except (AppealError, ValidationError) as error:
        form.add_error(None, error)
        return _detail(request, appeal, form, status=400)
    if recompute:
        messages.success(
            request,
            _(
                "Appeal accepted. The round is being computed again; this "
                "page then lists the regions whose rank changed."
            ),
        )
    else:
        messages.success(request, _("Appeal rejected."))
    return redirect("assessment:appeal_detail", appeal.pk)


@login_required
@require_GET
def evidence(request: HttpRequest, evidence_id: int) -> HttpResponse:
    return attachment_response(get_evidence_for_user(request.user, evidence_id))


@login_required
@require_GET
def queue_view(request: HttpRequest) -> HttpResponse:
    require_queue_user(request.user)
    scope = queue_scope(request.user)
    status = request.GET.get("status", AppealStatus.OPEN)
    if status not in AppealStatus.values:
        status = AppealStatus.OPEN
    page = Paginator(queue(scope, status=status), QUEUE_PAGE).get_page(
        query_id(request.GET.get("page")) or 1
    )
    context = {
        "page": page,
        "status": status,
        "counts": queue_counts(scope),
        "statuses": AppealStatus.choices,
    }
    return render(request, "appeals/queue.html", context)


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """The department league table (administrators, supervisors) and, for department staff,
    their own department's tasks (anyone else sees an empty list)."""
    own = departments_of(request.user)
    reader = may_read_board(request.user)
    tasks = DepartmentTask.objects.select_related("department", "region", "indicator", "round")
    if not is_administrator(request.user):
        # Supervisors read the blockers of their subtrees; departments' staff their own.
        mine = Q(department__in=own)
        if reader:
            mine |= visibility_filter(request.user, field="region__code", roles=[Role.SUPERVISOR])
        tasks = tasks.filter(mine)
    context = {
        "rows": department_board() if reader else None,
        "tasks": list(tasks.order_by("status", "opened_at")[:200]),
        "own": own,
        "resolvable": {d.pk for d in own} if not is_administrator(request.user) else None,
    }
    return render(request, "appeals/board.html", context)


@login_required
@require_POST
def resolve(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_task_for_user(request.user, task_id)
    form = ResolveForm(request.POST)
    if not form.is_valid() or task.status == TaskStatus.RESOLVED:
        messages.error(request, _("Say what was done (an open task only)."))
        return redirect("assessment:department_board")
    try:
        resolve_task(task=task, resolution=form.cleaned_data["resolution"], user=request.user)
    except AppealError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The task is resolved."))
    return redirect("assessment:department_board")
