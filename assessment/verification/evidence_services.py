"""A verifier's own evidence (核验佐证): storing and removing it, each change audited.

The region's evidence is never touched here: what the verifier checked is kept beside it, in
`VerifierEvidence`, so the region sees both. Screenshots of a sampling sheet's items are kept
by the item's position; `save_screenshots` moves them with their items when the sheet is saved
again, so a screenshot never ends up beside another item than the one it shows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from assessment.collection.models import AuditAction, AuditEntry, AuditSource, Submission
from assessment.core.attachments import remove_attachment, store_attachments
from assessment.core.evidence import CheckedFile
from assessment.verification.models import VerifierEvidence
from indicators.models import Indicator


@dataclass(frozen=True)
class Screenshot:
    """One item of a saved sampling sheet: its position now, the picture uploaded with it (if
    any), and the position it was saved at before (None: a new item)."""

    position: int
    upload: CheckedFile | None
    origin: int | None


def add_verifier_evidence(
    *, submission: Submission, indicator: Indicator, user, files=(), links=(),
    position: int | None = None,
) -> list[VerifierEvidence]:  # fmt: skip
    """Store checked files and links on one indicator (or one sampled item at `position`)."""
    with transaction.atomic():
        make = partial(VerifierEvidence, submission=submission, indicator=indicator,
                       sample_position=position)  # fmt: skip
        added = store_attachments(make, files=files, links=links, user=user)
        now = timezone.now()
        AuditEntry.objects.bulk_create(_entry(item, user, now, added=True) for item in added)
    return added


def remove_verifier_evidence(*, evidence: VerifierEvidence, user) -> None:
    with transaction.atomic():
        _remove([evidence], user, timezone.now())


def save_screenshots(
    *, submission: Submission, indicator: Indicator, user, rows: list[Screenshot]
) -> None:
    """After a sampling sheet is saved (call it in the same transaction): every item keeps the
    screenshot of the position it came from, unless a new one was uploaded for it; the
    screenshots no item kept (cleared rows, replaced pictures) are removed."""
    saved = defaultdict(list)
    for item in VerifierEvidence.objects.filter(
        submission=submission, indicator=indicator, sample_position__isnull=False
    ).select_related("submission"):
        saved[item.sample_position].append(item)
    moved, kept = [], set()
    for row in rows:
        if row.upload is None and row.origin in saved and row.origin not in kept:
            kept.add(row.origin)
            for item in saved[row.origin]:
                item.sample_position = row.position
                moved.append(item)
    now = timezone.now()
    _remove([item for at, items in saved.items() if at not in kept for item in items], user, now)
    VerifierEvidence.objects.bulk_update(moved, ["sample_position"])
    for row in rows:
        if row.upload is not None:
            add_verifier_evidence(submission=submission, indicator=indicator, user=user,
                                  files=[row.upload], position=row.position)  # fmt: skip


def _remove(items: list[VerifierEvidence], user, now) -> None:
    AuditEntry.objects.bulk_create(_entry(item, user, now, added=False) for item in items)
    for item in items:
        remove_attachment(item)


def _entry(item: VerifierEvidence, user, now, *, added: bool) -> AuditEntry:
    """The audit entry of one added or removed attachment; a screenshot names its item."""
    reason = ""
    if item.sample_position is not None:
        reason = gettext("Sampled item %(position)s") % {"position": item.sample_position}
    return AuditEntry(
        submission=item.submission,
        at=now,
        actor=user,
        action=AuditAction.EVIDENCE_ADDED if added else AuditAction.EVIDENCE_REMOVED,
        source=AuditSource.VERIFICATION,
        indicator_id=item.indicator_id,
        old="" if added else item.label,
        new=item.label if added else "",
        reason=reason,
        version=item.submission.version,
    )
