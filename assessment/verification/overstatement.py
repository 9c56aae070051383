"""The overstatement rule (虚报): a region's own value better than the verified one by more than
the round's tolerance. Read by compute (the score multipliers) and by the pages that show it.

The tolerance depends on what the value is: percentage points for a percentage, a share of
the verified value for a count or an amount, any better level for a rubric, a claimed "yes"
that was verified "no". "Better" follows the indicator's direction.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

import numpy as np

from assessment.collection.models import Round, Submission, SubmissionStatus
from assessment.verification.models import Verification, VerificationPolicy, policy_of
from indicators.models import Indicator, ValueType


class Leaf(NamedTuple):
    """What the rule reads of an indicator."""

    value_type: str
    direction: int


def is_overstated(
    indicator: Indicator | Leaf,
    self_value: Decimal | None,
    verified_value: Decimal | None,
    policy: VerificationPolicy,
) -> bool:
    if not policy.overstatement or self_value is None or verified_value is None:
        return False
    gain = (self_value - verified_value) * indicator.direction  # > 0: reported better
    if gain <= 0:
        return False
    if indicator.value_type == ValueType.PERCENT:
        return gain > policy.tolerance_points
    if indicator.value_type in (ValueType.COUNT, ValueType.NUMBER):
        return gain > policy.tolerance_share * abs(verified_value)
    return True  # a better rubric level or a "yes" that is a "no": no tolerance


def penalties(
    round_: Round, leaf_codes: list[str], region_codes: list[str]
) -> tuple[np.ndarray | None, int]:
    """(regions × leaves) score multipliers for the overstated values of the round's approved
    submissions (None when the rule is off or nothing is overstated), and how many."""
    policy = policy_of(round_)
    if not policy.overstatement:
        return None, 0
    row_of = {code: i for i, code in enumerate(region_codes)}
    col_of = {code: j for j, code in enumerate(leaf_codes)}
    matrix = np.ones((len(region_codes), len(leaf_codes)))
    count = 0
    corrected = Verification.objects.filter(
        submission__in=Submission.objects.filter(round=round_, status=SubmissionStatus.APPROVED),
        corrected=True,
    ).values_list(
        "submission__region_id", "indicator__code", "indicator__value_type",
        "indicator__direction", "self_value", "verified_value",
    )  # fmt: skip
    for region, code, value_type, direction, own, verified in corrected:
        i, j = row_of.get(region), col_of.get(code)
        if i is None or j is None:
            continue
        if is_overstated(Leaf(value_type, direction), own, verified, policy):
            matrix[i, j] = float(policy.penalty_factor)
            count += 1
    return (matrix if count else None), count
