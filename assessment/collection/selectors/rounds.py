"""Which rounds a user may see, and how far each has got."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from assessment.collection.models import Round, RoundStatus, Submission, SubmissionStatus
from assessment.regions.access import grants_for, is_administrator, visibility_filter
from assessment.regions.models import Region, Role


def rounds_for_user(user) -> QuerySet[Round]:
    """Rounds that involve a region the user may see (one query when evaluated).

    A round is relevant when its scope contains one of the user's regions (staff, or a
    supervisor of a city inside a provincial round) or lies inside a subtree the user covers.
    """
    rounds = Round.objects.select_related("system", "scope").order_by("-period", "-id")
    if is_administrator(user):
        return rounds
    grants = grants_for(user)
    # Nationwide rounds (no scope) involve everyone who holds a role somewhere.
    condition = Q(scope__isnull=True) if grants else Q(pk__in=[])
    for grant in grants:
        code = grant.region_code
        # The round's scope is an ancestor-or-self of the user's region ...
        ancestors = {code, code[:4] + "00", code[:2] + "0000"}
        condition |= Q(scope__code__in=ancestors)
        # ... or lies inside the subtree the user covers.
        if grant.role != Role.STAFF:
            condition |= Q(scope__code__startswith=grant.prefix)
    return rounds.filter(condition)


@dataclass
class RoundProgress:
    round: Round
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def approved(self) -> int:
        return self.counts.get(SubmissionStatus.APPROVED, 0)

    @property
    def percent_approved(self) -> int:
        return round(100 * self.approved / self.total) if self.total else 0

    @property
    def unapproved(self) -> int:
        """Regions whose results would be 无得分 if the round were computed now."""
        return self.total - self.approved

    @property
    def early_to_compute(self) -> bool:
        """Computing now would score few regions: entry is not closed yet, or most regions
        are not approved."""
        early = self.round.status in (RoundStatus.DRAFT, RoundStatus.OPEN)
        return early or 2 * self.approved < self.total


def round_progress(
    *, user, rounds: list[Round], roles: set[str] | None = None
) -> list[RoundProgress]:
    """Submission counts by status for each round, limited to regions the user covers.

    Two queries whatever the number of rounds or regions: the grants (cached per request) and
    one grouped count.
    """
    visible = visibility_filter(user, field="region__code", roles=roles)
    rows = (
        Submission.objects.filter(visible, round__in=rounds)
        .values("round_id", "status")
        .annotate(n=Count("id"))
    )
    by_round: dict[int, dict[str, int]] = {}
    for row in rows:
        by_round.setdefault(row["round_id"], {})[row["status"]] = row["n"]
    return [RoundProgress(round=r, counts=by_round.get(r.pk, {})) for r in rounds]


def staff_submissions(*, user, rounds: list[Round]) -> dict[int, list[Submission]]:
    """The user's own regions' submissions per round (one query)."""
    own = [g.region_code for g in grants_for(user) if g.role == Role.STAFF]
    rows = Submission.objects.filter(round__in=rounds, region__code__in=own).select_related(
        "region"
    )
    result: dict[int, list[Submission]] = {}
    for submission in rows:
        result.setdefault(submission.round_id, []).append(submission)
    return result


def staff_regions(user) -> list[Region]:
    own = [g.region_code for g in grants_for(user) if g.role == Role.STAFF]
    return list(Region.objects.filter(code__in=own))
