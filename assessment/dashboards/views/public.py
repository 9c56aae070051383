"""The public display (晾晒) of published rounds: no login, nothing but published results."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessment.dashboards.selectors.ranking import RACE_PROGRESS, RACE_SCORE
from assessment.dashboards.selectors.results import public_rounds
from assessment.dashboards.views.shared import (
    charts,
    page_rows,
    panel,
    paused_gc,
    race_chart,
    ranking_for_request,
    ranking_table,
    released,
)
from assessment.results.access import get_public_round, public_visibility


def public_index(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboards/public_index.html", {"rounds": public_rounds()})


@paused_gc
def public_round(request: HttpRequest, round_id: int) -> HttpResponse:
    """Both races and the level distribution of one published round, for one level."""
    round_ = get_public_round(round_id)
    result, filters = ranking_for_request(
        request, round_, visibility=public_visibility(), public=True
    )
    options = {"profile_links": False, "orderable": False}
    table = ranking_table(request, result, race=RACE_SCORE, **options)
    progress = ranking_table(request, result, race=RACE_PROGRESS, prefix="progress_", **options)
    figures = charts(result, page_rows(table), heatmap=False, trends=False)
    figures["progress"] = race_chart(result, page_rows(progress), RACE_PROGRESS)
    context = {
        "round": round_,
        "result": result,
        "filters": filters,
        "table": table,
        "progress_table": progress,
        "charts": figures,
        "methodology": panel(result),
    }
    response = render(request, "dashboards/public_round.html", context)
    return released(response, result, table, progress)
