"""Status transitions of a submission: submit, withdraw, return, approve, reopen.

Each transition is a compare-and-set on (status, version), so two reviewers clicking at once
cannot both succeed, and every transition leaves an audit entry with who, when and why.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.collection import notices
from assessment.collection.models import (
    AuditAction,
    AuditEntry,
    AuditSource,
    Evidence,
    ReviewComment,
    Submission,
    SubmissionStatus,
    Value,
)
from assessment.collection.rules import NOT_WITHDRAWABLE, completeness, entry_lock, withdraw_lock
from assessment.collection.selectors.entry import system_leaves

INCOMPLETE = _(
    "Cannot submit yet: %(values)s value(s) and %(evidence)s evidence item(s) are missing."
)
NOT_SUBMITTED = _("Only a submitted submission can be returned or approved.")
NOT_APPROVED = _("Only an approved submission can be reopened.")
RETURN_NEEDS_REASON = _("Say why: give a reason or comment on at least one indicator.")
REOPEN_NEEDS_REASON = _("Give the reason for reopening.")
WITHDRAW_REFUSED = _("Not withdrawn: %(reason)s")
VERIFICATION_STARTED = _(
    "Not withdrawn: verification of this submission has started. Ask a reviewer to return it."
)
MOVED_ON = _("Someone else changed this submission a moment ago. Reload the page and try again.")


def _transition(
    *,
    submission: Submission,
    user,
    expected: tuple[str, ...],
    to: str,
    reason: str = "",
    source: str = AuditSource.REVIEW,
    error=MOVED_ON,
    **fields,
) -> Submission:
    current = Submission.objects.get(pk=submission.pk)
    if current.status not in expected:
        raise ValidationError(error, code="wrong_status")
    now = timezone.now()
    moved = Submission.objects.filter(
        pk=current.pk, status=current.status, version=current.version
    ).update(status=to, version=current.version + 1, updated_at=now, **fields)
    if moved != 1:
        raise ValidationError(MOVED_ON, code="moved_on")
    AuditEntry.objects.create(
        submission=current,
        at=now,
        actor=user,
        action=AuditAction.STATUS,
        source=source,
        old=current.status,
        new=to,
        reason=reason,
        version=current.version + 1,
    )
    submission.refresh_from_db()
    return submission


def submission_completeness(submission: Submission):
    """Completeness from the stored values and evidence (three queries): the indicators that
    apply to the region's level only."""
    leaves = system_leaves(submission.round.system_id, submission.region.level)
    values = dict(Value.objects.filter(submission=submission).values_list("indicator_id", "value"))
    evidence: dict[int, int] = {}
    for indicator_id in Evidence.objects.filter(submission=submission).values_list(
        "indicator_id", flat=True
    ):
        evidence[indicator_id] = evidence.get(indicator_id, 0) + 1
    return completeness(leaves, values, evidence)


@transaction.atomic
def submission_submit(*, submission: Submission, user) -> Submission:
    """Hand the submission in for review; needs every value and every required evidence item."""
    current = Submission.objects.select_related("round", "extension").get(pk=submission.pk)
    reason = entry_lock(current, timezone.now())
    if reason:
        raise ValidationError(reason, code="locked")
    state = submission_completeness(current)
    if not state.complete:
        raise ValidationError(
            INCOMPLETE,
            code="incomplete",
            params={
                "values": len(state.missing_values),
                "evidence": len(state.missing_evidence),
            },
        )
    return _transition(
        submission=submission,
        user=user,
        expected=(SubmissionStatus.DRAFT, SubmissionStatus.RETURNED),
        to=SubmissionStatus.SUBMITTED,
        source=AuditSource.FORM,
        error=INCOMPLETE,
        submitted_at=timezone.now(),
        submitted_by=user,
    )


@transaction.atomic
def submission_withdraw(*, submission: Submission, user, reason: str = "") -> Submission:
    """Staff take back a submission nobody has decided on or verified yet: it is a draft
    again (only while their entry window is open, so that they can hand it in again)."""
    current = Submission.objects.select_related("round", "extension").get(pk=submission.pk)
    lock = withdraw_lock(current, timezone.now())
    if lock:
        raise ValidationError(WITHDRAW_REFUSED, code="locked", params={"reason": lock})
    # A verifier's entries carry the version they saw: this submission's, while it waits.
    verified = AuditEntry.objects.filter(
        submission=current, action=AuditAction.VERIFIED, version__gte=current.version
    )
    if verified.exists():
        raise ValidationError(VERIFICATION_STARTED, code="verified")
    return _transition(
        submission=submission,
        user=user,
        expected=(SubmissionStatus.SUBMITTED,),
        to=SubmissionStatus.DRAFT,
        reason=reason.strip(),
        source=AuditSource.FORM,
        error=NOT_WITHDRAWABLE,
    )


def _add_comments(submission: Submission, user, comments: dict[int, str]) -> None:
    ReviewComment.objects.bulk_create(
        ReviewComment(submission=submission, indicator_id=pk, text=text, author=user)
        for pk, text in comments.items()
        if text.strip()
    )


@transaction.atomic
def submission_return(
    *, submission: Submission, user, reason: str, comments: dict[int, str]
) -> Submission:
    """Send back to the region's staff with a reason and/or comments per indicator."""
    comments = {pk: text.strip() for pk, text in comments.items() if text.strip()}
    if not reason.strip() and not comments:
        raise ValidationError(RETURN_NEEDS_REASON, code="reason")
    result = _transition(
        submission=submission,
        user=user,
        expected=(SubmissionStatus.SUBMITTED,),
        to=SubmissionStatus.RETURNED,
        reason=reason.strip(),
        error=NOT_SUBMITTED,
        reviewed_at=timezone.now(),
        reviewed_by=user,
    )
    _add_comments(submission, user, comments)
    notices.on_returned(result, reason.strip())
    return result


@transaction.atomic
def submission_approve(
    *, submission: Submission, user, reason: str = "", comments: dict[int, str] | None = None
) -> Submission:
    """Accept the values: the submission is locked and the compute step will read it."""
    result = _transition(
        submission=submission,
        user=user,
        expected=(SubmissionStatus.SUBMITTED,),
        to=SubmissionStatus.APPROVED,
        reason=reason.strip(),
        error=NOT_SUBMITTED,
        reviewed_at=timezone.now(),
        reviewed_by=user,
    )
    _add_comments(submission, user, comments or {})
    notices.on_approved(result)
    return result


@transaction.atomic
def submission_reopen(*, submission: Submission, user, reason: str) -> Submission:
    """An administrator unlocks an approved submission (it goes back to staff as returned)."""
    if not reason.strip():
        raise ValidationError(REOPEN_NEEDS_REASON, code="reason")
    return _transition(
        submission=submission,
        user=user,
        expected=(SubmissionStatus.APPROVED,),
        to=SubmissionStatus.RETURNED,
        reason=reason.strip(),
        source=AuditSource.ADMIN,
        error=NOT_APPROVED,
        reviewed_at=timezone.now(),
        reviewed_by=user,
    )
