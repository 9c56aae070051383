"""Saving a draft: values, notes and evidence, without ever overwriting someone else's change.

Optimistic concurrency with a compare-and-set on `Submission.version`:

    UPDATE submission SET version = n + 1 WHERE id = … AND version = n

Only the save that moves the version from n to n + 1 writes. A save that started from an older
version learns from the audit trail (whose entries carry the version they produced) which fields
others changed since; a field the user also changed, to something else, is a conflict that is
reported with both values, while every other field is merged and saved. The read takes the
submission's row lock (SELECT … FOR UPDATE; SQLite's IMMEDIATE transactions serialise writers
the same way), so saves of one submission queue instead of racing each other into retries; the
compare-and-set still guards against writers that do not lock. A version the submission has
never had (higher than its current one) is refused: it would hide every other change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import (
    AuditAction,
    AuditEntry,
    AuditSource,
    Evidence,
    Submission,
    SubmissionStatus,
    Value,
)
from assessment.collection.rules import entry_lock
from assessment.collection.services.values import canonical
from assessment.core.attachments import remove_attachment, store_attachments
from assessment.core.evidence import CheckedFile

SAVE_RETRIES = 5
BUSY = _("The submission is being changed by someone else right now. Please save again.")
UNKNOWN_VERSION = _(
    "This form does not match the stored submission (version %(posted)s, stored %(current)s). "
    "Your input is shown below: check it and save again."
)

VALUE = "value"
NOTE = "note"
_ACTIONS = {VALUE: AuditAction.VALUE, NOTE: AuditAction.NOTE}


class EntryLocked(ValidationError):
    """The submission cannot be edited now (submitted, approved, deadline passed …)."""


@dataclass
class EntryInput:
    """What one save asks for. Only fields that were posted and valid are present."""

    values: dict[int, Decimal | None] = field(default_factory=dict)  # indicator id → value
    notes: dict[int, str] = field(default_factory=dict)
    files: dict[int, list[CheckedFile]] = field(default_factory=dict)
    links: dict[int, list[str]] = field(default_factory=dict)
    remove_evidence: set[int] = field(default_factory=set)

    def texts(self) -> dict[tuple[int, str], str]:
        """Posted fields as canonical text, keyed by (indicator id, "value" | "note")."""
        posted = {(pk, VALUE): canonical(v) for pk, v in self.values.items()}
        posted.update({(pk, NOTE): note for pk, note in self.notes.items()})
        return posted


@dataclass(frozen=True)
class Conflict:
    """Someone else changed this field since the user's version, to something else."""

    indicator_id: int
    field: str
    theirs: str
    mine: str
    by: str
    at: datetime


@dataclass
class SaveResult:
    version: int
    saved: int = 0  # fields, evidence items added or removed
    conflicts: list[Conflict] = field(default_factory=list)


def submission_save(
    *,
    submission: Submission,
    user,
    base_version: int,
    data: EntryInput,
    source: str = AuditSource.FORM,
) -> SaveResult:
    """Save what changed since `base_version`; conflicting fields are reported, not written.

    Raises EntryLocked when the submission cannot be edited now.
    """
    posted = data.texts()
    for _attempt in range(SAVE_RETRIES):
        with transaction.atomic():
            current = (
                Submission.objects.select_for_update(of=("self",))
                .select_related("round", "extension")
                .get(pk=submission.pk)
            )
            reason = entry_lock(current, timezone.now())
            if reason:
                raise EntryLocked(reason, code="locked")
            if base_version > current.version:
                raise ValidationError(
                    UNKNOWN_VERSION,
                    code="unknown_version",
                    params={"posted": base_version, "current": current.version},
                )
            stored = _stored_texts(current)
            moved = current.version != base_version
            others = _changed_since(current, base_version) if moved else {}
            changes, conflicts = _plan(posted, stored, others)
            removals = list(
                Evidence.objects.filter(submission=current, pk__in=data.remove_evidence)
            )
            if not changes and not removals and not data.files and not data.links:
                # The page shows the current version, so the next save resolves the conflicts.
                submission.version, submission.status = current.version, current.status
                return SaveResult(version=current.version, conflicts=conflicts)
            new_version = current.version + 1
            claimed = Submission.objects.filter(pk=current.pk, version=current.version).update(
                version=new_version,
                status=_status_after_edit(current.status),
                updated_at=timezone.now(),
            )
            if claimed != 1:
                continue  # someone saved between our read and our update: read again
            saved = _write(current, user, changes, stored, removals, data, new_version, source)
            submission.version, submission.status = new_version, _status_after_edit(current.status)
            return SaveResult(version=new_version, saved=saved, conflicts=conflicts)
    raise ValidationError(BUSY, code="busy")


def _status_after_edit(status: str) -> str:
    return SubmissionStatus.DRAFT if status == SubmissionStatus.NOT_STARTED else status


def _stored_texts(submission: Submission) -> dict[tuple[int, str], str]:
    stored: dict[tuple[int, str], str] = {}
    for indicator_id, value, note in Value.objects.filter(submission=submission).values_list(
        "indicator_id", "value", "note"
    ):
        stored[(indicator_id, VALUE)] = canonical(value)
        stored[(indicator_id, NOTE)] = note
    return stored


@dataclass(frozen=True)
class _OtherChange:
    seen: str  # the value the user saw (before the first change after their version)
    by: str
    at: datetime


def _changed_since(submission: Submission, version: int) -> dict[tuple[int, str], _OtherChange]:
    """Fields changed after `version`, with the value they had at `version` (one query)."""
    entries = (
        AuditEntry.objects.filter(
            submission=submission,
            version__gt=version,
            action__in=[AuditAction.VALUE, AuditAction.NOTE],
        )
        .order_by("version", "id")
        .values_list("indicator_id", "action", "old", "actor__username", "at")
    )
    changed: dict[tuple[int, str], _OtherChange] = {}
    for indicator_id, action, old, username, at in entries:
        key = (indicator_id, VALUE if action == AuditAction.VALUE else NOTE)
        first = changed.get(key)
        changed[key] = _OtherChange(seen=first.seen if first else old, by=username or "—", at=at)
    return changed


def _plan(posted, stored, others) -> tuple[dict[tuple[int, str], str], list[Conflict]]:
    changes: dict[tuple[int, str], str] = {}
    conflicts: list[Conflict] = []
    for key, mine in posted.items():
        theirs = stored.get(key, "")
        other = others.get(key)
        seen = other.seen if other else theirs
        if mine in (seen, theirs):
            continue  # untouched by this user (their change stands), or already equal
        if other is not None:
            conflicts.append(Conflict(key[0], key[1], theirs, mine, other.by, other.at))
            continue
        changes[key] = mine
    return changes, conflicts


def _write(submission, user, changes, stored, removals, data, version, source) -> int:
    now = timezone.now()
    audit: list[AuditEntry] = []
    rows: dict[int, Value] = {}
    for (indicator_id, kind), text in changes.items():
        row = rows.setdefault(indicator_id, _value_row(submission, indicator_id, stored, user))
        if kind == VALUE:
            row.value = Decimal(text) if text else None
        else:
            row.note = text
        audit.append(
            AuditEntry(
                submission=submission,
                at=now,
                actor=user,
                action=_ACTIONS[kind],
                source=source,
                indicator_id=indicator_id,
                old=stored.get((indicator_id, kind), ""),
                new=text,
                version=version,
            )
        )
    if rows:
        Value.objects.bulk_create(
            rows.values(),
            update_conflicts=True,
            unique_fields=["submission", "indicator"],
            update_fields=["value", "note", "updated_by", "updated_at"],
        )
    for evidence in removals:
        audit.append(_evidence_entry(submission, user, now, evidence, version, source, added=False))
        remove_attachment(evidence)
    added = _add_evidence(submission, user, data)
    audit.extend(
        _evidence_entry(submission, user, now, evidence, version, source, added=True)
        for evidence in added
    )
    AuditEntry.objects.bulk_create(audit)
    return len(changes) + len(removals) + len(added)


def _value_row(submission, indicator_id, stored, user) -> Value:
    """A Value carrying the stored value and note, so an upsert of one keeps the other."""
    text = stored.get((indicator_id, VALUE), "")
    return Value(
        submission=submission,
        indicator_id=indicator_id,
        value=Decimal(text) if text else None,
        note=stored.get((indicator_id, NOTE), ""),
        updated_by=user,
    )


def _add_evidence(submission, user, data: EntryInput) -> list[Evidence]:
    def make(indicator_id: int) -> partial[Evidence]:
        return partial(Evidence, submission=submission, indicator_id=indicator_id)

    added: list[Evidence] = []
    for indicator_id, files in data.files.items():
        added += store_attachments(make(indicator_id), files=files, user=user)
    for indicator_id, links in data.links.items():
        added += store_attachments(make(indicator_id), links=links, user=user)
    return added


def _evidence_entry(submission, user, now, evidence, version, source, *, added) -> AuditEntry:
    return AuditEntry(
        submission=submission,
        at=now,
        actor=user,
        action=AuditAction.EVIDENCE_ADDED if added else AuditAction.EVIDENCE_REMOVED,
        source=source,
        indicator_id=evidence.indicator_id,
        old="" if added else evidence.label,
        new=evidence.label if added else "",
        version=version,
    )
