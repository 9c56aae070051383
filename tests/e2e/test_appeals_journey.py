"""The appeal cycle in a real browser, on the demo's provisional Hangzhou round: 临平区's
staff appeal a value with evidence; the evaluator accepts it, the round is recomputed in the
background and the appeal's page lists the ranks that changed; once the window has closed and
every appeal is decided, the administrator publishes the final results, which makes the
rectification tasks and opens the public display."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from assessment.appeals.models import Appeal, AppealStatus
from assessment.appeals.services import REJECT, decide
from assessment.collection.models import Round, RoundStatus
from assessment.rectification.models import RectificationTask
from assessment.results.models import Result, Standing
from tests.assessment.files import PDF_BYTES
from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_dashboards import assert_clean, watch

LINPING = "330113"


def wait_for(condition, seconds: float = 60) -> None:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError("timed out")


def test_staff_appeal_the_evaluator_accepts_ranks_move_final_publication_makes_tasks(
    page, demo_server, job_worker, tmp_path
):
    problems = watch(page)
    round_ = Round.objects.get(period="2026H1")
    # 临平区 appeals its weakest-scoring percentage (the demo's values are fixed: so is this).
    weakest = (
        Result.objects.filter(
            round=round_,
            region_id=LINPING,
            indicator__value_type="percent",
            indicator__direction=1,
            indicator__source="form",
        )
        .order_by("score")
        .select_related("indicator")
        .first()
    )
    leaf = weakest.indicator
    assert weakest.score < 100
    before = Standing.objects.get(round=round_, region_id=LINPING)
    log_in(page, demo_server, f"staff-{LINPING}")
    page.goto(f"{demo_server.url}/results/{round_.pk}/regions/{LINPING}/")
    assert page.locator("[data-testid=provisional]").count() == 1
    page.click("[data-testid=appeal-link]")
    page.wait_for_load_state("networkidle")
    page.select_option("#id_indicator", str(leaf.pk))
    page.select_option("#id_category", "data_error")
    page.fill(
        "#id_statement", "省平台统计时漏计了区平台已办结的 36 条共享需求，实际满足率应为 100%。"
    )
    proof = tmp_path / "挂接清单.pdf"
    proof.write_bytes(PDF_BYTES)
    page.set_input_files("#id_files", str(proof))
    screenshot(page, "appeal-file")
    page.click("[data-testid=file-appeal]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=appeal-status]").inner_text() == "待处理"
    appeal = Appeal.objects.get(round=round_, region_id=LINPING, indicator=leaf)
    page.click("[data-testid=user-menu]")
    page.click("text=退出登录")

    log_in(page, demo_server, "evaluator")
    page.click("[data-testid=nav-appeals]")
    page.wait_for_load_state("networkidle")
    page.click(f"[data-testid='queue-{LINPING}-{leaf.code}'] a")
    page.wait_for_load_state("networkidle")
    assert "挂接清单.pdf" in page.content()
    page.check("input[name=action][value=correct]")
    page.fill("#id_value", "100")
    page.fill("#id_reason", "核对省平台挂接日志，按 100% 更正。")
    screenshot(page, "appeal-decide")
    page.click("[data-testid=decide]")
    page.wait_for_load_state("networkidle")
    wait_for(lambda: Round.objects.get(pk=round_.pk).computed_at > appeal_decided_at(appeal))
    page.reload()
    after = Standing.objects.get(round=round_, region_id=LINPING)
    assert after.score > before.score
    if after.rank != before.rank:
        assert page.locator("[data-testid=rank-changes]").count() == 1
    else:
        assert page.locator("[data-testid=ranks-unchanged]").count() == 1
    screenshot(page, "appeal-ranks")
    page.click("[data-testid=user-menu]")
    page.click("text=退出登录")

    # Time passes: the window closes; the remaining appeals are decided.
    Round.objects.filter(pk=round_.pk).update(appeals_close_at=timezone.now() - timedelta(hours=1))
    evaluator = appeal.decided_by
    for open_appeal in Appeal.objects.filter(round=round_, status=AppealStatus.OPEN):
        decide(
            appeal=open_appeal, action=REJECT, reason="证据不足", user=evaluator, recompute=False
        )
    log_in(page, demo_server, "admin")
    page.goto(f"{demo_server.url}/results/{round_.pk}/")
    page.click(f"[data-testid=publish-{round_.pk}]")
    page.wait_for_load_state("networkidle")
    round_.refresh_from_db()
    assert round_.status == RoundStatus.PUBLISHED
    assert RectificationTask.objects.filter(round=round_).exists()
    page.goto(f"{demo_server.url}/public/{round_.pk}/")
    assert page.locator("[data-testid=public-title]").count() == 1
    assert_clean(problems)


def appeal_decided_at(appeal: Appeal):
    appeal.refresh_from_db()
    return appeal.decided_at
