"""The ranking page of a round: level race or progress race, filters, table, charts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessment.collection.models import RoundStatus
from assessment.dashboards.filters import ranking_for, with_home
from assessment.dashboards.reports.written.pdf import soffice
from assessment.dashboards.selectors.results import result_regions
from assessment.dashboards.views.shared import charts, page_rows, panel, ranking_table
from assessment.regions.access import is_administrator, supervised_prefixes
from assessment.results.access import (
    get_ranking_round_for_user,
    ranking_home,
    ranking_visibility,
)


@login_required
def ranking(request: HttpRequest, round_id: int) -> HttpResponse:
    user = request.user
    round_ = get_ranking_round_for_user(user, round_id, request.GET)
    params = with_home(request.GET, round_, ranking_home(user))
    read = ranking_for(params, round_, visibility=ranking_visibility(user))
    table = ranking_table(request, read, task_prefixes=supervised_prefixes(user))
    rows = page_rows(table)
    total = table.paginator.count if getattr(table, "paginator", None) else len(rows)
    if is_administrator(user) and round_.status == RoundStatus.PUBLISHED:
        round_.result_regions = result_regions(round_)  # the unpublish button's question
    context = {
        "round": round_,
        "result": read.result,
        "filters": read.filters,
        "race_form": read.race_form,
        "focus": read.focus,
        "total": total,
        "table": table,
        "page_rows": rows,
        "charts": charts(read, rows, total=total),
        "methodology": panel(read.result),
        "is_admin": is_administrator(user),
        "pdf_available": soffice() is not None,  # the written report as PDF too
    }
    return render(request, "dashboards/ranking.html", context)
