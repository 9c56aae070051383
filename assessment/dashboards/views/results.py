"""The list of rounds with results: rankings for supervisors and evaluators, the region's own
profile for staff, the public display and the publish buttons for administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessment.dashboards.selectors.results import result_rounds
from assessment.regions.access import is_administrator


@login_required
def results(request: HttpRequest) -> HttpResponse:
    context = {
        "entries": result_rounds(request.user),
        "is_admin": is_administrator(request.user),
    }
    return render(request, "dashboards/results.html", context)
