"""自评 → 核验 → results in a real browser: 西湖区's staff submit; the evaluator corrects two
values, one by a sampling sheet; the supervisor approves; the administrator computes; 西湖区's
staff see their value beside the verified one, the reason, the 虚报 mark and the score effect."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from assessment.collection.models import (
    Evidence,
    Round,
    RoundStatus,
    Submission,
    SubmissionStatus,
    Value,
)
from assessment.results.models import Standing
from assessment.verification.models import Verification
from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_dashboards import assert_clean, watch

XIHU = "330106"


def reopen_for_xihu(round_: Round) -> Submission:
    """The demo's 2025 round as while it was open: 西湖区's values complete but not submitted,
    nothing of them verified yet (the round's overstatement rule stays on)."""
    Round.objects.filter(pk=round_.pk).update(
        status=RoundStatus.OPEN, published_at=None, closes_at=timezone.now() + timedelta(days=3)
    )
    submission = Submission.objects.get(round=round_, region_id=XIHU)
    Verification.objects.filter(submission=submission).delete()
    # The demo holds no evidence; the indicators that require it get a link each.
    required = round_.system.indicators.filter(evidence_required=True).exclude(value_type="")
    Evidence.objects.bulk_create(
        Evidence(submission=submission, indicator=leaf, kind="link",
                 url=f"https://data.xihu.example.gov.cn/{leaf.code}")
        for leaf in required
    )  # fmt: skip
    Submission.objects.filter(pk=submission.pk).update(
        status=SubmissionStatus.DRAFT, submitted_at=None, reviewed_at=None
    )
    return submission


def log_out(page) -> None:
    page.click("[data-testid=user-menu]")
    page.click("text=退出登录")


def test_staff_submit_the_evaluator_corrects_and_the_profile_shows_both_values(
    page, demo_server, job_worker, settings, tmp_path
):
    problems = watch(page)
    page.on("dialog", lambda dialog: dialog.accept())
    round_ = Round.objects.get(period="2025")
    submission = reopen_for_xihu(round_)
    own = dict(Value.objects.filter(submission=submission).values_list("indicator__code", "value"))

    # 自评: the staff submit their self-assessment.
    log_in(page, demo_server, f"staff-{XIHU}")
    page.goto(f"{demo_server.url}/rounds/{round_.pk}/regions/{XIHU}/")
    page.click("[data-testid=submit]")
    page.wait_for_selector("text=已提交审核")
    log_out(page)

    # 核验: the evaluator corrects DS.1.1 and re-counts SV.2.1 on a sampling sheet.
    log_in(page, demo_server, "evaluator")
    page.goto(f"{demo_server.url}/verification/?round={round_.pk}")
    page.click(f"[data-testid=queue-row-{round_.pk}-{XIHU}] a")
    page.wait_for_load_state("networkidle")
    # The region's evidence is on its rows, links as links.
    link = page.locator("[data-testid^='region-evidence-']").first.get_attribute("href")
    assert link.startswith("https://data.xihu.example.gov.cn/")
    page.select_option("select[name='action-DS.1.1']", "correct")
    page.fill("input[name='value-DS.1.1']", "60")
    page.select_option("select[name='reason-DS.1.1']", "evidence_contradicts")
    page.fill("input[name='note-DS.1.1']", "目录清单只覆盖 60% 的部门")
    page.click("[data-testid=verify-save]")
    page.wait_for_load_state("networkidle")
    page.click("[data-testid='sample-link-SV.2.1']")
    page.wait_for_load_state("networkidle")
    for index, counts in enumerate(("yes", "yes", "no", "no")):
        page.fill(f"input[name='item-{index}-label']", f"办事指南 {index + 1}")
        page.select_option(f"select[name='item-{index}-counts']", counts)
    page.click("[data-testid=sample-save]")
    page.wait_for_load_state("networkidle")
    assert "50" in page.locator("[data-testid='verify-current-SV.2.1']").inner_text()
    log_out(page)

    # The supervisor approves; the administrator computes.
    log_in(page, demo_server, "supervisor-330100")
    page.goto(f"{demo_server.url}/rounds/{round_.pk}/regions/{XIHU}/")
    page.click("[data-testid=approve]")
    page.wait_for_selector("text=已审核通过")
    log_out(page)
    log_in(page, demo_server, "admin")
    page.goto(f"{demo_server.url}/")
    page.click(f"[data-testid=compute-{round_.pk}]")
    page.wait_for_url("**/jobs/*/")
    page.locator("[data-testid=job-message]").wait_for(state="visible", timeout=120_000)
    standing = Standing.objects.get(round=round_, region_id=XIHU)
    assert standing.corrected == 2 and standing.overstated >= 1
    Round.objects.filter(pk=round_.pk).update(status=RoundStatus.PUBLISHED)
    log_out(page)

    # The region sees both values, the reason and the 虚报 mark, and what it cost.
    log_in(page, demo_server, f"staff-{XIHU}")
    page.goto(f"{demo_server.url}/results/{round_.pk}/regions/{XIHU}/")
    table = page.locator("[data-testid=profile-corrections]")
    row = table.locator("[data-testid='correction-DS.1.1']").inner_text()
    assert f"{own['DS.1.1'].normalize():f}" in row and "60" in row
    assert "证据与数值不符" in row or "佐证材料与数值不符" in row
    assert table.locator("[data-testid='overstated-DS.1.1']").is_visible()
    assert "50" in table.locator("[data-testid='correction-SV.2.1']").inner_text()
    effect = table.locator("[data-testid=profile-verification-effect]").inner_text()
    assert "−" in effect
    table.scroll_into_view_if_needed()
    screenshot(page, "verification-journey-profile")
    assert_clean(problems)
