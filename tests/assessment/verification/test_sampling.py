"""Sampling sheets (抽样核验): for a sample-audit indicator (evidence kind AUD), the verifier lists
the items checked; the share that counts becomes the verified value."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from assessment.collection.models import AuditEntry, RoundStatus
from assessment.verification.models import Reason, SampleItem, Verification
from tests.assessment.builders import fill_values, make_round
from tests.assessment.verification.test_verify import XIHU, url

AUDITED = "SV.2.1"  # 办事指南要素准确率: the assessor samples service guides


@pytest.fixture
def round_(regions, default_system):
    round_ = make_round(default_system, status=RoundStatus.CLOSED)
    fill_values(round_, [XIHU, "330108"], value=lambda region, leaf: Decimal("96")
                if leaf.value_type == "percent" else Decimal("1"))  # fmt: skip
    return round_


def sheet_url(round_, code=AUDITED):
    return reverse("assessment:sample_sheet", args=[round_.pk, XIHU, code])


def sheet_data(items, *, version=0, note=""):
    data = {"item-TOTAL_FORMS": str(len(items)), "item-INITIAL_FORMS": "0",
            "version": str(version), "note": note}  # fmt: skip
    for index, (label, counts, item_note) in enumerate(items):
        data[f"item-{index}-label"] = label
        data[f"item-{index}-counts"] = counts
        data[f"item-{index}-note"] = item_note
    return data


def test_the_rate_of_the_items_that_count_is_the_verified_value(client, round_, evaluator_zhejiang):
    client.force_login(evaluator_zhejiang)
    page = client.get(url(round_)).content.decode()
    assert f'data-testid="sample-link-{AUDITED}"' in page
    assert 'data-testid="sample-link-DS.1.1"' not in page  # not a sample-audit indicator
    form = client.get(sheet_url(round_)).content.decode()
    assert form.count('name="item-') >= 50 * 3  # fifty rows to start with
    items = [(f"办事指南 {n}", "yes" if n <= 17 else "no", "要素缺失" if n > 17 else "")
             for n in range(1, 21)] + [("", "", "")]  # fmt: skip
    response = client.post(sheet_url(round_), sheet_data(items, note="2025-03 抽查"))
    assert response.status_code == 302
    verification = Verification.objects.get(submission__region_id=XIHU, indicator__code=AUDITED)
    assert verification.verified_value == Decimal("85.00") and verification.corrected
    assert verification.reason == Reason.SAMPLE_RECOUNT
    assert "20" in verification.note and "17" in verification.note and "抽查" in verification.note
    assert list(verification.samples.values_list("position", "counts"))[:2] == [
        (1, True),
        (2, True),
    ]
    assert verification.samples.count() == 20
    assert AuditEntry.objects.filter(action="verified", new="85").exists()
    # Saved again: the new sheet replaces the old one.
    client.post(sheet_url(round_), sheet_data([("指南 A", "yes", "")], version=1))
    verification.refresh_from_db()
    assert verification.samples.count() == 1 and verification.verified_value == 100


def test_a_bad_sheet_comes_back_with_what_was_typed_and_saves_nothing(
    client, round_, evaluator_zhejiang
):
    client.force_login(evaluator_zhejiang)
    response = client.post(
        sheet_url(round_), sheet_data([("指南 1", "", "只填了名称"), ("", "yes", "")])
    )
    text = response.content.decode()
    assert response.status_code == 200 and "只填了名称" in text
    assert not Verification.objects.exists() and not SampleItem.objects.exists()
    empty = client.post(sheet_url(round_), sheet_data([("", "", "")]))
    assert "请至少填写一项" in empty.content.decode() and not Verification.objects.exists()
    stale = client.post(sheet_url(round_), sheet_data([("指南 1", "yes", "")], version=3))
    assert stale.status_code == 200 and not Verification.objects.exists()


def test_only_sample_audit_indicators_have_a_sheet_and_only_verifiers_see_it(
    client, round_, evaluator_zhejiang, staff_xihu
):
    client.force_login(evaluator_zhejiang)
    assert client.get(sheet_url(round_, "DS.1.1")).status_code == 404
    assert client.get(sheet_url(round_, "NOPE")).status_code == 404
    client.force_login(staff_xihu)
    assert client.get(sheet_url(round_)).status_code == 403
