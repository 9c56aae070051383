"""Who does what in a panel: administrators set it up; experts see only the cells assigned to
them; evaluators over a region adjudicate its cells (never a region they hold a role on)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from assessment.collection.models import RoundStatus
from assessment.panels.models import ExpertScore, PanelCell
from assessment.regions.access import has_any_role, is_administrator, own_region_codes, roles_on
from assessment.regions.models import Role


def require_administrator(user) -> None:
    if not is_administrator(user):
        raise PermissionDenied


def is_expert(user) -> bool:
    """Whether the user holds a seat on any panel (cached on the user for the request)."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_panel_expert_cache", None)
    if cached is None:
        cached = user.panel_seats.exists()
        user._panel_expert_cache = cached
    return cached


def get_own_score(user, score_id: int) -> ExpertScore:
    """The expert's own assignment; anyone else's is 404 (it does not exist for them)."""
    score = (
        ExpertScore.objects.select_related(
            "cell__panel__round__system", "cell__region", "cell__indicator"
        )
        .filter(pk=score_id, expert=user)
        .first()
    )
    if score is None:
        raise Http404
    return score


def may_adjudicate(user, cell: PanelCell) -> bool:
    if cell.region_id in own_region_codes(user):
        return False
    if is_administrator(user):
        return True
    if cell.panel.round.status == RoundStatus.PUBLISHED:
        return False
    return Role.EVALUATOR in roles_on(user, cell.region)


def require_adjudicator(user, cell: PanelCell) -> None:
    if not may_adjudicate(user, cell):
        raise PermissionDenied


def require_adjudication_user(user) -> None:
    """The adjudication queue is for evaluators and administrators."""
    if not (is_administrator(user) or has_any_role(user, [Role.EVALUATOR])):
        raise PermissionDenied
