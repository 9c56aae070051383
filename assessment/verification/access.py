"""Who verifies a submission: evaluators over its region, supervisors where the round's policy
lets them, and administrators; never someone who holds a role on the region itself; a
published round only administrators. Once a round's verification is divided into blocks
(分工), an evaluator verifies only the cells of their own blocks."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from assessment.collection.models import RoundStatus, Submission, SubmissionStatus
from assessment.regions.access import has_any_role, is_administrator, own_region_codes, roles_on
from assessment.regions.models import Role, subtree_prefix_for
from assessment.verification.models import Block, covers_indicator, policy_of

#: Only what the region has handed in is verified.
VERIFIABLE = (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)


@dataclass(frozen=True)
class Scope:
    """The indicators of one submission a user may verify: every one (`whole`), or those the
    indicator codes of their blocks cover (`codes`, one list per block)."""

    whole: bool
    codes: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return self.whole or bool(self.codes)

    def covers(self, indicator_code: str) -> bool:
        return self.whole or any(covers_indicator(list(c), indicator_code) for c in self.codes)


NOTHING = Scope(whole=False)
EVERYTHING = Scope(whole=True)


def holds_region(user, submission: Submission) -> bool:
    """The user has a role on exactly this region (its staff, or a supervisor or evaluator
    whose own region it is): they would be verifying themselves."""
    return submission.region_id in own_region_codes(user)


def verification_scope(user, submission: Submission) -> Scope:
    """What of `submission` the user may verify (at most one query for blocks)."""
    if holds_region(user, submission):
        return NOTHING
    if is_administrator(user):
        return EVERYTHING
    if submission.round.status == RoundStatus.PUBLISHED:
        return NOTHING
    roles = roles_on(user, submission.region)
    if Role.SUPERVISOR in roles and policy_of(submission.round).supervisors_verify:
        return EVERYTHING
    if Role.EVALUATOR not in roles:
        return NOTHING
    blocks = list(
        Block.objects.filter(round_id=submission.round_id).values_list(
            "verifier_id", "region__code", "region__level", "indicator_codes"
        )
    )
    if not blocks:  # verification is not divided: every evaluator over the region
        return EVERYTHING
    return Scope(
        whole=False,
        codes=tuple(
            tuple(codes)
            for verifier, code, level, codes in blocks
            if verifier == user.pk
            and submission.region_id.startswith(subtree_prefix_for(code, level))
        ),
    )


def may_verify(user, submission: Submission) -> bool:
    return bool(verification_scope(user, submission))


def require_verifier(user, submission: Submission, indicator_code: str | None = None) -> Scope:
    """The user's scope on a visible submission; 403 if they may verify none of it (or not
    `indicator_code`). The caller 404s invisible submissions."""
    scope = verification_scope(user, submission)
    if not scope or (indicator_code is not None and not scope.covers(indicator_code)):
        raise PermissionDenied
    return scope


def require_queue_user(user) -> None:
    if not (is_administrator(user) or has_any_role(user, [Role.EVALUATOR, Role.SUPERVISOR])):
        raise PermissionDenied
