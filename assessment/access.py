"""Who may see and do what, in one place. Every view goes through these helpers.

Rules:
- administrators (Django staff or superuser) see everything;
- supervisors and evaluators see the whole subtree of the region of their membership;
- regional staff see and edit their own region only;
- a region the user may not see does not exist for them (404); a region they may see but with
  the wrong role for the action is forbidden (403).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from assessment.models import (
    Evidence,
    ImportBatch,
    Membership,
    Practice,
    PracticeEvidence,
    PracticeStatus,
    RectificationTask,
    Region,
    ReportJob,
    Role,
    Round,
    RoundStatus,
    Submission,
    TaskEvidence,
)


@dataclass(frozen=True)
class Grant:
    """One membership, reduced to what access checks need."""

    role: str
    region_code: str
    prefix: str  # subtree prefix for supervisors/evaluators; the exact code for staff

    def covers(self, region: Region) -> bool:
        if self.role == Role.STAFF:
            return region.code == self.region_code
        return region.code.startswith(self.prefix)


def is_administrator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.is_staff))


def grants_for(user) -> tuple[Grant, ...]:
    """The user's memberships, loaded once per request and cached on the user object."""
    if not user.is_authenticated:
        return ()
    cached = getattr(user, "_grants_cache", None)
    if cached is None:
        rows = Membership.objects.filter(user=user).values_list(
            "role", "region__code", "region__level"
        )
        cached = tuple(
            Grant(role=role, region_code=code, prefix=_prefix(role, code, level))
            for role, code, level in rows
        )
        user._grants_cache = cached
    return cached


def _prefix(role: str, code: str, level: str) -> str:
    if role == Role.STAFF:
        return code
    return Region(code=code, level=level).subtree_prefix


def roles_on(user, region: Region) -> set[str]:
    """The roles that apply to `region` for this user (administrators get none by membership)."""
    return {grant.role for grant in grants_for(user) if grant.covers(region)}


def has_any_role(user, roles: Iterable[str]) -> bool:
    wanted = set(roles)
    return any(grant.role in wanted for grant in grants_for(user))


def can_see_region(user, region: Region) -> bool:
    return is_administrator(user) or bool(roles_on(user, region))


def visibility_filter(user, *, field: str = "code", roles: Iterable[str] | None = None) -> Q:
    """A Q that keeps rows whose region (reached through `field`) the user may see.

    `field` is the lookup path to a region code, e.g. "code" on Region or "region__code" on
    Submission; `roles` narrows which memberships count (e.g. only supervisors).
    """
    if is_administrator(user):
        return Q()
    wanted = set(roles) if roles is not None else None
    condition = Q(pk__in=[])
    for grant in grants_for(user):
        if wanted is not None and grant.role not in wanted:
            continue
        if grant.role == Role.STAFF:
            condition |= Q(**{field: grant.region_code})
        else:
            condition |= Q(**{f"{field}__startswith": grant.prefix})
    return condition


def visible_regions(user, *, roles: Iterable[str] | None = None) -> QuerySet[Region]:
    return Region.objects.filter(visibility_filter(user, roles=roles))


def get_region_for_user(user, code: str) -> Region:
    """The region with this code if the user may see it; otherwise 404 (never 403)."""
    region = Region.objects.filter(code=code).first()
    if region is None or not can_see_region(user, region):
        raise Http404
    return region


def require_role(user, region: Region, roles: Iterable[str], *, allow_admin: bool = True) -> None:
    """404 when the region is invisible to the user, 403 when visible but the role is wrong."""
    if allow_admin and is_administrator(user):
        return
    held = roles_on(user, region)
    if not held and not is_administrator(user):
        raise Http404
    if not held & set(roles):
        raise PermissionDenied


def home_roles(user) -> list[str]:
    """The roles a user holds anywhere, most powerful first, for navigation and home pages."""
    order = [Role.SUPERVISOR, Role.EVALUATOR, Role.STAFF]
    held = {grant.role for grant in grants_for(user)}
    return [role for role in order if role in held]


# --- Rounds and submissions -------------------------------------------------------------------


def require_administrator(user) -> None:
    """403 for anyone but an administrator (used once the object is known to be visible)."""
    if not is_administrator(user):
        raise PermissionDenied


def get_round_for_user(user, round_id: int) -> Round:
    """A round that involves a region the user may see; otherwise 404."""
    from assessment.selectors.rounds import rounds_for_user  # selectors build on this module

    round_ = rounds_for_user(user).filter(pk=round_id).first()
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


# --- Results and dashboards -------------------------------------------------------------------

#: Who may read a round's rankings (and its results before they are published).
RESULT_READERS = frozenset({Role.SUPERVISOR, Role.EVALUATOR})


def require_ranking_access(user, round_: Round) -> None:
    """Rankings are for administrators, supervisors and evaluators (403 for staff)."""
    require_round_role(user, round_, RESULT_READERS)


def may_rank(user, round_: Round) -> bool:
    """Whether the user may open the round's rankings (no query)."""
    return is_administrator(user) or bool(round_roles(user, round_) & RESULT_READERS)


def sees_unpublished_results(user, region: Region) -> bool:
    """Supervisors and evaluators of the region read results before they are published."""
    return is_administrator(user) or bool(roles_on(user, region) & RESULT_READERS)


def get_ranking_round_for_user(user, round_id: int, params) -> Round:
    """A round whose rankings the user may read (404 / 403 as above), with the regions named
    in the filter (`parent`, `focus`) checked too: another subtree's region is a 404.
    The ranking page and every export of it go through here."""
    round_ = get_round_for_user(user, round_id)
    require_ranking_access(user, round_)
    for param in ("parent", "focus"):
        if code := params.get(param):
            get_region_for_user(user, code)
    return round_


def get_report_job_for_user(user, job_id: int) -> ReportJob:
    """An export job is visible to whoever started it and to administrators; else 404."""
    job = ReportJob.objects.select_related("round").filter(pk=job_id).first()
    if job is None or not (is_administrator(user) or job.owner_id == user.pk):
        raise Http404
    return job


def ranking_visibility(user) -> Q:
    """Which regions a ranking shows this user: the subtrees they supervise or evaluate.

    Regional staff rights do not widen a ranking: staff read their own profile instead.
    """
    return visibility_filter(user, roles=RESULT_READERS)


def require_profile_access(user, round_: Round, region: Region) -> None:
    """A region's results page: supervisors and evaluators of its subtree at any time, its
    own staff once the round is published (before that the results do not exist for them:
    404, as for any region they may not see)."""
    if sees_unpublished_results(user, region):
        return
    if Role.STAFF in roles_on(user, region) and round_.status == RoundStatus.PUBLISHED:
        return
    raise Http404


def get_public_round(round_id: int) -> Round:
    """A round whose results are on public display (published and computed); otherwise 404.

    No login: the public display (晾晒) is for everyone, so nothing but published results of
    published rounds may ever be reached this way.
    """
    round_ = (
        Round.objects.select_related("system", "scope", "previous")
        .filter(pk=round_id, status=RoundStatus.PUBLISHED, computed_at__isnull=False)
        .first()
    )
    if round_ is None:
        raise Http404
    return round_


def public_visibility() -> Q:
    """The public display shows every region of a published round."""
    return Q()


# --- Rectification tasks and shared practices (issue 7) ---------------------------------------
#
# A task belongs to its region: whoever may see the region sees its tasks (staff their own,
# supervisors and evaluators their subtree), staff only while the round is published (a task
# shows scores, which staff do not see before publication). The region's staff answer it;
# supervisors over the region verify, reopen, edit and create tasks. A practice is visible to
# everyone once approved; before that only to its region's staff and the supervisors over it.


def tasks_visibility(user, *, field: str = "") -> Q:
    """Which tasks a user may see (a Q on RectificationTask, or on a model reaching it through
    `field`, e.g. "task__")."""
    if is_administrator(user):
        return Q()
    readers = visibility_filter(user, field=f"{field}region__code", roles=RESULT_READERS)
    staff = visibility_filter(user, field=f"{field}region__code", roles=[Role.STAFF])
    return readers | (staff & Q(**{f"{field}round__status": RoundStatus.PUBLISHED}))


def can_see_task(user, task: RectificationTask) -> bool:
    if sees_unpublished_results(user, task.region):
        return True
    return task.round.status == RoundStatus.PUBLISHED and can_see_region(user, task.region)


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


def supervised_prefixes(user) -> tuple[str, ...]:
    """Code prefixes of the regions the user supervises ("" for administrators: all), for
    per-row links such as "create a task" on the ranking page (no query per row)."""
    if is_administrator(user):
        return ("",)
    return tuple(g.prefix for g in grants_for(user) if g.role == Role.SUPERVISOR)


def may_supervise_region(user, region: Region) -> bool:
    return is_administrator(user) or Role.SUPERVISOR in roles_on(user, region)


def require_region_supervisor(user, region: Region) -> None:
    """Creating a task or inviting a practice: supervisors over the region (403 else)."""
    require_role(user, region, [Role.SUPERVISOR])


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
