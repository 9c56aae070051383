"""The administrators' "compute results" button: starts the computation as a background job
(once confirmed: it replaces the results of every region of the round)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from assessment.collection.models import Round
from assessment.core.confirm import is_confirmed, refuse_unconfirmed
from assessment.core.redirects import safe_next
from assessment.regions.access import is_administrator
from assessment.results.job_kinds import start_compute


@login_required
@require_POST
def round_compute(request: HttpRequest, round_id: int) -> HttpResponse:
    if not is_administrator(request.user):
        raise PermissionDenied
    round_ = get_object_or_404(Round, pk=round_id)
    if not is_confirmed(request):  # it replaces every region's results
        return refuse_unconfirmed(request, back=safe_next(request))
    job = start_compute(round_, owner=request.user, next_url=safe_next(request))
    return redirect("assessment:job", job.pk)
