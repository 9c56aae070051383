"""The rectification completion rate as an input of the next round (闭环).

Each region's completion rate in round A (tasks done or verified / all its tasks, in percent)
is written as the raw value of a chosen indicator in its submission to round B, through the
entry form's own saving service (`submission_save`): every write is audited (source
"rectification completion rate") and moves the submission's version on, so a form open
elsewhere sees a conflict instead of overwriting it. Submitted and approved submissions are
never touched, nor are submissions whose entry window is shut; both are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import AuditSource, Round, Submission, SubmissionStatus
from assessment.collection.services.entry import EntryInput, EntryLocked, submission_save
from assessment.collection.services.values import check_value
from assessment.rectification.models import RectificationTask
from assessment.rectification.models.tasks import COMPLETE
from indicators.models import Indicator

NOT_A_LEAF = _("%(code)s is not an indicator of the indicator system of “%(round)s”.")
SAME_ROUND = _("Choose two different rounds.")
LOCKED_STATUSES = (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)


def completion_rates(*, round_: Round) -> dict[str, Decimal]:
    """Region code → share of its tasks done or verified, in percent to 2 decimals (one
    grouped query). Regions without tasks have no rate."""
    rows = (
        RectificationTask.objects.filter(round=round_)
        .values("region_id")
        .annotate(total=Count("id"), complete=Count("id", filter=Q(status__in=COMPLETE)))
    )
    return {
        row["region_id"]: (Decimal(100) * row["complete"] / row["total"]).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        for row in rows
    }


def fill_reach(*, to_round: Round, source_ids: list[int]) -> dict[int, int]:
    """Source round id → how many regions' drafts of `to_round` a fill would write: regions
    with tasks in that round whose submission is not submitted or approved (one grouped query;
    the confirmation question states it before anything is overwritten)."""
    open_drafts = Submission.objects.filter(round=to_round).exclude(status__in=LOCKED_STATUSES)
    rows = (
        RectificationTask.objects.filter(
            round_id__in=source_ids, region_id__in=open_drafts.values("region_id")
        )
        .values("round_id")
        .annotate(regions=Count("region_id", distinct=True))
    )
    return {row["round_id"]: row["regions"] for row in rows}


@dataclass
class FillReport:
    indicator: Indicator
    written: dict[str, Decimal] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    locked: dict[str, str] = field(default_factory=dict)  # region code → why it was skipped
    invalid: dict[str, str] = field(default_factory=dict)  # region code → why the value failed
    without_submission: list[str] = field(default_factory=list)
    without_tasks: int = 0


@transaction.atomic
def fill_completion_rate(
    *, from_round: Round, to_round: Round, indicator_code: str, user=None
) -> FillReport:
    """Write the completion rates of `from_round` into the drafts of `to_round`."""
    if from_round.pk == to_round.pk:
        raise ValidationError(SAME_ROUND, code="same_round")
    indicator = (
        Indicator.objects.filter(system_id=to_round.system_id, code=indicator_code)
        .exclude(value_type="")
        .first()
    )
    if indicator is None:
        raise ValidationError(
            NOT_A_LEAF, code="not_a_leaf", params={"code": indicator_code, "round": to_round}
        )
    rates = completion_rates(round_=from_round)
    report = FillReport(indicator=indicator)
    submissions = {
        s.region_id: s
        for s in Submission.objects.filter(round=to_round, region_id__in=list(rates))
        .select_related("round", "region", "extension")
        .order_by("region_id")
    }
    report.without_submission = sorted(set(rates) - set(submissions))
    report.without_tasks = to_round.participating_regions().exclude(code__in=list(rates)).count()
    for code, submission in submissions.items():
        if submission.status in LOCKED_STATUSES:
            report.locked[code] = str(submission.get_status_display())
            continue
        try:
            value = check_value(indicator, rates[code])
        except ValidationError as error:
            report.invalid[code] = " ".join(error.messages)
            continue
        try:
            result = submission_save(
                submission=submission,
                user=user,
                base_version=submission.version,
                data=EntryInput(values={indicator.pk: value}),
                source=AuditSource.TASKS,
            )
        except EntryLocked as error:
            report.locked[code] = " ".join(error.messages)
            continue
        if result.saved:
            report.written[code] = value
        else:
            report.unchanged.append(code)
    return report
