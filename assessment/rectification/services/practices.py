"""Sharing practices (共享): strong regions write up how they did it; supervisors approve.

A region may share a practice on an indicator of a round when it is among the best of its
peers there (rank within the top 10% of the regions of its level with a score, at least the
best one) or when a supervisor over it invited it to. A practice waits for a supervisor's
approval before other regions see it (`assessment.rectification.access.practice_visibility`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import Round, RoundStatus
from assessment.core.attachments import store_attachments
from assessment.core.evidence import CheckedFile
from assessment.rectification import notices
from assessment.rectification.models import (
    Practice,
    PracticeEvidence,
    PracticeInvitation,
    PracticeStatus,
)
from assessment.regions.models import Region
from assessment.results.models import PeerStat, Result, ResultKind
from assessment.results.selectors.nodes import one_published, precision_of
from indicators.language import localized
from indicators.models import Indicator

#: Share of the peers (same level, with a score) whose regions may share a practice.
TOP_SHARE = 0.10

NOT_ELIGIBLE = _(
    "%(region)s may share a practice on %(code)s only when it is among the best 10%% of its "
    "peers there or a supervisor has invited it."
)
NOT_A_LEAF = _("Choose an indicator of the round's indicator system.")
NOT_PENDING = _("Only a practice waiting for approval can be approved or returned.")
RETURN_NEEDS_REASON = _("Say what should change.")
ROUND_NOT_PUBLISHED = _("Practices are shared from published rounds only.")


def top_cutoff(peers: int) -> int:
    """The worst rank that still counts as the top 10% of `peers` (at least 1)."""
    return max(1, math.ceil(peers * TOP_SHARE))


@dataclass(frozen=True)
class Eligibility:
    indicator_id: int
    code: str
    name: str
    rank: int | None
    peers: int
    score: float | None
    invited: bool

    @property
    def top(self) -> bool:
        return bool(self.peers) and self.rank is not None and self.rank <= top_cutoff(self.peers)


def eligible_leaves(*, round_: Round, region: Region) -> list[Eligibility]:
    """The indicators this region may share a practice on, in tree order (four queries:
    leaves, the region's leaf results, the peers' counts, the invitations)."""
    leaves = list(
        Indicator.objects.filter(system_id=round_.system_id)
        .exclude(value_type="")
        .order_by("order", "code")
        .values_list("pk", "code", "name_zh", "name_en")
    )
    results = {
        pk: (score, rank)
        for pk, score, rank in Result.objects.filter(
            round=round_, region_id=region.code, kind=ResultKind.LEAF
        ).values_list("indicator_id", "score", "rank")
    }
    counts = dict(
        PeerStat.objects.filter(round=round_, level=region.level, kind=ResultKind.LEAF).values_list(
            "indicator_id", "count"
        )
    )
    invited = set(
        PracticeInvitation.objects.filter(round=round_, region=region).values_list(
            "indicator_id", flat=True
        )
    )
    precision = precision_of(round_)
    out = []
    for pk, code, name_zh, name_en in leaves:
        score, rank = results.get(pk, (None, None))
        entry = Eligibility(
            indicator_id=pk,
            code=code,
            name=localized(name_zh, name_en),
            rank=rank,
            peers=counts.get(pk, 0),
            score=one_published(score, precision),
            invited=pk in invited,
        )
        if entry.top or entry.invited:
            out.append(entry)
    return out


@dataclass
class PracticeInput:
    title: str
    description: str
    results: str
    contacts: str
    files: list[CheckedFile]
    links: list[str]


@transaction.atomic
def practice_create(
    *, round_: Round, region: Region, indicator: Indicator, user, data: PracticeInput
) -> Practice:
    """A practice waiting for approval; refused unless the region is eligible on the leaf."""
    if round_.status != RoundStatus.PUBLISHED:
        raise ValidationError(ROUND_NOT_PUBLISHED, code="not_published")
    eligible = {e.indicator_id: e for e in eligible_leaves(round_=round_, region=region)}
    entry = eligible.get(indicator.pk)
    if entry is None:
        raise ValidationError(
            NOT_ELIGIBLE, code="not_eligible", params={"region": region, "code": indicator.code}
        )
    practice = Practice.objects.create(
        round=round_,
        region=region,
        indicator=indicator,
        title=data.title.strip(),
        description=data.description.strip(),
        results=data.results.strip(),
        contacts=data.contacts.strip(),
        invited=entry.invited and not entry.top,
        score=entry.score,
        rank=entry.rank,
        peers=entry.peers,
        created_by=user,
    )
    _add_evidence(practice, user, data)
    return practice


@transaction.atomic
def practice_update(*, practice: Practice, user, data: PracticeInput) -> Practice:
    """The region rewrites its practice; it waits for approval again."""
    Practice.objects.filter(pk=practice.pk).update(
        title=data.title.strip(),
        description=data.description.strip(),
        results=data.results.strip(),
        contacts=data.contacts.strip(),
        status=PracticeStatus.PENDING,
        updated_at=timezone.now(),
    )
    _add_evidence(practice, user, data)
    practice.refresh_from_db()
    return practice


def _add_evidence(practice: Practice, user, data: PracticeInput) -> None:
    store_attachments(
        partial(PracticeEvidence, practice=practice), files=data.files, links=data.links, user=user
    )


def _review(practice: Practice, user, *, to: str, note: str) -> Practice:
    now = timezone.now()
    moved = Practice.objects.filter(pk=practice.pk, status=PracticeStatus.PENDING).update(
        status=to, review_note=note, reviewed_by=user, reviewed_at=now, updated_at=now
    )
    if moved != 1:
        raise ValidationError(NOT_PENDING, code="not_pending")
    practice.refresh_from_db()
    return practice


@transaction.atomic
def practice_approve(*, practice: Practice, user, note: str = "") -> Practice:
    """Other regions may read it from now on."""
    notices.on_practice_approved(practice)  # once committed: not if the review is refused
    return _review(practice, user, to=PracticeStatus.APPROVED, note=note.strip())


@transaction.atomic
def practice_return(*, practice: Practice, user, reason: str) -> Practice:
    """Back to the region with what should change."""
    if not reason.strip():
        raise ValidationError(RETURN_NEEDS_REASON, code="reason")
    return _review(practice, user, to=PracticeStatus.RETURNED, note=reason.strip())


@transaction.atomic
def practice_invite(
    *, round_: Round, region: Region, indicator: Indicator, user, note: str = ""
) -> PracticeInvitation:
    """A supervisor invites the region to share its practice on this indicator (idempotent)."""
    if indicator.system_id != round_.system_id or not indicator.value_type:
        raise ValidationError(NOT_A_LEAF, code="not_a_leaf")
    invitation, _created = PracticeInvitation.objects.get_or_create(
        round=round_,
        region=region,
        indicator=indicator,
        defaults={"invited_by": user, "note": note.strip()},
    )
    return invitation
