"""The public display (晾晒) of published rounds: no login, nothing but published results."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessment.dashboards.filters import ranking_for
from assessment.dashboards.selectors.ranking import RACE_PROGRESS, RACE_SCORE, Race
from assessment.dashboards.selectors.results import public_rounds
from assessment.dashboards.views.shared import (
    charts,
    page_rows,
    panel,
    race_chart,
    ranking_table,
)
from assessment.results.access import get_public_round, public_visibility


def public_index(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboards/public_index.html", {"rounds": public_rounds()})


def public_round(request: HttpRequest, round_id: int) -> HttpResponse:
    """Both races and the level distribution of one published round, for one level."""
    round_ = get_public_round(round_id)
    read = ranking_for(request.GET, round_, visibility=public_visibility(), public=True)
    options = {"profile_links": False, "orderable": False}
    table = ranking_table(request, read, race=Race(RACE_SCORE), **options)
    progress = ranking_table(request, read, race=Race(RACE_PROGRESS), prefix="progress_", **options)
    rows = page_rows(table)
    total = table.paginator.count if getattr(table, "paginator", None) else len(rows)
    figures = charts(read, rows, total=total, heatmap=False, with_trends=False)
    figures["progress"] = race_chart(read.result, page_rows(progress), Race(RACE_PROGRESS))
    context = {
        "round": round_,
        "result": read.result,
        "filters": read.filters,
        "table": table,
        "progress_table": progress,
        "charts": figures,
        "methodology": panel(read.result),
    }
    return render(request, "dashboards/public_round.html", context)
