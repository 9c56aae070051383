"""Access to rectification tasks and shared practices.

A task (and the rectification notice grouping a region's tasks) belongs to its region:
whoever may see the region sees its tasks (staff their own, supervisors and evaluators their
subtree), staff only while the round is published (a task shows scores, which staff do not
see before publication). The region's staff answer it; supervisors over the region verify,
reopen, edit and create tasks. A practice is visible to everyone once approved; before that
only to its region's staff and the supervisors over it.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from assessment.collection.access import require_round_role
from assessment.collection.models import Round, RoundStatus
from assessment.rectification.models import (
    Practice,
    PracticeEvidence,
    PracticeStatus,
    RectificationNotice,
    RectificationTask,
    TaskEvidence,
)
from assessment.regions.access import (
    can_see_region,
    home_roles,
    is_administrator,
    require_role,
    roles_on,
    visibility_filter,
)
from assessment.regions.models import Role
from assessment.results.access import RESULT_READERS, sees_unpublished_results


def staff_only(user) -> bool:
    """Whether the user's only role is a region's staff: the rectification pages then speak
    of "my region" and offer no region filter."""
    return home_roles(user) == [Role.STAFF] and not is_administrator(user)


def tasks_visibility(user, *, field: str = "") -> Q:
    """Which tasks a user may see (a Q on RectificationTask, or on a model reaching it through
    `field`, e.g. "task__")."""
    if is_administrator(user):
        return Q()
    readers = visibility_filter(user, field=f"{field}region__code", roles=RESULT_READERS)
    staff = visibility_filter(user, field=f"{field}region__code", roles=[Role.STAFF])
    return readers | (staff & Q(**{f"{field}round__status": RoundStatus.PUBLISHED}))


def _sees_rectification(user, round_: Round, region) -> bool:
    """A region's tasks and notice in a round: readers of its results always, its staff once
    the round is published."""
    if sees_unpublished_results(user, region):
        return True
    return round_.status == RoundStatus.PUBLISHED and can_see_region(user, region)


def can_see_task(user, task: RectificationTask) -> bool:
    return _sees_rectification(user, task.round, task.region)


def get_notice_for_user(user, round_id: int, code: str) -> RectificationNotice:
    """A region's rectification notice in a round, if the user may see it; otherwise 404."""
    notice = (
        RectificationNotice.objects.select_related("round", "region", "issued_by")
        .filter(round_id=round_id, region_id=code)
        .first()
    )
    if notice is None or not _sees_rectification(user, notice.round, notice.region):
        raise Http404
    return notice


def get_task_for_user(user, task_id: int) -> RectificationTask:
    """A task the user may see; otherwise 404."""
    task = (
        RectificationTask.objects.select_related(
            "round__system", "round__scope", "region", "indicator"
        )
        .filter(pk=task_id)
        .first()
    )
    if task is None or not can_see_task(user, task):
        raise Http404
    return task


def require_task_staff(user, task: RectificationTask) -> None:
    """Only the region's own staff answer a task and mark it done (403 for supervisors)."""
    require_role(user, task.region, [Role.STAFF], allow_admin=False)


def may_answer_task(user, task: RectificationTask) -> bool:
    return Role.STAFF in roles_on(user, task.region)


def require_task_supervisor(user, task: RectificationTask) -> None:
    """Supervisors over the region (and administrators) verify, reopen and edit (403 else)."""
    require_role(user, task.region, [Role.SUPERVISOR])


def get_task_evidence_for_user(user, evidence_id: int) -> TaskEvidence:
    """Evidence of a task the user may see; otherwise 404 (never 403: it must not leak)."""
    item = (
        TaskEvidence.objects.select_related("task__region", "task__round")
        .filter(pk=evidence_id)
        .first()
    )
    if item is None or not can_see_task(user, item.task):
        raise Http404
    return item


def require_task_progress_access(user, round_: Round) -> None:
    """The progress page (挂图作战) is for supervisors, evaluators and administrators."""
    require_round_role(user, round_, RESULT_READERS)


def practice_visibility(user) -> Q:
    """Approved practices for everyone; the others for the region's staff and supervisors."""
    if is_administrator(user):
        return Q()
    own = visibility_filter(user, field="region__code", roles=[Role.STAFF, Role.SUPERVISOR])
    return Q(status=PracticeStatus.APPROVED) | own


def get_practice_for_user(user, practice_id: int) -> Practice:
    practice = (
        Practice.objects.filter(practice_visibility(user), pk=practice_id)
        .select_related("round", "region", "indicator", "created_by", "reviewed_by")
        .first()
    )
    if practice is None:
        raise Http404
    return practice


def require_practice_author(user, practice: Practice) -> None:
    """The region's staff rewrite their practice (403 for supervisors and others)."""
    require_role(user, practice.region, [Role.STAFF], allow_admin=False)


def may_edit_practice(user, practice: Practice) -> bool:
    return Role.STAFF in roles_on(user, practice.region)


def require_practice_reviewer(user, practice: Practice) -> None:
    require_role(user, practice.region, [Role.SUPERVISOR])


def get_practice_evidence_for_user(user, evidence_id: int) -> PracticeEvidence:
    item = (
        PracticeEvidence.objects.filter(pk=evidence_id)
        .filter(practice__in=Practice.objects.filter(practice_visibility(user)).values("pk"))
        .first()
    )
    if item is None:
        raise Http404
    return item
