"""Issuing rectification notices (整改通知): one per region per round that has tasks.

Publication issues a notice to every region that got tasks, numbered in region code order
after the round's existing notices; a supervisor's task for a region without a notice issues
one. Numbers are taken under the round's row lock, so two issuers cannot take the same one.
Whatever changes an item's status refreshes its notice's overall status.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from assessment.collection.models import Round
from assessment.rectification.models import (
    RectificationNotice,
    RectificationTask,
    notice_status,
)
from assessment.regions.models import Region


def _lock(round_: Round) -> int:
    """Lock the round's row and return the last notice number taken in it."""
    Round.objects.select_for_update().filter(pk=round_.pk).values_list("pk", flat=True).first()
    last = RectificationNotice.objects.filter(round=round_).aggregate(last=Max("number"))
    return last["last"] or 0


@transaction.atomic
def issue_notices(*, round_: Round, regions: Iterable[str] | None = None, user=None) -> set[str]:
    """Issue a notice to each region of the round that has tasks and no notice yet (three
    queries and one insert, whatever the number of regions). `regions`: the regions that got
    tasks, when the caller knows them (generation does: no scan of the round's tasks).
    Returns the regions issued a notice."""
    number = _lock(round_)
    if regions is None:
        tasks = RectificationTask.objects.filter(round=round_)
        regions = tasks.values_list("region_id", flat=True).distinct().order_by()
    noticed = set(
        RectificationNotice.objects.filter(round=round_).values_list("region_id", flat=True)
    )
    now = timezone.now()
    notices = []
    for code in sorted(set(regions) - noticed):
        number += 1
        notices.append(
            RectificationNotice(
                round=round_, region_id=code, number=number, issued_at=now, issued_by=user
            )
        )
    RectificationNotice.objects.bulk_create(notices, batch_size=1000)
    return {notice.region_id for notice in notices}


@transaction.atomic
def notice_for(*, round_: Round, region: Region, user) -> RectificationNotice:
    """The region's notice in the round, issued now (by `user`) if it has none."""
    number = _lock(round_) + 1  # looked up under the lock: another issuer may have just issued
    notice = RectificationNotice.objects.filter(round=round_, region=region).first()
    if notice is not None:
        return notice
    return RectificationNotice.objects.create(
        round=round_, region=region, number=number, issued_by=user
    )


def refresh_notice_status(*, round_id: int, region_ids) -> int:
    """Recompute the overall status of these regions' notices in the round from their items
    (two queries and an update per changed notice). Returns how many changed."""
    region_ids = list(region_ids)
    counts: dict[str, dict[str, int]] = {}
    rows = (
        RectificationTask.objects.filter(round_id=round_id, region_id__in=region_ids)
        .values_list("region_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for region_id, status, n in rows:
        counts.setdefault(region_id, {})[status] = n
    notices = RectificationNotice.objects.filter(round_id=round_id, region_id__in=region_ids)
    changed = []
    for notice in notices.only("pk", "region_id", "status"):
        status = notice_status(counts.get(notice.region_id, {}))
        if status != notice.status:
            notice.status = status
            changed.append(notice)
    RectificationNotice.objects.bulk_update(changed, ["status"])
    return len(changed)
