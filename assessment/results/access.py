"""Access to a round's results: rankings, profiles and the public display."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from assessment.collection.access import get_round_for_user, require_round_role, round_roles
from assessment.collection.models import Round, RoundStatus
from assessment.regions.access import (
    get_region_for_user,
    grants_for,
    is_administrator,
    roles_on,
    visibility_filter,
)
from assessment.regions.models import Region, RegionLevel, Role, level_for_code

#: Who may read a round's rankings (and its results before they are published).
RESULT_READERS = frozenset({Role.SUPERVISOR, Role.EVALUATOR})


def require_ranking_access(user, round_: Round) -> None:
    """Rankings are for administrators, supervisors and evaluators (403 for staff)."""
    require_round_role(user, round_, RESULT_READERS)


def may_rank(user, round_: Round) -> bool:
    """Whether the user may open the round's rankings (no query)."""
    return is_administrator(user) or bool(round_roles(user, round_) & RESULT_READERS)


def sees_unpublished_results(user, region: Region) -> bool:
    """Supervisors and evaluators of the region read results before they are published."""
    return is_administrator(user) or bool(roles_on(user, region) & RESULT_READERS)


def ranking_home(user) -> str | None:
    """The city whose counties a ranking opens on, for a user who reads the rankings of one
    city only (its supervisor or evaluator): their natural peers, ranked within the city and
    among all counties. None for everyone else (no query beyond the cached memberships)."""
    if is_administrator(user):
        return None
    codes = {g.region_code for g in grants_for(user) if g.role in RESULT_READERS}
    if len(codes) == 1 and level_for_code(code := codes.pop()) == RegionLevel.CITY:
        return code
    return None


def get_ranking_round_for_user(user, round_id: int, params) -> Round:
    """A round whose rankings the user may read (404 / 403 as above), with the regions named
    in the filter (`parent`, `focus`) checked too: another subtree's region is a 404.
    The ranking page and every export of it go through here."""
    round_ = get_round_for_user(user, round_id)
    require_ranking_access(user, round_)
    for param in ("parent", "focus"):
        if code := params.get(param):
            get_region_for_user(user, code)
    return round_


def ranking_visibility(user) -> Q:
    """Which regions a ranking shows this user (a Q on the ranking read model, Standing): the
    subtrees they supervise or evaluate.

    Regional staff rights do not widen a ranking: staff read their own profile instead.
    """
    return visibility_filter(user, field="region__code", roles=RESULT_READERS)


def require_profile_access(user, round_: Round, region: Region) -> None:
    """A region's results page: supervisors and evaluators of its subtree at any time, its
    own staff once the round is published, provisionally or finally (before that the results
    do not exist for them: 404, as for any region they may not see)."""
    if sees_unpublished_results(user, region):
        return
    published = round_.status == RoundStatus.PUBLISHED or round_.is_provisional
    if Role.STAFF in roles_on(user, region) and published:
        return
    raise Http404


def get_public_round(round_id: int) -> Round:
    """A round whose results are on public display (published and computed); otherwise 404.

    No login: the public display (晾晒) is for everyone, so nothing but published results of
    published rounds may ever be reached this way.
    """
    round_ = (
        Round.objects.select_related("system", "scope", "previous")
        .filter(pk=round_id, status=RoundStatus.PUBLISHED, computed_at__isnull=False)
        .first()
    )
    if round_ is None:
        raise Http404
    return round_


def public_visibility() -> Q:
    """The public display shows every region of a published round."""
    return Q()
