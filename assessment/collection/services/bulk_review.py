"""Approving many submissions at once from the review queue.

Each one goes through `submission_approve`, exactly as a single approval: its own transaction,
compare-and-set and audit entry. The view has already kept only the submissions on whose
region the reviewer may decide; what could not be approved is counted and reported, never
silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from assessment.collection.models import Submission, SubmissionStatus
from assessment.collection.services.submissions import submission_approve

#: At most this many submissions per request (the page's "select all" stops there too).
MAX_BULK = 500


@dataclass
class BulkApproval:
    approved: int = 0
    not_submitted: int = 0  # returned, approved or withdrawn meanwhile: left alone
    not_allowed: int = 0  # not the reviewer's to decide, or no such submission


def submissions_approve(
    *, submissions: list[Submission], user, not_allowed: int = 0
) -> BulkApproval:
    """Approve each submission still waiting for review; count the others."""
    outcome = BulkApproval(not_allowed=not_allowed)
    for submission in submissions:
        if submission.status != SubmissionStatus.SUBMITTED:
            outcome.not_submitted += 1
            continue
        try:
            submission_approve(submission=submission, user=user)
        except ValidationError:  # decided or withdrawn by someone else a moment ago
            outcome.not_submitted += 1
        else:
            outcome.approved += 1
    return outcome
