"""自评与核验对照 Self-reported against verified: per region and per indicator, how many values
were verified, corrected and found overstated (verification's counts), and per region what the
corrections did to its score (the ranking read model's, as last computed)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assessment.collection.access import get_round_for_user, require_round_role
from assessment.regions.models import Role
from assessment.results.models import Standing
from assessment.verification.selectors import verification_summary


@login_required
@require_GET
def summary(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = get_round_for_user(request.user, round_id)
    require_round_role(request.user, round_, [Role.EVALUATOR, Role.SUPERVISOR])
    by_region, by_leaf = verification_summary(user=request.user, round_=round_)
    rows = {row.code: row for row in by_region}
    effects = Standing.objects.filter(round=round_, verification_effect__isnull=False)
    for code, effect in effects.values_list("region_id", "verification_effect"):
        if code in rows:
            rows[code].effect = effect
    context = {"round": round_, "by_region": by_region, "by_leaf": by_leaf,
               "corrected": sum(r.corrected for r in by_region),
               "overstated": sum(r.overstated for r in by_region)}  # fmt: skip
    return render(request, "dashboards/verification_summary.html", context)
