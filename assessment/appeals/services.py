"""The appeal cycle: provisional publication with a window, filing, deciding, departments'
tasks. Final publication stays with rectification (publishing starts the loop); it asks
`blocking_final` here whether the window and the decisions allow it."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.appeals import notices
from assessment.appeals.models import (
    Appeal,
    AppealEvidence,
    AppealStatus,
    Category,
    Department,
    DepartmentTask,
    Outcome,
    TaskStatus,
)
from assessment.appeals.window import last_day, window_end
from assessment.collection.models import Round, RoundStatus, Submission
from assessment.collection.services.values import parse_value
from assessment.core.attachments import store_attachments
from assessment.regions.access import own_region_codes
from assessment.regions.models import Region
from assessment.results.job_kinds import start_compute
from assessment.results.models import Exemption, Standing
from assessment.verification.models import Reason, Verification
from assessment.verification.services import CORRECT, Decision, save_decisions
from indicators.models import Indicator

DEFAULT_WORKING_DAYS = 5
NOT_CLOSED = _("Provisional results are published from a closed round with computed results.")
ALREADY_PROVISIONAL = _("The results of “%(round)s” are already provisional.")
NOT_PROVISIONAL = _("“%(round)s” has no provisional results open to appeals.")
WINDOW_CLOSED = _("The appeal window closed at the end of %(day)s (Asia/Shanghai).")
NOT_IN_SYSTEM = _("Appeal an indicator or an area of this round's indicator system.")
NEEDS_DEPARTMENT = _("Name the department responsible for a problem blocked upstream.")
ALREADY_OPEN = _("%(code)s already has an open appeal: add to it rather than filing another.")
NO_SUBMISSION = _("The region took no part in this round.")
DECIDED = _("This appeal was already decided.")
OWN_REGION = _("You may not decide an appeal of your own region.")
REASON_NEEDED = _("Give the reason for the decision.")
LEAF_ONLY = _("A corrected value is entered for an indicator, not for an area.")
VALUE_NEEDED = _("Enter the corrected value.")
OPEN_APPEALS = _("%(count)s appeal(s) of “%(round)s” are still open: decide them first.")
WINDOW_RUNNING = _("The appeal window of “%(round)s” is open until the end of %(day)s.")

REJECT, EXEMPT = "reject", "exempt"


class AppealError(ValidationError):
    """The step is refused as things stand (the message says why)."""


def window_is_open(round_: Round, now=None) -> bool:
    now = now or timezone.now()
    return round_.is_provisional and now < round_.appeals_close_at


def publish_provisional(*, round_: Round, working_days: int, user) -> Round:
    """closed and computed → provisional results, open to appeals for `working_days`."""
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if locked.status != RoundStatus.CLOSED or locked.computed_at is None:
            raise AppealError(NOT_CLOSED)
        if locked.provisional_at is not None:
            raise AppealError(ALREADY_PROVISIONAL % {"round": locked})
        now = timezone.now()
        locked.provisional_at = now
        locked.appeals_close_at = window_end(now, working_days)
        locked.save(update_fields=["provisional_at", "appeals_close_at"])
        notices.on_provisional(locked)
    return locked


def blocking_final(round_: Round, now=None) -> str | None:
    """Why the round's results cannot be made final yet (None: they can)."""
    if round_.provisional_at is None:
        return None
    if window_is_open(round_, now):
        return str(WINDOW_RUNNING % {"round": round_, "day": last_day(round_.appeals_close_at)})
    count = Appeal.objects.filter(round=round_, status=AppealStatus.OPEN).count()
    if count:
        return str(OPEN_APPEALS % {"count": count, "round": round_})
    return None


def appealable(round_: Round) -> list[Indicator]:
    """The areas and leaves of the round's system, in form order."""
    nodes = Indicator.objects.filter(system_id=round_.system_id).order_by("order")
    return [node for node in nodes if node.depth == 0 or node.is_leaf]


def file_appeal(
    *,
    round_: Round,
    region: Region,
    indicator: Indicator,
    category: str,
    department: Department | None,
    statement: str,
    files=(),
    links=(),
    user,
) -> Appeal:
    if not window_is_open(round_):
        if round_.is_provisional:
            raise AppealError(WINDOW_CLOSED % {"day": last_day(round_.appeals_close_at)})
        raise AppealError(NOT_PROVISIONAL % {"round": round_})
    if indicator.system_id != round_.system_id or not (indicator.depth == 0 or indicator.is_leaf):
        raise AppealError(NOT_IN_SYSTEM)
    if category == Category.UPSTREAM and department is None:
        raise AppealError(NEEDS_DEPARTMENT)
    if not Submission.objects.filter(round=round_, region=region).exists():
        raise AppealError(NO_SUBMISSION)
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                round=round_,
                region=region,
                indicator=indicator,
                category=category,
                department=department if category == Category.UPSTREAM else None,
                statement=statement,
                filed_by=user,
            )
            store_attachments(
                partial(AppealEvidence, appeal=appeal), files=files, links=links, user=user
            )
    except IntegrityError as error:  # the open appeal of this indicator (another tab)
        raise AppealError(ALREADY_OPEN % {"code": indicator.code}) from error
    return appeal


def decide(
    *,
    appeal: Appeal,
    action: str,
    value: object = None,
    reason: str,
    user,
    recompute: bool = True,
) -> tuple[Appeal, bool]:
    """Reject, or accept by correcting the value (a verified value) or exempting the
    indicator. A 非本级原因 appeal accepted becomes the department's task and is always an
    exemption. Returns the appeal and whether a recompute was queued (`recompute=False`:
    the caller decides several and computes once)."""
    reason = (reason or "").strip()
    if not reason:
        raise AppealError(REASON_NEEDED)
    if appeal.region_id in own_region_codes(user):
        raise AppealError(OWN_REGION)
    round_ = appeal.round
    if not round_.is_provisional:
        raise AppealError(NOT_PROVISIONAL % {"round": round_})
    if action != REJECT and appeal.category == Category.UPSTREAM:
        action = EXEMPT
    corrected = None
    if action == CORRECT:
        if not appeal.indicator.is_leaf:
            raise AppealError(LEAF_ONLY)
        corrected = parse_value(appeal.indicator, value)
        if corrected is None:
            raise AppealError(VALUE_NEEDED)
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if locked.status != AppealStatus.OPEN:
            raise AppealError(DECIDED)
        locked.decided_by, locked.decided_at = user, timezone.now()
        notices.on_decided(locked)  # once committed, whichever the decision
        locked.decision_reason = reason
        if action == REJECT:
            locked.status = AppealStatus.REJECTED
            locked.save()
            return locked, False
        locked.status = AppealStatus.ACCEPTED
        locked.ranks_before = dict(
            Standing.objects.filter(round=round_).values_list("region_id", "rank")
        )
        if action == CORRECT:
            locked.outcome, locked.corrected_value = Outcome.CORRECTED, corrected
            _correct(locked, corrected, reason, user)
        else:
            locked.outcome = Outcome.EXEMPTED
            _exempt(locked, reason, user)
        locked.save()
        if recompute:
            start_compute(round_, owner=user)
    return locked, recompute


def _correct(appeal: Appeal, value: Decimal, reason: str, user) -> None:
    submission = Submission.objects.get(round=appeal.round, region=appeal.region)
    current = Verification.objects.filter(submission=submission, indicator=appeal.indicator)
    version = current.values_list("version", flat=True).first() or 0
    note = str(_("Appeal accepted: %(reason)s") % {"reason": reason})
    save_decisions(
        submission=submission,
        user=user,
        decisions=[
            Decision(
                indicator=appeal.indicator,
                action=CORRECT,
                value=value,
                reason=Reason.OTHER,
                note=note,
                version=version,
            )
        ],
    )


def _exempt(appeal: Appeal, reason: str, user) -> None:
    """Exempt the leaf, or every leaf of the area; a 非本级原因 appeal is also the
    department's task."""
    indicator = appeal.indicator
    if indicator.is_leaf:
        leaves = [indicator]
    else:
        nodes = list(Indicator.objects.filter(system_id=indicator.system_id))
        leaves = [n for n in nodes if n.is_leaf and _under(n, indicator, nodes)]
    for leaf in leaves:
        Exemption.objects.get_or_create(
            round=appeal.round,
            region=appeal.region,
            indicator=leaf,
            defaults={"reason": reason, "granted_by": user},
        )
    if appeal.category == Category.UPSTREAM:
        DepartmentTask.objects.create(
            department=appeal.department,
            appeal=appeal,
            round=appeal.round,
            region=appeal.region,
            indicator=indicator,
            description=appeal.statement,
        )


def _under(node: Indicator, ancestor: Indicator, nodes: list[Indicator]) -> bool:
    by_id = {n.pk: n for n in nodes}
    parent = by_id.get(node.parent_id)
    while parent is not None:
        if parent.pk == ancestor.pk:
            return True
        parent = by_id.get(parent.parent_id)
    return False


def resolve_task(*, task: DepartmentTask, resolution: str, user) -> DepartmentTask:
    resolution = (resolution or "").strip()
    if not resolution:
        raise AppealError(_("Say what was done."))
    if task.status == TaskStatus.RESOLVED:
        raise AppealError(_("This task is already resolved."))
    task.status, task.resolution = TaskStatus.RESOLVED, resolution
    task.resolved_at, task.resolved_by = timezone.now(), user
    task.save()
    return task
