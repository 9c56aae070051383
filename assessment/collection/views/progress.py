"""The completeness dashboard of one round, for supervisors and administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assessment.collection.access import get_round_for_user, require_round_role
from assessment.collection.charts import progress_chart
from assessment.collection.selectors.review import round_completeness
from assessment.regions.models import Role


@login_required
@require_GET
def progress(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = get_round_for_user(request.user, round_id)
    require_round_role(request.user, round_, [Role.SUPERVISOR])
    page = round_completeness(round=round_, user=request.user)
    context = {
        "round": round_,
        "page": page,
        "chart": progress_chart(page.groups, group_level=page.group_level),
    }
    return render(request, "collection/progress.html", context)
