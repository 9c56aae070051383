"""Reads for reviewers: the queue of submitted work and a round's completeness dashboard.

Both run a fixed number of queries whatever the number of regions: the grants (cached per
request), one query for the submissions with their regions and extensions, and (dashboard only)
one for the names of the cities or provinces the regions are grouped by.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from assessment.collection.models import Round, RoundStatus, Submission, SubmissionStatus
from assessment.collection.rules import deadline_for, is_overdue
from assessment.regions.access import visibility_filter
from assessment.regions.models import Region, Role

STATUS_ORDER = [
    SubmissionStatus.NOT_STARTED,
    SubmissionStatus.DRAFT,
    SubmissionStatus.RETURNED,
    SubmissionStatus.SUBMITTED,
    SubmissionStatus.APPROVED,
]
DONE = {SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED}


def review_queue(*, user) -> list[Submission]:
    """Submitted submissions in the user's supervised subtree, oldest first (one query)."""
    visible = visibility_filter(user, field="region__code", roles=[Role.SUPERVISOR])
    return list(
        Submission.objects.filter(visible, status=SubmissionStatus.SUBMITTED)
        .filter(round__status__in=[RoundStatus.OPEN, RoundStatus.CLOSED])
        .select_related("round", "region", "submitted_by")
        .order_by("submitted_at", "region_id")
    )


@dataclass
class ProgressRow:
    submission: Submission
    deadline: datetime | None
    overdue: bool


@dataclass
class GroupProgress:
    """Submissions of one city (or province) and its counties."""

    code: str
    name: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return sum(self.counts.get(status, 0) for status in DONE)

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def percent_approved(self) -> int:
        approved = self.counts.get(SubmissionStatus.APPROVED, 0)
        return round(100 * approved / self.total) if self.total else 0


@dataclass
class ProgressPage:
    round: Round
    by_status: dict[str, list[ProgressRow]]
    groups: list[GroupProgress]
    group_level: str  # "province", "city" or (all in one city) "region"

    @property
    def total(self) -> int:
        return sum(len(rows) for rows in self.by_status.values())

    @property
    def counts(self) -> dict[str, int]:
        return {status: len(rows) for status, rows in self.by_status.items()}

    @property
    def overdue(self) -> list[ProgressRow]:
        return [row for rows in self.by_status.values() for row in rows if row.overdue]

    @property
    def done(self) -> int:
        """Regions that have handed in (submitted or approved)."""
        return sum(len(self.by_status[status]) for status in DONE)

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def round_completeness(*, round: Round, user) -> ProgressPage:
    """Counts and lists by status, overdue regions, and progress per province, city or (for
    one city) region (two queries)."""
    visible = visibility_filter(user, field="region__code", roles=[Role.SUPERVISOR])
    submissions = list(
        Submission.objects.filter(visible, round=round)
        .select_related("region", "extension")
        .order_by("region_id")
    )
    now = timezone.now()
    by_status: dict[str, list[ProgressRow]] = {status: [] for status in STATUS_ORDER}
    for submission in submissions:
        submission.round = round  # deadline rules read it; no query per row
        by_status[submission.status].append(
            ProgressRow(submission, deadline_for(submission), is_overdue(submission, now))
        )
    provinces = {s.region_id[:2] for s in submissions}
    cities = {s.region_id[:4] for s in submissions}
    # a city supervisor sees one city: its regions one by one, not a single "city" group
    level = "province" if len(provinces) > 1 else "city" if len(cities) > 1 else "region"
    keys = {s.pk: _group_key(s.region_id, level) for s in submissions}
    wanted = set(keys.values()) | {code[:2] + "0000" for code in provinces}
    names = dict(Region.objects.filter(code__in=wanted).values_list("code", "name"))
    groups: dict[str, GroupProgress] = {}
    for submission in submissions:
        key = keys[submission.pk]
        if key not in names:  # a county directly under its province (e.g. 419001)
            key = submission.region_id[:2] + "0000"
        group = groups.setdefault(key, GroupProgress(code=key, name=names.get(key, key)))
        group.counts[submission.status] = group.counts.get(submission.status, 0) + 1
    return ProgressPage(
        round=round,
        by_status=by_status,
        groups=sorted(groups.values(), key=lambda g: g.code),
        group_level=level,
    )


def _group_key(code: str, level: str) -> str:
    if level == "region":
        return code
    return code[:2] + "0000" if level == "province" else code[:4] + "00"
