"""A region's results page: scores against its peers, level and gates, strengths and
weaknesses, history, its open rectification tasks and shared practices."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from assessment.appeals.selectors import region_appeals
from assessment.appeals.services import window_is_open
from assessment.collection.access import get_round_for_user
from assessment.collection.models import Round, RoundStatus
from assessment.dashboards.charts import profile as profile_charts
from assessment.dashboards.selectors.profile import RegionProfile, region_profile
from assessment.panels.selectors import region_panel
from assessment.regions.access import get_region_for_user, may_supervise_region, roles_on
from assessment.regions.models import Region, Role
from assessment.results.access import may_rank, require_profile_access, sees_unpublished_results
from assessment.results.selectors.methodology import methodology
from assessment.verification.selectors import corrections, verification_sources


def visible_profile(user, round_id: int, code: str) -> tuple[Round, Region, RegionProfile]:
    """The round, region and profile the user asked for, as the user may see them: 404 for a
    round or region out of reach or a region without results, 403 for a role that may not."""
    round_ = get_round_for_user(user, round_id)
    region = get_region_for_user(user, code)
    require_profile_access(user, round_, region)
    result = region_profile(
        round_=round_, region=region, published_only=not sees_unpublished_results(user, region)
    )
    if result is None:  # the region takes no part in the round, or it has no results yet
        raise Http404
    return round_, region, result


@login_required
def profile(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    user = request.user
    round_, region, result = visible_profile(user, round_id, code)
    leader = result.leader
    charts = {
        "radar": profile_charts.area_radar(
            result.areas,
            region_name=region.name,
            leader_name=leader.name if leader else None,
            leader_scores=result.leader_areas,
            title=_("Areas against the peers"),
        ),
        "dimensions": profile_charts.dimension_comparison(
            result.dimensions, title=_("Dimensions against the peer median and best")
        ),
        "history": profile_charts.history(result.history, title=_("Score and rank by round")),
    }
    context = {
        "round": round_,
        "profile": result,
        "charts": charts,
        "can_rank": may_rank(user, round_),
        "may_supervise": may_supervise_region(user, region),
        "may_share": Role.STAFF in roles_on(user, region)
        and round_.status == RoundStatus.PUBLISHED,
        "methodology": methodology(round_=round_, nodes=result.nodes),
        "corrections": corrections(round_=round_, region_code=region.code),
        "panel_levels": region_panel(round_, region.code),
        # Appeals exist only once results were published as provisional (no query before).
        "appeals": region_appeals(round_, region) if round_.provisional_at else [],
        "may_appeal": Role.STAFF in roles_on(user, region) and window_is_open(round_),
    }
    context["sources"] = value_sources(round_, region.code, context["panel_levels"])
    return render(request, "dashboards/profile.html", context)


def value_sources(round_, region_code: str, panel_levels) -> dict[str, str]:
    """Where each leaf's scored value came from, for the profile's marks: the expert panel's
    level, a verifier's corrected or confirmed value; none: the region's own (自评)."""
    sources = verification_sources(round_=round_, region_code=region_code)
    for row in panel_levels:
        if row.final_level is not None:
            sources[row.indicator.code] = "panel"
    return sources
