"""Saving verifications: per cell compare-and-set, an audit entry for each decision."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from assessment.collection.models import AuditAction, AuditEntry, AuditSource, Submission, Value
from assessment.collection.services.values import canonical
from assessment.verification import notices
from assessment.verification.models import Reason, SampleItem, Verification
from indicators.models import Indicator

CONFIRM, CORRECT = "confirm", "correct"
SAMPLED = gettext_lazy("Sampled %(total)s items, %(counted)s count.")


@dataclass(frozen=True)
class Decision:
    """What the verifier decided for one indicator. `version` is the verification's version
    the page showed (0: none yet)."""

    indicator: Indicator
    action: str  # CONFIRM or CORRECT
    value: Decimal | None  # the verified value (CORRECT)
    reason: str
    note: str
    version: int


@dataclass(frozen=True)
class Outcome:
    saved: int
    conflicts: tuple[str, ...]  # indicator codes someone else verified meanwhile


def save_decisions(*, submission: Submission, user, decisions: list[Decision]) -> Outcome:
    """Store every decision whose cell nobody else verified since the page was shown; the
    others are reported as conflicts and left as they are."""
    now = timezone.now()
    saved, conflicts = 0, []
    with transaction.atomic():
        Submission.objects.select_for_update().filter(pk=submission.pk).exists()
        existing = {v.indicator_id: v for v in Verification.objects.filter(submission=submission)}
        own = dict(Value.objects.filter(submission=submission).values_list("indicator_id", "value"))
        entries = []
        for decision in decisions:
            current = existing.get(decision.indicator.pk)
            if (current.version if current else 0) != decision.version:
                conflicts.append(decision.indicator.code)
                continue
            self_value = own.get(decision.indicator.pk)
            verified = self_value if decision.action == CONFIRM else decision.value
            reason = "" if verified == self_value else decision.reason or Reason.OTHER
            row = current or Verification(submission=submission, indicator=decision.indicator)
            unchanged = current is not None and (
                current.self_value,
                current.verified_value,
                current.reason,
                current.note,
            ) == (self_value, verified, reason, decision.note)
            if unchanged:
                continue
            row.self_value, row.verified_value = self_value, verified
            row.corrected = verified != self_value
            row.reason, row.note = reason, decision.note
            row.verified_by, row.verified_at = user, now
            row.version = (current.version + 1) if current else 1
            row.save()
            saved += 1
            entries.append(
                AuditEntry(
                    submission=submission,
                    at=now,
                    actor=user,
                    action=AuditAction.VERIFIED,
                    source=AuditSource.VERIFICATION,
                    indicator=decision.indicator,
                    old=canonical(self_value),
                    new=canonical(verified),
                    reason=audit_reason(reason, decision.note),
                    version=submission.version,
                )
            )
        AuditEntry.objects.bulk_create(entries)
        notices.on_corrected(submission, [e.indicator.code for e in entries if e.old != e.new])
    return Outcome(saved, tuple(conflicts))


def audit_reason(reason: str, note: str) -> str:
    """The audit trail's reason: the category (in the verifier's language) and the note."""
    label = str(Reason(reason).label) if reason else ""
    return ": ".join(part for part in (label, note) if part)


def save_sample(
    *,
    submission: Submission,
    user,
    indicator: Indicator,
    items: list[tuple[str, bool, str]],
    note: str,
    version: int,
) -> Outcome:
    """A sampling sheet: its items replace the sheet's, and the rate they give (items that
    count ÷ items checked × 100) is the verified value, with the count in the note."""  # fmt: skip
    counted = sum(1 for _label, counts, _note in items if counts)
    rate = (Decimal(counted * 100) / Decimal(len(items))).quantize(Decimal("0.01"))
    summary = str(SAMPLED % {"total": len(items), "counted": counted})
    decision = Decision(
        indicator=indicator, action=CORRECT, value=rate, reason=Reason.SAMPLE_RECOUNT,
        note=f"{summary} {note}".strip(), version=version,
    )  # fmt: skip
    with transaction.atomic():
        outcome = save_decisions(submission=submission, user=user, decisions=[decision])
        if not outcome.conflicts:
            verification = Verification.objects.get(submission=submission, indicator=indicator)
            verification.samples.all().delete()
            SampleItem.objects.bulk_create(
                SampleItem(verification=verification, position=position, label=label,
                           counts=counts, note=item_note)
                for position, (label, counts, item_note) in enumerate(items, 1)
            )  # fmt: skip
    return outcome
