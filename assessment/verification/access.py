"""Who verifies a submission: evaluators over its region, supervisors where the round's policy
lets them, and administrators; never someone who holds a role on the region itself; a
published round only administrators."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from assessment.collection.models import RoundStatus, Submission, SubmissionStatus
from assessment.regions.access import grants_for, has_any_role, is_administrator, roles_on
from assessment.regions.models import Role
from assessment.verification.models import policy_of

#: Only what the region has handed in is verified.
VERIFIABLE = (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)


def holds_region(user, submission: Submission) -> bool:
    """The user has a role on exactly this region (its staff, or a supervisor or evaluator
    whose own region it is): they would be verifying themselves."""
    return any(grant.region_code == submission.region_id for grant in grants_for(user))


def may_verify(user, submission: Submission) -> bool:
    if holds_region(user, submission):
        return False
    if is_administrator(user):
        return True
    if submission.round.status == RoundStatus.PUBLISHED:
        return False
    roles = roles_on(user, submission.region)
    if Role.EVALUATOR in roles:
        return True
    return Role.SUPERVISOR in roles and policy_of(submission.round).supervisors_verify


def require_verifier(user, submission: Submission) -> None:
    """403 for a visible submission the user may not verify (the caller 404s invisible ones)."""
    if not may_verify(user, submission):
        raise PermissionDenied


def require_queue_user(user) -> None:
    if not (is_administrator(user) or has_any_role(user, [Role.EVALUATOR, Role.SUPERVISOR])):
        raise PermissionDenied
