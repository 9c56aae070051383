"""Expert panels in a real browser: two experts score one cell of 西湖区 on their own, far apart;
the evaluator adjudicates it; the administrator computes; 西湖区's staff see their own level
beside the panel's."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from assessment.collection.models import Round, RoundStatus, Value
from assessment.panels.models import (
    CellStatus,
    ChecklistStep,
    ExpertScore,
    PanelCell,
    StepScreenshot,
)
from assessment.results.models import Result
from tests.assessment.files import PNG_BYTES
from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_dashboards import assert_clean, watch

XIHU = "330106"


def reopen_cell(round_: Round, code: str | None = None) -> PanelCell:
    """The demo's 2025 round as before its panel finished one cell: closed, the cell of 西湖区's
    first panel indicator (or `code`) assigned to expert-3 and expert-4, unscored."""
    Round.objects.filter(pk=round_.pk).update(status=RoundStatus.CLOSED, published_at=None)
    cell = PanelCell.objects.get(
        panel__round=round_, region_id=XIHU, indicator__code=code or round_.panel.indicator_codes[0]
    )
    cell.scores.all().delete()
    PanelCell.objects.filter(pk=cell.pk).update(
        status=CellStatus.SCORING, final_level=None, adjudicated=False, adjudicated_by=None,
        reason="", decided_at=None,
    )  # fmt: skip
    for username in ("expert-3", "expert-4"):
        ExpertScore.objects.create(
            cell=cell, expert=get_user_model().objects.get(username=username)
        )
    return cell


def score(page, server, username: str, cell: PanelCell, level: int, why: str) -> None:
    log_in(page, server, username)
    page.click("[data-testid=nav-panel]")
    page.wait_for_load_state("networkidle")
    page.click(f"[data-testid='panel-cell-{XIHU}-{cell.indicator.code}'] a")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=rubric] li").count() == 6  # L0–L5 described
    page.check(f"input[name=level][value='{level}']")
    page.fill("textarea[name=justification]", why)
    if username == "expert-3":
        screenshot(page, "panel-score")
    page.click("[data-testid=score-save]")
    page.wait_for_load_state("networkidle")
    assert "您的评分已保存" in page.locator(".messages").inner_text()
    page.click("[data-testid=user-menu]")
    page.click("text=退出登录")


def test_two_experts_disagree_the_evaluator_settles_and_the_profile_shows_both(
    page, demo_server, job_worker, settings, tmp_path
):
    problems = watch(page)
    round_ = Round.objects.get(period="2025")
    cell = reopen_cell(round_)
    own = Value.objects.get(submission__round=round_, submission__region_id=XIHU,
                            indicator=cell.indicator).value  # fmt: skip
    score(page, demo_server, "expert-3", cell, 4, "制度健全，有年度运行报告。")
    score(page, demo_server, "expert-4", cell, 1, "仅有制度文件，未见运行记录。")
    cell.refresh_from_db()
    assert cell.status == CellStatus.ADJUDICATION

    log_in(page, demo_server, "evaluator")
    page.goto(f"{demo_server.url}/panel/adjudication/")
    page.click(f"[data-testid='adjudicate-{XIHU}-{cell.indicator.code}'] a")
    page.wait_for_load_state("networkidle")
    levels = page.locator("[data-testid=expert-levels]").inner_text()
    assert "L4" in levels and "L1" in levels and "未见运行记录" in levels
    page.check("input[name=level][value='3']")
    page.fill("textarea[name=reason]", "运行记录可在省平台查到，按 L3 认定。")
    screenshot(page, "panel-adjudicate")
    page.click("[data-testid=adjudicate-save]")
    page.wait_for_load_state("networkidle")
    assert "最终等级已确定" in page.locator(".messages").inner_text()
    page.click("[data-testid=user-menu]")
    page.click("text=退出登录")

    log_in(page, demo_server, "admin")
    page.goto(f"{demo_server.url}/rounds/{round_.pk}/panel/")
    screenshot(page, "panel-setup")
    assert page.locator("[data-testid=panel-indicators] tbody tr").count() == 3
    page.goto(f"{demo_server.url}/")
    page.once("dialog", lambda dialog: dialog.accept())  # 计算结果 asks first, in numbers
    page.click(f"[data-testid=compute-{round_.pk}]")
    page.wait_for_url("**/jobs/*/")
    page.locator("[data-testid=job-message]").wait_for(state="visible", timeout=120_000)
    result = Result.objects.get(round=round_, region_id=XIHU, indicator=cell.indicator)
    assert result.score == 60  # L3 × 20: the adjudicated level, not the region's own
    Round.objects.filter(pk=round_.pk).update(status=RoundStatus.PUBLISHED)
    page.click("[data-testid=user-menu]")
    page.click("text=退出登录")

    log_in(page, demo_server, f"staff-{XIHU}")
    page.goto(f"{demo_server.url}/results/{round_.pk}/regions/{XIHU}/")
    row = page.locator(f"[data-testid='panel-level-{cell.indicator.code}']")
    text = row.inner_text()
    assert f"L{int(own)}" in text and "L3" in text and "已裁定" in text
    row.scroll_into_view_if_needed()
    screenshot(page, "panel-profile")
    assert_clean(problems)


def test_an_expert_does_the_mystery_shopping_on_a_phone(phone_page, demo_server, tmp_path):
    """SV.5.1 (适老化、无障碍与帮办代办) is scored by trying the service as an older citizen:
    the expert records six steps on a phone, one with a screenshot; the hall took too long."""
    page = phone_page
    problems = watch(page)
    round_ = Round.objects.get(period="2025")
    cell = reopen_cell(round_, "SV.5.1")
    log_in(page, demo_server, "expert-3")
    page.goto(f"{demo_server.url}/panel/")
    row = page.locator(f"[data-testid='panel-cell-{XIHU}-SV.5.1']")
    assert "暗访体验" in row.inner_text()
    row.locator("a").click()
    page.wait_for_load_state("networkidle")
    assert "老年人" in page.locator("[data-testid=scenario]").inner_text()
    assert page.locator("input[name=level]").count() == 0  # the steps decide the level
    minutes = {3: "4", 4: "32"}  # 12345 within its 5 minutes; the hall 32 of 20: too slow
    for position in range(1, 7):
        step = page.locator(f"[data-testid=step-{position}]")
        worked = "yes" if position != 5 else "no"
        step.locator(f"input[value={worked}]").check()
        if position in minutes:
            step.locator(f"input[name=minutes_{position}]").fill(minutes[position])
    page.fill("input[name=note_5]", "大厅未配备老花镜")
    picture = tmp_path / "hall.png"
    picture.write_bytes(PNG_BYTES)
    page.set_input_files("input[name=screenshot_4]", str(picture))
    page.fill("textarea[name=justification]", "长辈版与热线顺畅，大厅等候过长。")
    screenshot(page, "panel-mystery-shopping-phone")
    page.click("[data-testid=score-save]")
    page.wait_for_load_state("networkidle")
    assert "您的评分已保存" in page.locator(".messages").inner_text()
    mine = ExpertScore.objects.get(cell=cell, expert__username="expert-3")
    assert mine.level == 3  # 4 of 6 steps in time: 67 %
    assert ChecklistStep.objects.filter(score=mine, done=True).count() == 5
    assert StepScreenshot.objects.filter(score=mine, position=4).count() == 1
    assert_clean(problems)
