"""The rectification progress page of a round (挂图作战), for supervisors and evaluators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessment.collection.access import get_round_for_user
from assessment.rectification.access import require_task_progress_access
from assessment.rectification.charts import completion_timeline
from assessment.rectification.models import NoticeStatus
from assessment.rectification.selectors.task_progress import STATUS_ORDER, task_progress
from assessment.regions.models import RegionLevel

REGIONS_PER_PAGE = 50


@login_required
@require_GET
def task_progress_view(request: HttpRequest, round_id: int) -> HttpResponse:
    user = request.user
    round_ = get_round_for_user(user, round_id)
    require_task_progress_access(user, round_)
    level = request.GET.get("level", "")
    level = level if level in RegionLevel.values else ""
    progress = task_progress(round_=round_, user=user, level=level)
    show_all = request.GET.get("show") == "all"
    ranking = Paginator(progress.regions, max(1, len(progress.regions)) if show_all else
                        REGIONS_PER_PAGE).get_page(request.GET.get("page", 1))  # fmt: skip
    context = {
        "round": round_,
        "progress": progress,
        "ranking": ranking,
        "statuses": STATUS_ORDER,
        "notice_statuses": NoticeStatus,
        "level": level,
        "levels": [
            (value, label) for value, label in RegionLevel.choices if value in round_.levels
        ],
        "show_all": show_all,
        "chart": completion_timeline(
            progress.timeline, total=progress.total, title=_("Completion over time")
        ),
    }
    return render(request, "rectification/task_progress.html", context)
