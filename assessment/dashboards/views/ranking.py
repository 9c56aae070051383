"""The ranking page of a round: level race or progress race, filters, table, charts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessment.dashboards.views.shared import (
    charts,
    page_rows,
    panel,
    paused_gc,
    ranking_for_request,
    ranking_table,
    released,
)
from assessment.regions.access import is_administrator, supervised_prefixes
from assessment.results.access import get_ranking_round_for_user, ranking_visibility


@login_required
@paused_gc
def ranking(request: HttpRequest, round_id: int) -> HttpResponse:
    user = request.user
    round_ = get_ranking_round_for_user(user, round_id, request.GET)
    result, filters = ranking_for_request(request, round_, visibility=ranking_visibility(user))
    table = ranking_table(
        request, result, profile_links=True, task_prefixes=supervised_prefixes(user)
    )
    rows = page_rows(table)
    context = {
        "round": round_,
        "result": result,
        "filters": filters,
        "table": table,
        "page_rows": rows,
        "charts": charts(result, rows),
        "methodology": panel(result),
        "is_admin": is_administrator(user),
    }
    response = render(request, "dashboards/ranking.html", context)
    return released(response, result, table)
