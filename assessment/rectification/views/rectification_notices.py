"""Rectification notices (整改通知): the list of notices and one notice with its items."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assessment.collection.models import RoundStatus
from assessment.collection.selectors.rounds import rounds_for_user
from assessment.core.forms import query_id
from assessment.rectification.access import get_notice_for_user, staff_only
from assessment.rectification.models import NoticeStatus
from assessment.rectification.selectors.rectification_notices import (
    NoticeFilter,
    notice_detail,
    notice_page,
)
from assessment.regions.access import may_supervise_region


def _filters(request: HttpRequest) -> NoticeFilter:
    params = request.GET
    status = params.get("status", "")
    return NoticeFilter(
        round_id=query_id(params.get("round", "")),
        region=params.get("region", "").strip()[:40],
        status=status if status in NoticeStatus.values else "",
        overdue=params.get("overdue") == "1",
    )


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    """Staff: their region's notices; supervisors and evaluators: their subtree's."""
    user = request.user
    filters = _filters(request)
    context = {
        "page": notice_page(user=user, filters=filters, page=request.GET.get("page", 1)),
        "filters": filters,
        "rounds": list(rounds_for_user(user).filter(status=RoundStatus.PUBLISHED)[:20]),
        "statuses": NoticeStatus.choices,
        "staff_only": staff_only(user),
    }
    return render(request, "rectification/notice_list.html", context)


@login_required
@require_GET
def notice_detail_view(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    notice = get_notice_for_user(request.user, round_id, code)
    context = {
        "notice": notice,
        "detail": notice_detail(notice=notice),
        "round": notice.round,
        "supervise": may_supervise_region(request.user, notice.region),
    }
    return render(request, "rectification/notice_detail.html", context)
