"""催报: a supervisor reminds regions that have not handed in to submit.

Only regions the user supervises, only submissions still with the region (not started, draft
or returned), at most once a day per region: a second reminder the same day skips the region
and says so. Each reminder is a Chase row (who, when, which region) and a notification to the
region's staff (e-mailed by their preference) once the transaction commits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.collection import notices
from assessment.collection.models import Chase, Round, RoundStatus, Submission, SubmissionStatus
from assessment.collection.rules import EDITABLE_STATUSES
from assessment.regions.access import visibility_filter
from assessment.regions.models import Role

ROUND_NOT_OPEN = _("Reminders are sent while the round is open.")
NOTHING_CHOSEN = _("Choose the regions to remind, or remind every region not started.")
#: More codes than any round has regions: a form that sends more is not ours.
MAX_CODES = 5000
CODE = re.compile(r"\d{6}")


@dataclass(frozen=True)
class ChaseReport:
    chased: int  # regions reminded now
    skipped: int  # regions already reminded today
    left_out: int  # asked for, but handed in already or not the user's to chase


def clean_codes(values: Iterable[str]) -> list[str]:
    """Region codes from a form: six ASCII digits each, at most MAX_CODES, no repeats."""
    codes = {str(value).strip() for value in list(values)[:MAX_CODES]}
    return sorted(code for code in codes if code.isascii() and CODE.fullmatch(code))


@transaction.atomic
def chase_regions(
    *, round_: Round, user, codes: Iterable[str] = (), not_started: bool = False
) -> ChaseReport:
    """Remind the chosen regions (`codes`) and, with `not_started`, every region in the user's
    subtree that has not started."""
    codes = clean_codes(codes)
    if not codes and not not_started:
        raise ValidationError(NOTHING_CHOSEN, code="empty")
    locked = Round.objects.select_for_update().get(pk=round_.pk)  # one chase of a round at a time
    if locked.status != RoundStatus.OPEN:
        raise ValidationError(ROUND_NOT_OPEN, code="not_open")
    wanted = Q(region_id__in=codes)
    if not_started:
        wanted |= Q(status=SubmissionStatus.NOT_STARTED)
    supervised = visibility_filter(user, field="region__code", roles=[Role.SUPERVISOR])
    found = list(
        Submission.objects.filter(supervised, wanted, round=locked, status__in=EDITABLE_STATUSES)
        .order_by("region_id")
        .values_list("pk", "region_id")
    )
    today = timezone.localdate()
    done = set(
        Chase.objects.filter(submission__round=locked, day=today).values_list(
            "submission_id", flat=True
        )
    )
    new = [(pk, code) for pk, code in found if pk not in done]
    Chase.objects.bulk_create(
        [Chase(submission_id=pk, day=today, chased_by=user) for pk, _code in new],
        batch_size=1000,
    )
    if new:
        notices.on_chased(locked, [code for _pk, code in new], user)
    found_codes = {code for _pk, code in found}
    return ChaseReport(
        chased=len(new),
        skipped=len(found) - len(new),
        left_out=len(set(codes) - found_codes),
    )
