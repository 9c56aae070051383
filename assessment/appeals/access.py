"""Who may do what with appeals: a region's staff file and read theirs; evaluators over the
region (never their own) and administrators decide; supervisors over it read; department staff
see only their department's tasks. A region one may not see is a 404, a wrong role a 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from assessment.appeals.models import Appeal, AppealEvidence, Department, DepartmentTask
from assessment.regions.access import (
    has_any_role,
    is_administrator,
    own_region_codes,
    require_role,
    roles_on,
    visibility_filter,
)
from assessment.regions.models import Region, Role

DECIDERS = frozenset({Role.EVALUATOR})
READERS = frozenset({Role.STAFF, Role.SUPERVISOR, Role.EVALUATOR})


def require_staff_of(user, region: Region) -> None:
    require_role(user, region, [Role.STAFF], allow_admin=False)


def get_appeal_for_user(user, appeal_id: int) -> Appeal:
    appeal = get_object_or_404(
        Appeal.objects.select_related("round", "region", "indicator", "department"),
        pk=appeal_id,
    )
    if not is_administrator(user) and not roles_on(user, appeal.region) & READERS:
        raise Http404
    return appeal


def may_decide(user, appeal: Appeal) -> bool:
    if appeal.region_id in own_region_codes(user):
        return False
    return is_administrator(user) or bool(roles_on(user, appeal.region) & DECIDERS)


def require_decider(user, appeal: Appeal) -> None:
    if not may_decide(user, appeal):
        raise PermissionDenied


def require_queue_user(user) -> None:
    if not (is_administrator(user) or has_any_role(user, DECIDERS)):
        raise PermissionDenied


def queue_scope(user) -> Q:
    """The appeals an evaluator may decide: their subtrees, without their own regions."""
    scope = visibility_filter(user, field="region__code", roles=DECIDERS)
    own = own_region_codes(user)
    return scope & ~Q(region__code__in=own) if own else scope


def get_evidence_for_user(user, evidence_id: int) -> AppealEvidence:
    evidence = get_object_or_404(AppealEvidence.objects.select_related("appeal"), pk=evidence_id)
    get_appeal_for_user(user, evidence.appeal_id)
    return evidence


def departments_of(user) -> list[Department]:
    return list(Department.objects.filter(members=user)) if user.is_authenticated else []


def may_read_board(user) -> bool:
    """The department league table: administrators and supervisors."""
    return is_administrator(user) or has_any_role(user, [Role.SUPERVISOR])


def get_task_for_user(user, task_id: int) -> DepartmentTask:
    """A department's task: its own staff and administrators (404 for anyone else)."""
    task = get_object_or_404(
        DepartmentTask.objects.select_related("department", "region", "indicator", "round"),
        pk=task_id,
    )
    if is_administrator(user):
        return task
    if not task.department.members.filter(pk=user.pk).exists():
        raise Http404
    return task
