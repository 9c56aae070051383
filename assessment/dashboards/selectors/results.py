"""Which rounds' results a user may open, and which rounds are on public display."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from assessment.collection.access import round_roles
from assessment.collection.models import Round, RoundStatus
from assessment.collection.selectors.rounds import rounds_for_user, staff_regions
from assessment.regions.access import is_administrator
from assessment.regions.models import Region
from assessment.results.access import RESULT_READERS
from assessment.results.models import Standing

#: The index pages list this many rounds at most, newest first.
LATEST = 50


@dataclass(frozen=True)
class ResultRound:
    round: Round
    can_rank: bool  # the rankings (administrators, supervisors, evaluators)
    own_regions: list[Region] = field(default_factory=list)  # staff: their published profile


def _participates(region: Region, round_: Round) -> bool:
    inside = round_.scope is None or round_.scope.contains(region)
    return inside and region.level in round_.levels


def result_rounds(user) -> list[ResultRound]:
    """Computed rounds the user may open results of (two queries: rounds, own regions); for
    administrators each round's `result_regions`."""
    admin = is_administrator(user)
    rounds = rounds_for_user(user).filter(computed_at__isnull=False)
    if admin:  # the unpublish button says how many regions lose their results
        rounds = rounds.annotate(result_regions=result_regions_subquery())
    rounds = list(rounds[:LATEST])
    own = staff_regions(user) if not admin else []
    listed = []
    for round_ in rounds:
        can_rank = admin or bool(round_roles(user, round_) & RESULT_READERS)
        mine = [
            region
            for region in own
            if round_.status == RoundStatus.PUBLISHED and _participates(region, round_)
        ]
        if can_rank or mine:
            listed.append(ResultRound(round=round_, can_rank=can_rank, own_regions=mine))
    return listed


def result_regions_subquery() -> Coalesce:
    """How many regions have results in the outer round (its ranking read model's rows)."""
    rows = (
        Standing.objects.filter(round=OuterRef("pk"))
        .order_by()
        .values("round")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def result_regions(round_: Round) -> int:
    return Standing.objects.filter(round=round_).count()


def public_rounds() -> QuerySet[Round]:
    """Rounds on public display: published, with results (one query when evaluated)."""
    return (
        Round.objects.filter(status=RoundStatus.PUBLISHED, computed_at__isnull=False)
        .select_related("system", "scope")
        .order_by("-period", "-id")[:LATEST]
    )
