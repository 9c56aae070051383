"""Evaluators verify a region's values (自评→核验): confirm or correct with a reason; results use
the verified value; the region sees both."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.collection.models import AuditEntry, RoundStatus, Submission, SubmissionStatus
from assessment.results.models import Result
from assessment.results.services.compute import compute_round
from assessment.verification.models import Reason, Verification
from tests.assessment.builders import fill_values, make_round
from tests.conftest import make_user

XIHU, BINJIANG = "330106", "330108"
PERCENT = "DS.1.1"  # a percentage with bounds 0–100


@pytest.fixture
def round_(regions, default_system):
    round_ = make_round(default_system, status=RoundStatus.CLOSED)
    fill_values(round_, [XIHU, BINJIANG, "330100", "330102"])
    return round_


def url(round_, code=XIHU) -> str:
    return reverse("assessment:verify", args=[round_.pk, code])


def leaf(round_, code=PERCENT):
    return round_.system.indicators.get(code=code)


def post(client, round_, rows: dict[str, dict[str, str]], code=XIHU):
    data = {}
    for indicator, fields in rows.items():
        verification = Verification.objects.filter(
            submission__round=round_, submission__region_id=code, indicator__code=indicator
        ).first()
        data[f"version-{indicator}"] = str(verification.version if verification else 0)
        data.update({f"{name}-{indicator}": value for name, value in fields.items()})
    return client.post(url(round_, code), data)


def test_an_evaluator_corrects_a_value_with_a_reason_and_confirms_another(
    client, round_, evaluator_zhejiang
):
    client.force_login(evaluator_zhejiang)
    page = client.get(url(round_))
    assert page.status_code == 200 and 'data-testid="verify-row-DS.1.1"' in page.content.decode()
    response = post(client, round_, {
        PERCENT: {"action": "correct", "value": "40", "reason": Reason.SAMPLE_RECOUNT,
                  "note": "抽查 50 份办事指南，20 份合格"},
        "DS.1.2": {"action": "confirm"},
    })  # fmt: skip
    assert response.status_code == 302
    corrected = Verification.objects.get(indicator=leaf(round_), submission__region_id=XIHU)
    own = Submission.objects.get(round=round_, region_id=XIHU).values.get(indicator=leaf(round_))
    assert corrected.verified_value == Decimal("40") and corrected.corrected
    assert corrected.self_value == own.value and own.value != Decimal("40")  # the region's kept
    assert corrected.verified_by == evaluator_zhejiang and corrected.reason == Reason.SAMPLE_RECOUNT
    confirmed = Verification.objects.get(indicator__code="DS.1.2", submission__region_id=XIHU)
    assert not confirmed.corrected and confirmed.verified_value == confirmed.self_value
    audit = AuditEntry.objects.filter(action="verified", submission__region_id=XIHU)
    assert audit.count() == 2
    entry = audit.get(indicator=leaf(round_))
    assert entry.new == "40" and "抽查" in entry.reason and entry.actor == evaluator_zhejiang


def test_bad_input_keeps_everything_typed_and_saves_nothing(client, round_, evaluator_zhejiang):
    client.force_login(evaluator_zhejiang)
    response = post(client, round_, {
        PERCENT: {"action": "correct", "value": "140", "reason": Reason.CALCULATION,
                  "note": "计算口径错误"},
        "DS.1.2": {"action": "correct", "value": "55", "reason": ""},
        "DS.1.3": {"action": "confirm"},
    })  # fmt: skip
    text = response.content.decode()
    assert response.status_code == 200  # the form again, with its errors
    assert 'data-testid="verify-error-DS.1.1"' in text and "100" in text  # the upper bound
    assert 'data-testid="verify-error-DS.1.2"' in text
    assert 'value="140"' in text and 'value="计算口径错误"' in text and 'value="55"' in text
    assert not Verification.objects.exists() and not AuditEntry.objects.exists()


def test_two_verifiers_on_one_cell_do_not_overwrite_each_other(
    client, round_, evaluator_zhejiang, administrator
):
    client.force_login(evaluator_zhejiang)
    stale = {f"version-{PERCENT}": "0", f"action-{PERCENT}": "correct", f"value-{PERCENT}": "30",
             f"reason-{PERCENT}": Reason.OTHER}  # fmt: skip
    client.force_login(administrator)
    post(client, round_, {PERCENT: {"action": "correct", "value": "50", "reason": Reason.OTHER}})
    client.force_login(evaluator_zhejiang)
    response = client.post(url(round_), stale, follow=True)  # shown before the other save
    assert "DS.1.1" in response.content.decode()
    verification = Verification.objects.get(indicator=leaf(round_), submission__region_id=XIHU)
    assert verification.verified_value == Decimal("50") and verification.version == 1
    assert AuditEntry.objects.filter(action="verified").count() == 1


def test_nobody_verifies_their_own_region_and_staff_never_verify(
    client, round_, staff_xihu, supervisor_hangzhou, regions
):
    client.force_login(staff_xihu)
    assert client.get(url(round_)).status_code == 403
    assert client.get(url(round_, BINJIANG)).status_code == 404
    client.force_login(supervisor_hangzhou)  # a supervisor reviews; verifying is evaluators'
    assert client.get(url(round_)).status_code == 403
    city_evaluator = make_user("evaluator-330100", "330100", "evaluator")
    client.force_login(city_evaluator)
    assert client.get(url(round_)).status_code == 200
    assert client.get(url(round_, "330100")).status_code == 403  # Hangzhou is their own
    response = post(client, round_, {PERCENT: {"action": "confirm"}}, code="330100")
    assert response.status_code == 403 and not Verification.objects.exists()


def test_a_draft_is_not_verified_and_a_published_round_needs_an_administrator(
    client, round_, evaluator_zhejiang, administrator
):
    Submission.objects.filter(round=round_, region_id=XIHU).update(status=SubmissionStatus.DRAFT)
    client.force_login(evaluator_zhejiang)
    assert 'data-testid="verify-not-open"' in client.get(url(round_)).content.decode()
    assert post(client, round_, {PERCENT: {"action": "confirm"}}).status_code == 409
    Submission.objects.filter(round=round_).update(status=SubmissionStatus.APPROVED)
    round_.status = RoundStatus.PUBLISHED
    round_.save()
    assert client.get(url(round_)).status_code == 403
    client.force_login(administrator)
    assert post(client, round_, {PERCENT: {"action": "confirm"}}).status_code == 302


def test_results_use_the_verified_value_and_the_profile_shows_both(
    client, round_, evaluator_zhejiang, staff_xihu
):
    compute_round(round_=round_, with_sensitivity=False)
    before = Result.objects.get(round=round_, region_id=XIHU, indicator=leaf(round_)).score
    client.force_login(evaluator_zhejiang)
    post(client, round_, {PERCENT: {"action": "correct", "value": "0", "reason": Reason.OTHER,
                                    "note": "无证据"}})  # fmt: skip
    compute_round(round_=round_, with_sensitivity=False)
    after = Result.objects.get(round=round_, region_id=XIHU, indicator=leaf(round_)).score
    assert before > 0 and after == 0
    other = Result.objects.get(round=round_, region_id=BINJIANG, indicator=leaf(round_))
    assert other.score > 0  # only the verified cell changed
    round_.status = RoundStatus.PUBLISHED
    round_.save()
    client.force_login(staff_xihu)
    profile = client.get(reverse("assessment:profile", args=[round_.pk, XIHU])).content.decode()
    assert 'data-testid="correction-DS.1.1"' in profile and "无证据" in profile


def test_the_queue_lists_what_is_left_in_a_constant_number_of_queries(
    client, round_, evaluator_zhejiang, staff_xihu
):
    client.force_login(evaluator_zhejiang)
    post(client, round_, {PERCENT: {"action": "correct", "value": "1", "reason": Reason.OTHER}})
    queue = reverse("assessment:verification_queue")
    client.get(queue)  # the session's own first-request writes out of the way
    with CaptureQueriesContext(connection) as few:
        text = client.get(queue, {"round": round_.pk}).content.decode()
    assert f'data-testid="queue-row-{round_.pk}-330106"' in text
    assert f'data-testid="queue-row-{round_.pk}-330108"' in text
    fill_values(round_, ["330109", "330110", "330122", "330127"])
    with CaptureQueriesContext(connection) as more:
        assert client.get(queue, {"round": round_.pk}).status_code == 200
    assert len(more) == len(few), "\n".join(q["sql"][:90] for q in more.captured_queries)
    client.force_login(staff_xihu)
    assert client.get(queue).status_code == 403


def test_a_verification_outlives_its_verifiers_account(
    client, round_, evaluator_zhejiang, administrator, staff_xihu
):
    client.force_login(evaluator_zhejiang)
    post(client, round_, {PERCENT: {"action": "correct", "value": "5", "reason": Reason.OTHER}})
    evaluator_zhejiang.delete()
    client.force_login(administrator)
    page = client.get(url(round_)).content.decode()
    assert 'data-testid="verify-current-DS.1.1"' in page
    verification = Verification.objects.get()
    assert verification.verified_by is None and verification.verified_value == Decimal("5")


def test_the_regions_evidence_is_on_its_row_files_to_download_and_links_as_links(
    client, round_, evaluator_zhejiang
):
    from assessment.collection.models import Evidence, Submission

    submission = Submission.objects.get(round=round_, region_id=XIHU)
    Evidence.objects.create(submission=submission, indicator=leaf(round_), kind="link",
                            url="https://data.example.gov.cn/catalogue")  # fmt: skip
    client.force_login(evaluator_zhejiang)
    page = client.get(url(round_)).content.decode()
    row = page.split('data-testid="verify-row-DS.1.1"')[1].split("</tr>")[0]
    assert 'href="https://data.example.gov.cn/catalogue"' in row
    assert "data.example.gov.cn/catalogue" in row.split('rel="noopener noreferrer"')[1]
