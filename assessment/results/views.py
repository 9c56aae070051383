"""The administrators' "compute results" button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment.collection.models import Round
from assessment.core.redirects import safe_next
from assessment.regions.access import is_administrator
from assessment.results.services.compute import ComputeError, compute_round


@login_required
@require_POST
def round_compute(request: HttpRequest, round_id: int) -> HttpResponse:
    if not is_administrator(request.user):
        raise PermissionDenied
    round_ = get_object_or_404(Round.objects.select_related("system", "scope"), pk=round_id)
    try:
        report = compute_round(round_=round_)
    except ComputeError as error:
        messages.error(
            request,
            _("Results of %(round)s were not computed: %(error)s")
            % {"round": round_, "error": error},
        )
    else:
        messages.success(
            request,
            _(
                "Computed %(results)s results for %(regions)s regions of %(round)s "
                "in %(seconds).1f s."
            )
            % {
                "results": f"{report.results:,}",
                "regions": report.regions,
                "round": round_,
                "seconds": report.seconds["total"],
            },
        )
    return redirect(safe_next(request))
