"""The overstatement rule (虚报) on its boundaries: percentages by points, counts and amounts by
a share of the verified value, levels and yes/no with no tolerance, in the indicator's
direction; and a round that applies it (scores, flags, the profile)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from assessment.collection.models import RoundStatus
from assessment.results.models import Result, ResultFlag
from assessment.results.services.compute import compute_round
from assessment.verification.models import Reason, VerificationPolicy
from assessment.verification.overstatement import is_overstated
from indicators.models import Direction, Indicator, ValueType
from tests.assessment.builders import fill_values, make_round
from tests.assessment.dashboards.reports.conftest import workbook
from tests.assessment.verification.test_verify import PERCENT, XIHU, post

D = Decimal
RULE = VerificationPolicy(overstatement=True)  # tolerance 5 points, 10 %, score × 0


def leaf(value_type: str, direction: int = Direction.HIGHER_IS_BETTER) -> Indicator:
    return Indicator(code="X.1.1", value_type=value_type, direction=direction)


@pytest.mark.parametrize(
    ("indicator", "own", "verified", "expected"),
    [
        (leaf(ValueType.PERCENT), D("85"), D("80"), False),  # exactly the tolerance
        (leaf(ValueType.PERCENT), D("85.01"), D("80"), True),
        (leaf(ValueType.PERCENT), D("70"), D("80"), False),  # reported worse: never
        (leaf(ValueType.PERCENT, Direction.LOWER_IS_BETTER), D("2"), D("8"), True),
        (leaf(ValueType.PERCENT, Direction.LOWER_IS_BETTER), D("3"), D("8"), False),
        (leaf(ValueType.COUNT), D("110"), D("100"), False),  # 10 % of the verified value
        (leaf(ValueType.COUNT), D("111"), D("100"), True),
        (leaf(ValueType.NUMBER), D("0.5"), D("0"), True),  # anything above a verified 0
        (leaf(ValueType.RUBRIC), D("4"), D("3"), True),
        (leaf(ValueType.YESNO), D("1"), D("0"), True),
        (leaf(ValueType.PERCENT), None, D("80"), False),  # nothing reported
    ],
)
def test_the_rule_on_its_boundaries(indicator, own, verified, expected):
    assert is_overstated(indicator, own, verified, RULE) is expected


def test_the_rule_is_off_unless_the_round_turns_it_on():
    assert not is_overstated(leaf(ValueType.YESNO), D("1"), D("0"), VerificationPolicy())


@pytest.fixture
def round_(regions, default_system):
    round_ = make_round(default_system, status=RoundStatus.CLOSED)
    fill_values(round_, [XIHU, "330108", "330100"], value=lambda region, leaf: D("90")
                if leaf.value_type == "percent" else D("1"))  # fmt: skip
    return round_


def test_an_overstated_value_scores_as_the_round_says_and_the_profile_says_so(
    client, round_, evaluator_zhejiang, staff_xihu
):
    VerificationPolicy.objects.create(round=round_, overstatement=True, penalty_factor=D("0.5"))
    client.force_login(evaluator_zhejiang)
    post(
        client,
        round_,
        {
            PERCENT: {"action": "correct", "value": "60", "reason": Reason.OTHER},
            "DS.1.2": {"action": "correct", "value": "87", "reason": Reason.OTHER},
        },
    )
    compute_round(round_=round_, with_sensitivity=False)  # fmt: skip
    over = Result.objects.get(round=round_, region_id=XIHU, indicator__code=PERCENT)
    within = Result.objects.get(round=round_, region_id=XIHU, indicator__code="DS.1.2")
    peer = Result.objects.get(round=round_, region_id="330108", indicator__code=PERCENT)
    assert over.flags & ResultFlag.OVERSTATED and not within.flags & ResultFlag.OVERSTATED
    assert not peer.flags & ResultFlag.OVERSTATED
    assert round_.__class__.objects.get(pk=round_.pk).compute_notes["overstated"] == 1
    round_.status = RoundStatus.PUBLISHED
    round_.save()
    client.force_login(staff_xihu)
    page = client.get(reverse("assessment:profile", args=[round_.pk, XIHU])).content.decode()
    assert (
        'data-testid="overstated-DS.1.1"' in page and 'data-testid="overstated-DS.1.2"' not in page
    )


def test_the_round_report_lists_the_corrections_with_the_overstated_ones(
    client, round_, evaluator_zhejiang
):
    VerificationPolicy.objects.create(round=round_, overstatement=True)
    client.force_login(evaluator_zhejiang)
    post(client, round_, {PERCENT: {"action": "correct", "value": "60", "reason": Reason.OTHER,
                                    "note": "=HYPERLINK(1)"},
                          "DS.1.2": {"action": "correct", "value": "87",
                                     "reason": Reason.CALCULATION}})  # fmt: skip
    compute_round(round_=round_, with_sensitivity=False)
    url = reverse("assessment:round_report", args=[round_.pk]) + "?level=county&parent=330100"
    book = workbook(client.post(url))
    sheet = book["核验情况"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [(r[0], r[2], r[4], r[5], r[6]) for r in rows] == [
        (XIHU, "DS.1.1", 90, 60, "虚报"), (XIHU, "DS.1.2", 90, 87, None)]  # fmt: skip
    assert rows[0][8].startswith("'=")  # a note is never a formula
    assert rows[1][7] == "计算错误"


def test_the_summary_sets_self_reported_against_verified(
    client, round_, evaluator_zhejiang, staff_xihu, django_assert_max_num_queries
):
    VerificationPolicy.objects.create(round=round_, overstatement=True)
    client.force_login(evaluator_zhejiang)
    post(client, round_, {PERCENT: {"action": "correct", "value": "60", "reason": Reason.OTHER},
                          "DS.1.2": {"action": "correct", "value": "87", "reason": Reason.OTHER},
                          "DS.1.3": {"action": "confirm"}})  # fmt: skip
    post(client, round_, {PERCENT: {"action": "confirm"}}, code="330108")
    summary = reverse("assessment:verification_summary", args=[round_.pk])
    client.get(summary)  # the session's first-request writes out of the way
    with django_assert_max_num_queries(9):
        text = client.get(summary).content.decode()
    xihu = text.split(f'data-testid="summary-region-{XIHU}"')[1].split("</tr>")[0]
    numbers = [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r'"text-end">(.*?)</td>', xihu)]
    # verified, corrected, overstated; no score effect before the round is computed
    assert numbers == ["3", "2", "1", "–"]
    leaf = text.split(f'data-testid="summary-indicator-{PERCENT}"')[1].split("</tr>")[0]
    # The regions corrected on the indicator (滨江区's value was confirmed).
    assert '西湖区 <span class="badge text-bg-danger">' in leaf and "滨江区" not in leaf
    assert re.findall(r'"text-end">(.*?)</td>', leaf) == ["2", "1", "1"]
    assert text.index(f"summary-region-{XIHU}") < text.index("summary-region-330108")
    client.force_login(staff_xihu)
    assert client.get(summary).status_code == 403
