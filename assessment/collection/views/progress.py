"""The completeness dashboard of one round, for supervisors and administrators, and the
reminders to submit (催报) sent from it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from assessment.collection.access import get_round_for_user, require_round_role
from assessment.collection.charts import progress_chart
from assessment.collection.models import RoundStatus
from assessment.collection.rules import EDITABLE_STATUSES
from assessment.collection.selectors.chases import last_chases
from assessment.collection.selectors.review import round_completeness
from assessment.collection.services.chasing import chase_regions
from assessment.regions.models import Role

CHASED = _("Reminded %(chased)s region(s); %(skipped)s region(s) had already been reminded today.")
LEFT_OUT = _("%(count)s region(s) left out: handed in already, or not yours to remind.")


@login_required
@require_GET
def progress(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = get_round_for_user(request.user, round_id)
    require_round_role(request.user, round_, [Role.SUPERVISOR])
    page = round_completeness(round=round_, user=request.user)
    can_chase = round_.status == RoundStatus.OPEN
    context = {
        "round": round_,
        "page": page,
        "chart": progress_chart(page.groups, group_level=page.group_level),
        "can_chase": can_chase,
        "chaseable": [str(status) for status in EDITABLE_STATUSES],
        "chases": last_chases(round_) if can_chase else {},
        # back from a reminder: the lists it chose from stay open, with their new dates
        "chased": request.GET.get("chased") == "1",
    }
    return render(request, "collection/progress.html", context)


@login_required
@require_POST
def progress_chase(request: HttpRequest, round_id: int) -> HttpResponse:
    """Remind the chosen regions (or every one not started) to submit; regions outside the
    user's subtree are left out, never chased."""
    round_ = get_round_for_user(request.user, round_id)
    require_round_role(request.user, round_, [Role.SUPERVISOR])
    try:
        report = chase_regions(
            round_=round_,
            user=request.user,
            codes=request.POST.getlist("region"),
            not_started=bool(request.POST.get("not_started")),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        told = messages.success if report.chased else messages.warning  # nobody reminded
        told(request, CHASED % {"chased": report.chased, "skipped": report.skipped})
        if report.left_out:
            messages.warning(request, LEFT_OUT % {"count": report.left_out})
    url = reverse("assessment:progress", args=[round_.pk])
    return redirect(f"{url}?chased=1#chase-form")
