"""The home page: what each role needs first after logging in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessment.collection.models import RoundStatus
from assessment.collection.selectors.rounds import (
    round_progress,
    rounds_for_user,
    staff_regions,
    staff_submissions,
)
from assessment.dashboards.selectors.todo import todo_for
from assessment.rectification.selectors.tasks import staff_task_summary
from assessment.regions.access import home_roles, is_administrator
from assessment.regions.models import Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    roles = home_roles(user)
    rounds = list(rounds_for_user(user)[:20])
    context = {
        "roles": roles,
        "is_admin": is_administrator(user),
        "rounds": rounds,
    }
    if Role.STAFF in roles:
        context["my_regions"] = staff_regions(user)
        context["my_submissions"] = staff_submissions(user=user, rounds=rounds)
        context["my_tasks"] = staff_task_summary(user=user)
    if Role.SUPERVISOR in roles or is_administrator(user):
        supervised = {Role.SUPERVISOR} if not is_administrator(user) else None
        context["progress"] = round_progress(user=user, rounds=rounds, roles=supervised)
    if Role.SUPERVISOR in roles or Role.EVALUATOR in roles or is_administrator(user):
        context["loop_rounds"] = [r for r in rounds if r.status == RoundStatus.PUBLISHED]
    context["todo"] = todo_for(
        user=user, roles=roles, rounds=rounds, submissions=context.get("my_submissions"),
        tasks=context.get("my_tasks"), progress=context.get("progress"),
    )  # fmt: skip
    return render(request, "dashboards/home.html", context)
