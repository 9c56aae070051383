"""Small rules about submissions that pages and services share: deadlines, locks, completeness.

Pure functions over model instances already loaded (no queries), so selectors, services and
templates agree on them without asking the database twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import RoundStatus, Submission, SubmissionStatus

LOCK_SUBMITTED = _("Submitted and waiting for review: the form is read-only until it is returned.")
LOCK_APPROVED = _("Approved: the values are locked.")
LOCK_ROUND_NOT_OPEN = _("The round is not open for entry.")
LOCK_NOT_YET = _("Entry opens on %(date)s.")
LOCK_DEADLINE = _(
    "The deadline (%(date)s) has passed: entry is locked. Ask an administrator for an extension."
)
NOT_WITHDRAWABLE = _(
    "Only a submission waiting for review can be withdrawn; once it is returned or approved "
    "it is the reviewer's."
)

EDITABLE_STATUSES = (
    SubmissionStatus.NOT_STARTED,
    SubmissionStatus.DRAFT,
    SubmissionStatus.RETURNED,
)


def extension_of(submission: Submission):
    """The submission's extension if it has one (uses the select_related cache when present)."""
    try:
        return submission.extension
    except ObjectDoesNotExist:
        return None


def deadline_for(submission: Submission) -> datetime | None:
    """The extension's deadline when one was granted, else the round's closing date."""
    extension = extension_of(submission)
    if extension is not None:
        return extension.closes_at
    return submission.round.closes_at


def _when(moment: datetime) -> str:
    return date_format(localtime(moment), "Y-m-d H:i")


def window_lock(submission: Submission, now: datetime) -> str | None:
    """Why the round's entry window is shut for this region right now, or None when open."""
    round_ = submission.round
    if round_.status != RoundStatus.OPEN:
        return str(LOCK_ROUND_NOT_OPEN)
    if round_.opens_at is not None and now < round_.opens_at:
        return str(LOCK_NOT_YET % {"date": _when(round_.opens_at)})
    deadline = deadline_for(submission)
    if deadline is not None and now > deadline:
        return str(LOCK_DEADLINE % {"date": _when(deadline)})
    return None


def entry_lock(submission: Submission, now: datetime) -> str | None:
    """Why staff cannot edit this submission now, or None when they can."""
    if submission.status == SubmissionStatus.SUBMITTED:
        return str(LOCK_SUBMITTED)
    if submission.status == SubmissionStatus.APPROVED:
        return str(LOCK_APPROVED)
    return window_lock(submission, now)


def withdraw_lock(submission: Submission, now: datetime) -> str | None:
    """Why staff cannot take their submission back now, or None when they can: it must still
    wait for review, and their entry window must be open (to hand it in again)."""
    if submission.status != SubmissionStatus.SUBMITTED:
        return str(NOT_WITHDRAWABLE)
    return window_lock(submission, now)


def is_overdue(submission: Submission, now: datetime) -> bool:
    """Not yet handed in although the (possibly extended) deadline has passed."""
    if submission.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED):
        return False
    deadline = deadline_for(submission)
    return deadline is not None and now > deadline


@dataclass
class Completeness:
    """What still stops a submission: values not entered and evidence not attached."""

    values_total: int = 0
    evidence_total: int = 0
    missing_values: list[str] = field(default_factory=list)
    missing_evidence: list[str] = field(default_factory=list)

    @property
    def values_done(self) -> int:
        return self.values_total - len(self.missing_values)

    @property
    def evidence_done(self) -> int:
        return self.evidence_total - len(self.missing_evidence)

    @property
    def missing_count(self) -> int:
        return len(self.missing_values) + len(self.missing_evidence)

    @property
    def complete(self) -> bool:
        return not self.missing_values and not self.missing_evidence

    @property
    def percent(self) -> int:
        total = self.values_total + self.evidence_total
        done = self.values_done + self.evidence_done
        return round(100 * done / total) if total else 100


def completeness(
    leaves: Iterable, values: dict[int, object], evidence_counts: dict[int, int]
) -> Completeness:
    """Every leaf needs a value; leaves marked evidence_required also need a file or link.
    A platform-fed leaf is not the region's to fill: a missing one does not hold it back."""
    result = Completeness()
    for leaf in leaves:
        if not leaf.is_fed:
            result.values_total += 1
            if values.get(leaf.pk) is None:
                result.missing_values.append(leaf.code)
        if leaf.evidence_required:
            result.evidence_total += 1
            if not evidence_counts.get(leaf.pk):
                result.missing_evidence.append(leaf.code)
    return result
