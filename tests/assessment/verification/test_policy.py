"""A round's verification policy: what must be verified before results, and whether
supervisors verify too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.collection.models import RoundStatus, Submission
from assessment.results.models import Result
from assessment.results.services.compute import ComputeError, compute_round
from assessment.verification.models import Requirement, VerificationPolicy
from tests.assessment.builders import fill_values, make_round
from tests.assessment.verification.test_verify import XIHU, post, url

REQUIRED = ["DS.1.1", "DS.1.2"]


@pytest.fixture
def round_(regions, default_system):
    round_ = make_round(default_system, status=RoundStatus.CLOSED)
    fill_values(round_, [XIHU, "330108"])
    return round_


def save_policy(client, round_, **data):
    return client.post(reverse("assessment:verification_policy", args=[round_.pk]), data,
                       follow=True)  # fmt: skip


def test_an_administrator_sets_the_policy_on_the_round_page(client, round_, administrator):
    client.force_login(administrator)
    page = client.get(reverse("assessment:round_detail", args=[round_.pk])).content.decode()
    assert 'data-testid="policy-form"' in page
    refused = save_policy(client, round_, requirement=Requirement.LISTED)
    assert "请选择必须核验的指标" in refused.content.decode()
    assert not VerificationPolicy.objects.exists()
    save_policy(client, round_, requirement=Requirement.LISTED, indicator_codes=REQUIRED,
                supervisors_verify="on")  # fmt: skip
    policy = VerificationPolicy.objects.get(round=round_)
    assert policy.indicator_codes == REQUIRED and policy.supervisors_verify
    page = client.get(reverse("assessment:round_detail", args=[round_.pk])).content.decode()
    assert 'data-testid="verification-coverage"' in page and "0 / 4" not in page
    assert "4 项必须核验的数值中已核验 0 项" in page


def test_results_wait_for_the_required_verifications(client, round_, evaluator_zhejiang):
    VerificationPolicy.objects.create(round=round_, requirement=Requirement.LISTED,
                                      indicator_codes=REQUIRED)  # fmt: skip
    with pytest.raises(ComputeError, match="2 个地区的 4 个数值尚未核验"):
        compute_round(round_=round_, with_sensitivity=False)
    assert not Result.objects.exists()
    client.force_login(evaluator_zhejiang)
    for code in (XIHU, "330108"):
        post(client, round_, {leaf: {"action": "confirm"} for leaf in REQUIRED}, code=code)
    compute_round(round_=round_, with_sensitivity=False)
    assert Result.objects.filter(round=round_).exists()


def test_supervisors_verify_only_where_the_round_says_so(
    client, round_, supervisor_hangzhou, staff_xihu
):
    client.force_login(supervisor_hangzhou)
    assert client.get(url(round_)).status_code == 403
    queue = client.get(reverse("assessment:verification_queue")).content.decode()
    assert f"queue-row-{round_.pk}-{XIHU}" not in queue
    VerificationPolicy.objects.create(round=round_, supervisors_verify=True)
    assert client.get(url(round_)).status_code == 200
    queue = client.get(reverse("assessment:verification_queue")).content.decode()
    assert f"queue-row-{round_.pk}-{XIHU}" in queue
    assert client.get(url(round_, "330100")).status_code in (403, 404)  # Hangzhou: their own
    Submission.objects.filter(round=round_).update(status="draft")
    assert (
        f"queue-row-{round_.pk}-{XIHU}"
        not in client.get(reverse("assessment:verification_queue")).content.decode()
    )


def test_the_overstatement_settings_are_checked(client, round_, administrator):
    client.force_login(administrator)
    page = save_policy(client, round_, requirement="none", overstatement="on",
                       penalty_factor="1.5").content.decode()  # fmt: skip
    assert "小于或等于" in page and not VerificationPolicy.objects.exists()
    save_policy(client, round_, requirement="none", overstatement="on", tolerance_points="3")
    policy = VerificationPolicy.objects.get(round=round_)
    assert policy.overstatement and policy.tolerance_points == 3 and policy.penalty_factor == 0
