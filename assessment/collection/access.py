"""Access to rounds, submissions, their evidence and imports (rules: regions/access.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from assessment.collection.models import Evidence, ImportBatch, Round, Submission
from assessment.collection.selectors.rounds import rounds_for_user
from assessment.collection.services.import_check import ImportRules
from assessment.regions.access import (
    can_see_region,
    get_region_for_user,
    grants_for,
    is_administrator,
    require_role,
    roles_on,
    visibility_filter,
)
from assessment.regions.models import Role

#: Who exchanges values through workbooks (administrators too).
EXCHANGE_ROLES = [Role.EVALUATOR, Role.STAFF]


def get_round_for_user(user, round_id: int) -> Round:
    """A round that involves a region the user may see; otherwise 404."""

    # With the comparison round: every results page reads it.
    round_ = rounds_for_user(user).select_related("previous").filter(pk=round_id).first()
    if round_ is None:
        raise Http404
    return round_


def round_roles(user, round_: Round) -> set[str]:
    """The roles the user holds on some region taking part in the round (no query)."""
    held = set()
    scope = round_.scope
    for grant in grants_for(user):
        if scope is None or grant.region_code.startswith(scope.subtree_prefix):
            held.add(grant.role)  # the grant lies inside the round's scope
        elif grant.role != Role.STAFF and scope.code.startswith(grant.prefix):
            held.add(grant.role)  # the round's scope lies inside the grant's subtree
    return held


def require_round_role(user, round_: Round, roles: Iterable[str]) -> None:
    """403 unless an administrator or holding one of `roles` inside the round."""
    if is_administrator(user):
        return
    if not round_roles(user, round_) & set(roles):
        raise PermissionDenied


def get_submission_for_user(user, round_id: int, code: str) -> Submission:
    """One region's submission in a round, if the user may see that region; otherwise 404."""
    region = get_region_for_user(user, code)
    submission = (
        Submission.objects.select_related("round__system", "round__scope", "region", "extension")
        .filter(round_id=round_id, region=region)
        .first()
    )
    if submission is None:
        raise Http404
    return submission


def require_entry_role(user, submission: Submission) -> None:
    """Only the region's own staff enter data (administrators and supervisors read)."""
    require_role(user, submission.region, [Role.STAFF], allow_admin=False)


def may_enter(user, submission: Submission) -> bool:
    return Role.STAFF in roles_on(user, submission.region)


def require_reviewer(user, submission: Submission) -> None:
    """Supervisors covering the region review it; administrators may too."""
    require_role(user, submission.region, [Role.SUPERVISOR])


def may_review(user, submission: Submission) -> bool:
    return is_administrator(user) or Role.SUPERVISOR in roles_on(user, submission.region)


def get_evidence_for_user(user, evidence_id: int) -> Evidence:
    """Evidence of a submission the user may see; otherwise 404 (never 403: it must not leak)."""
    evidence = Evidence.objects.select_related("submission__region").filter(pk=evidence_id).first()
    if evidence is None or not can_see_region(user, evidence.submission.region):
        raise Http404
    return evidence


def get_import_for_user(user, batch_id: int) -> ImportBatch:
    """An import batch is visible to whoever uploaded it and to administrators."""
    batch = ImportBatch.objects.select_related("round__scope").filter(pk=batch_id).first()
    if batch is None or not (is_administrator(user) or batch.uploaded_by_id == user.pk):
        raise Http404
    return batch


def exchange_scope(user, *, field: str = "code") -> Q:
    """Regions whose values this user may import or export (a Q on the region code `field`).

    Administrators: all; evaluators: their subtree; staff: their own region only.
    """
    return visibility_filter(user, field=field, roles=[Role.EVALUATOR, Role.STAFF])


def import_rules(user, round_: Round, *, include_approved: bool = False) -> ImportRules:
    """Administrators: every region, and may overwrite approved ones if they say so.
    Evaluators: their subtree. Staff: their own region, only while their entry is open."""
    if is_administrator(user):
        return ImportRules(include_approved=include_approved)
    evaluator = Role.EVALUATOR in round_roles(user, round_)
    return ImportRules(
        scope=exchange_scope(user, field="region__code"), respect_window=not evaluator
    )
