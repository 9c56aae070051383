"""Verification in a real browser: the provincial evaluator opens the queue, corrects two of a
submitted region's values with reasons, and sees them as corrected; a wrong value comes back
with everything typed."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from assessment.collection.models import Round, Submission, SubmissionStatus
from assessment.verification.models import Verification, VerifierEvidence
from tests.assessment.files import REAL_PNG
from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_dashboards import assert_clean, watch


def test_an_evaluator_corrects_two_values(page, demo_server):
    problems = watch(page)
    round_2026 = Round.objects.get(period="2026")
    submitted = (
        Submission.objects.filter(round=round_2026, status=SubmissionStatus.SUBMITTED)
        .order_by("region_id")
        .first()
    )
    log_in(page, demo_server, "evaluator")
    page.click("[data-testid=nav-verification]")
    page.wait_for_load_state("networkidle")
    page.click(f"[data-testid=queue-row-{round_2026.pk}-{submitted.region_id}] a")
    page.wait_for_load_state("networkidle")
    # The 2026 round is on v2: a county is verified on what it answers (no DS.1 there).
    # A value above the indicator's bound: refused, and everything typed comes back.
    page.select_option("select[name='action-SV.1.3']", "correct")
    page.fill("input[name='value-SV.1.3']", "140")
    page.select_option("select[name='reason-SV.1.3']", "sample_recount")
    page.fill("input[name='note-SV.1.3']", "抽查 50 份办事指南，20 份合格")
    page.click("[data-testid=verify-save]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid='verify-error-SV.1.3']").is_visible()
    assert page.input_value("input[name='note-SV.1.3']") == "抽查 50 份办事指南，20 份合格"
    page.fill("input[name='value-SV.1.3']", "40")
    page.select_option("select[name='action-SV.3.3']", "correct")
    page.fill("input[name='value-SV.3.3']", "10")
    page.select_option("select[name='reason-SV.3.3']", "evidence_missing")
    page.select_option("select[name='action-SV.1.1']", "confirm")
    page.click("[data-testid=verify-save]")
    page.wait_for_load_state("networkidle")
    assert "已保存 3 项核验结果" in page.locator(".messages").inner_text()
    assert "已更正" in page.locator("[data-testid='verify-current-SV.1.3']").inner_text()
    assert "已确认" in page.locator("[data-testid='verify-current-SV.1.1']").inner_text()
    screenshot(page, "verification-saved")
    # A sample-audit indicator: four service guides checked, three count.
    page.click("[data-testid='sample-link-SV.2.1']")
    page.wait_for_load_state("networkidle")
    for index, (label, counts) in enumerate(
        [("社保卡申领指南", "yes"), ("居住证办理指南", "yes"), ("不动产登记指南", "no"),
         ("公积金提取指南", "yes")]
    ):  # fmt: skip
        page.fill(f"input[name='item-{index}-label']", label)
        page.select_option(f"select[name='item-{index}-counts']", counts)
    page.fill("input[name='item-2-note']", "材料清单与窗口要求不一致")
    page.set_input_files("input[name='item-2-screenshot']", files=[
        {"name": "不动产登记指南.png", "mimeType": "image/png", "buffer": REAL_PNG}])  # fmt: skip
    screenshot(page, "verification-sample-sheet")
    page.click("[data-testid=sample-save]")
    page.wait_for_load_state("networkidle")
    assert "75" in page.locator("[data-testid='verify-current-SV.2.1']").inner_text()
    corrected = Verification.objects.filter(submission=submitted, corrected=True)
    assert sorted(corrected.values_list("indicator__code", flat=True)) == [
        "SV.1.3", "SV.2.1", "SV.3.3"]  # fmt: skip
    picture = VerifierEvidence.objects.get(submission=submitted, indicator__code="SV.2.1")
    assert (picture.sample_position, picture.original_name) == (3, "不动产登记指南.png")
    assert_clean(problems)


def test_an_administrator_requires_verification_before_results(page, demo_server):
    problems = watch(page)
    round_2026 = Round.objects.get(period="2026")
    log_in(page, demo_server, "admin")
    page.goto(f"{demo_server.url}/rounds/{round_2026.pk}/")
    card = page.locator("[data-testid=verification-policy]")
    card.locator("select[name=requirement]").select_option("listed")
    card.locator("select[name=indicator_codes]").select_option(["DS.1.1", "SV.2.1"])
    card.locator("input[name=supervisors_verify]").check()
    card.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "核验要求已保存" in page.locator(".messages").inner_text()
    coverage = page.locator("[data-testid=verification-coverage]").inner_text()
    assert "必须核验的数值中已核验 0 项" in coverage
    card.scroll_into_view_if_needed()
    screenshot(page, "verification-policy")
    assert_clean(problems)


def test_verification_shows_in_the_ranking_and_blocks_divide_the_work(page, demo_server):
    """The demo's 2025 round was verified before it was computed: the Hangzhou ranking marks
    西湖区's overstated value and its score effect. An administrator then gives the evaluator a
    block of the 2026 round: Hangzhou's data-sharing indicators."""
    problems = watch(page)
    round_2025, round_2026 = Round.objects.get(period="2025"), Round.objects.get(period="2026")
    log_in(page, demo_server, "supervisor")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{demo_server.url}/results/{round_2025.pk}/?level=county&parent=330100")
    row = page.locator("tr", has=page.locator("a[href$='/regions/330106/']"))
    assert "虚报 1" in row.locator(".flag-overstated").inner_text()
    assert "核验修正" in row.locator(".flag-corrected").inner_text()
    screenshot(page, "verification-ranking-flags")
    page.goto(f"{demo_server.url}/rounds/{round_2025.pk}/verification/")
    effect = page.locator("[data-testid='summary-region-330106'] td").nth(4).inner_text()
    assert effect.startswith("−")
    log_in(page, demo_server, "admin")
    page.goto(f"{demo_server.url}/rounds/{round_2026.pk}/")
    page.click("[data-testid=blocks-link]")
    page.wait_for_load_state("networkidle")
    evaluator = get_user_model().objects.get(username="evaluator")
    page.select_option("select[name=verifier]", str(evaluator.pk))
    page.fill("input[name=region]", "330100")
    page.fill("input[name=indicators]", "DS")
    page.click("[data-testid=block-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已分配" in page.locator(".messages").inner_text()
    assert page.locator("[data-testid^=block-]").filter(has_text="330100").count() == 1
    screenshot(page, "verification-blocks")
    log_in(page, demo_server, "evaluator")
    page.goto(f"{demo_server.url}/verification/?round={round_2026.pk}")
    rows = page.locator("[data-testid^=queue-row-]")
    assert rows.count() >= 1
    assert all("/rounds/" in rows.nth(i).inner_html() for i in range(rows.count()))
    assert all(
        rows.nth(i).get_attribute("data-testid").split("-")[-1].startswith("3301")
        for i in range(rows.count())
    )
    assert_clean(problems)
