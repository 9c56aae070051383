"""What verification did to a region's score: the number of corrected and overstated values and
the score effect, written with the ranking read model and shown in the ranking's data column,
its Excel export and the self-reported-against-verified summary."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from assessment.collection.models import RoundStatus
from assessment.results.models import Standing
from assessment.results.services.compute import compute_round
from assessment.verification.models import Reason, Verification, VerificationPolicy
from tests.assessment.builders import fill_values, make_round
from tests.assessment.verification.test_verify import BINJIANG, PERCENT, XIHU, post

D = Decimal


@pytest.fixture
def round_(regions, default_system):
    round_ = make_round(default_system, status=RoundStatus.CLOSED)
    fill_values(round_, [XIHU, BINJIANG, "330102"], value=lambda region, leaf: D("90")
                if leaf.value_type == "percent" else D("1"))  # fmt: skip
    VerificationPolicy.objects.create(round=round_, overstatement=True, penalty_factor=D("0.5"))
    return round_


def correct_two(client, round_, evaluator):
    """One value overstated beyond the tolerance (90 → 60), one within it (90 → 87)."""
    client.force_login(evaluator)
    post(client, round_, {
        PERCENT: {"action": "correct", "value": "60", "reason": Reason.SAMPLE_RECOUNT},
        "DS.1.2": {"action": "correct", "value": "87", "reason": Reason.CALCULATION},
    })  # fmt: skip


def standing(round_, code=XIHU) -> Standing:
    return Standing.objects.get(round=round_, region_id=code)


def test_the_effect_is_the_score_verified_minus_the_score_self_reported(
    client, round_, evaluator_zhejiang
):
    compute_round(round_=round_, with_sensitivity=False)
    own_score = standing(round_).score
    assert standing(round_).corrected == 0 and standing(round_).verification_effect is None
    correct_two(client, round_, evaluator_zhejiang)
    compute_round(round_=round_, with_sensitivity=False)
    xihu, binjiang = standing(round_), standing(round_, BINJIANG)
    assert (xihu.corrected, xihu.overstated) == (2, 1)
    assert xihu.verification_effect == pytest.approx(xihu.score - own_score)
    assert xihu.verification_effect < 0
    # 滨江区 was not corrected: no effect is claimed for it, although the peer-relative
    # parts of the scores may move with 西湖区's values.
    assert (binjiang.corrected, binjiang.overstated, binjiang.verification_effect) == (0, 0, None)
    # The overall score carries the overstatement flag the ranking reads.
    assert xihu.flags & 64 and not binjiang.flags & 64


def test_confirmed_values_change_nothing(client, round_, evaluator_zhejiang):
    client.force_login(evaluator_zhejiang)
    post(client, round_, {PERCENT: {"action": "confirm"}})
    compute_round(round_=round_, with_sensitivity=False)
    assert Verification.objects.get(indicator__code=PERCENT).corrected is False
    assert (standing(round_).corrected, standing(round_).verification_effect) == (0, None)


def test_the_ranking_shows_corrections_and_overstatement_as_data_flags(
    client, round_, evaluator_zhejiang, supervisor_zhejiang
):
    correct_two(client, round_, evaluator_zhejiang)
    compute_round(round_=round_, with_sensitivity=False)
    effect = standing(round_).verification_effect
    client.force_login(supervisor_zhejiang)
    ranking = reverse("assessment:ranking", args=[round_.pk]) + "?level=county"
    page = client.get(ranking).content.decode()
    row = page[page.index(f'/regions/{XIHU}/"') :].split("</tr>")[0]
    assert 'class="badge flag-overstated"' in row and "1" in row
    assert 'class="badge flag-corrected"' in row and f"−{-effect:.2f}" in row
    other = page[page.index(f'/regions/{BINJIANG}/"') :].split("</tr>")[0]
    assert "flag-corrected" not in other and "flag-overstated" not in other
    # The CSV export's data column says the same in words.
    csv = reverse("assessment:ranking_csv", args=[round_.pk]) + "?level=county"
    export = client.get(csv).content.decode("utf-8-sig")
    line = next(line for line in export.splitlines() if XIHU in line)
    assert f"−{-effect:.2f}" in line


def test_the_summary_gives_each_regions_score_effect(client, round_, evaluator_zhejiang):
    correct_two(client, round_, evaluator_zhejiang)
    compute_round(round_=round_, with_sensitivity=False)
    effect = standing(round_).verification_effect
    page = client.get(reverse("assessment:verification_summary", args=[round_.pk])).content
    row = page.decode().split('data-testid="summary-region-330106"')[1].split("</tr>")[0]
    assert f"−{-effect:.2f}" in row


def test_the_regions_profile_gives_the_effect_beside_its_corrections(
    client, round_, evaluator_zhejiang, staff_xihu, staff_binjiang
):
    correct_two(client, round_, evaluator_zhejiang)
    compute_round(round_=round_, with_sensitivity=False)
    effect = standing(round_).verification_effect
    round_.status = RoundStatus.PUBLISHED
    round_.save()
    client.force_login(staff_xihu)
    page = client.get(reverse("assessment:profile", args=[round_.pk, XIHU])).content.decode()
    shown = page.split('data-testid="profile-verification-effect"')[1].split("</span></span>")[0]
    assert f"−{-effect:.2f}" in shown
    client.force_login(staff_binjiang)
    page = client.get(reverse("assessment:profile", args=[round_.pk, BINJIANG])).content.decode()
    assert "profile-verification-effect" not in page


def test_the_profile_marks_where_each_value_came_from(
    client, round_, evaluator_zhejiang, staff_xihu
):
    correct_two(client, round_, evaluator_zhejiang)
    post(client, round_, {"DS.1.3": {"action": "confirm"}})
    compute_round(round_=round_, with_sensitivity=False)
    round_.status = RoundStatus.PUBLISHED
    round_.save()
    client.force_login(staff_xihu)
    page = client.get(reverse("assessment:profile", args=[round_.pk, XIHU])).content.decode()
    tree = page.split('data-testid="profile-tree"')[1]

    def row(code):
        return tree.split(f'<span class="text-muted">{code}</span>')[1].split("</tr>")[0]

    assert 'data-testid="source-DS.1.1"' in row(PERCENT) and "flag-overstated" in row(PERCENT)
    assert 'data-testid="source-DS.1.2"' in row("DS.1.2") and "flag-overstated" not in row("DS.1.2")
    assert "text-bg-success" in row("DS.1.3")  # confirmed
    assert 'data-testid="source-' not in row("DS.2.1")  # self-reported only
    assert 'data-testid="source-legend"' in page
