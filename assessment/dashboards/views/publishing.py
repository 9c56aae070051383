"""Administrators publish (a background job: it creates the rectification tasks) and unpublish
a round's results (the public display; once confirmed)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment.collection.access import get_round_for_user
from assessment.core.confirm import is_confirmed, refuse_unconfirmed
from assessment.core.redirects import safe_next
from assessment.jobs.services import start_job, work_key
from assessment.rectification.job_kinds import PUBLISH
from assessment.rectification.services.publishing import PublishError, unpublish_round
from assessment.regions.access import require_administrator


@login_required
@require_POST
def round_publish(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = get_round_for_user(request.user, round_id)
    require_administrator(request.user)
    job = start_job(
        PUBLISH,
        owner=request.user,
        title=_("Publish the results of %(round)s") % {"round": round_},
        key=work_key(PUBLISH, round_.pk),
        params={"round": round_.pk},
        next_url=safe_next(request, "assessment:results"),
    )
    return redirect("assessment:job", job.pk)


@login_required
@require_POST
def round_unpublish(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = get_round_for_user(request.user, round_id)
    require_administrator(request.user)
    if not is_confirmed(request):  # its regions and the public lose the results at once
        return refuse_unconfirmed(request, back=safe_next(request, "assessment:results"))
    try:
        unpublish_round(round_=round_)
    except PublishError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(round)s is no longer published.") % {"round": round_})
    return redirect(safe_next(request, "assessment:results"))
