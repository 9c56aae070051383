"""The closed loop in a real browser (发现→反馈→整改→共享): results are published and become
tasks; the staff of a weak county answer one with a plan and evidence and mark it done, the
task page pointing at a strong peer's practice; a supervisor follows the progress page and
verifies the task. Phone-sized pages are checked too."""

from __future__ import annotations

from assessment.collection.models import Round, RoundStatus
from assessment.rectification.models import Practice, PracticeStatus, RectificationTask
from tests.assessment.files import PDF_BYTES
from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_dashboards import assert_charts_rendered, assert_clean, watch


def unpublish_without_tasks(round_: Round) -> None:
    """The demo's 2025 round as it was before publication: closed, computed, no tasks."""
    RectificationTask.objects.filter(round=round_).delete()
    Round.objects.filter(pk=round_.pk).update(status=RoundStatus.CLOSED, published_at=None)


def weak_county_task() -> RectificationTask:
    """A county's task on an indicator on which a strong peer shared an approved practice."""
    practices = Practice.objects.filter(status=PracticeStatus.APPROVED)
    codes = set(practices.values_list("indicator__code", flat=True))
    authors = set(practices.values_list("region_id", flat=True))
    return (
        RectificationTask.objects.filter(
            round__period="2025", region__level="county", indicator__code__in=codes
        )
        .exclude(region_id__in=authors)
        .select_related("region", "indicator")
        .order_by("region_id", "indicator__order")
        .first()
    )


def test_publish_answer_share_and_verify(page, demo_server, job_worker, settings, tmp_path):
    problems = watch(page)
    round_2025 = Round.objects.get(period="2025")
    unpublish_without_tasks(round_2025)

    # 发现: an administrator publishes the results (a background job); the findings become
    # tasks.
    log_in(page, demo_server, "admin")
    page.goto(f"{demo_server.url}/results/")
    page.click(f"[data-testid=publish-{round_2025.pk}]")
    page.wait_for_url("**/jobs/*/")
    done = page.locator("[data-testid=job-message]")
    done.wait_for(state="visible", timeout=60_000)
    screenshot(page, "publish-job-done")
    message = done.inner_text()
    created = RectificationTask.objects.filter(round=round_2025).count()
    assert created > 1000 and f"新生成 {created} 项整改任务" in message
    page.click("[data-testid=user-menu]")
    page.click("text=退出登录")

    # 反馈 → 整改: the staff of a weak county answer one of their tasks.
    task = weak_county_task()
    practice = Practice.objects.get(
        status=PracticeStatus.APPROVED, indicator__code=task.indicator.code
    )
    log_in(page, demo_server, f"staff-{task.region_id}")
    assert "我的整改任务" in page.locator("[data-testid=home-tasks]").inner_text()
    page.click("[data-testid=open-my-tasks]")
    page.wait_for_load_state("networkidle")
    screenshot(page, "loop-my-notices")
    # one 整改通知 for the region, its findings as items
    row = page.locator(f"[data-testid=notice-row-{task.region_id}]")
    items = RectificationTask.objects.filter(round=round_2025, region_id=task.region_id).count()
    assert "已下发" in row.inner_text() and row.locator(
        "[data-testid=notice-items]"
    ).inner_text() == str(items)
    row.locator("a").first.click()
    page.wait_for_load_state("networkidle")
    assert f"发现你地区有 {items} 个问题需要整改" in page.inner_text("[data-testid=notice-text]")
    screenshot(page, "loop-notice")
    page.click(f"[data-testid=notice-item-{task.pk}] a")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=task-status]").inner_text() == "待整改"
    finding = page.locator("[data-testid=task-finding]").inner_text()
    assert task.indicator.code in finding and ("低于整改线" in finding or "门槛" in finding)
    # Who does this well and how: the strong peer's approved practice.
    practices = page.locator("[data-testid=task-practices]")
    assert practice.title in practices.inner_text()
    page.fill("#id_plan", "对标先进地区做法，逐项梳理问题清单，按月推进。")
    page.fill("#id_note", "问题清单已梳理完毕。")
    page.fill("#id_percent", "60")
    evidence = tmp_path / "整改方案.pdf"
    evidence.write_bytes(PDF_BYTES)
    page.set_input_files("#task-files", str(evidence))
    page.click("[data-testid=answer-submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=task-status]").inner_text() == "整改中"
    assert "整改方案.pdf" in page.locator("[data-testid=task-evidence]").inner_text()
    page.fill("#done-note", "整改完成，佐证已上传。")
    page.click("[data-testid=mark-done]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=task-status]").inner_text() == "已完成"
    assert "整改方案.pdf" in page.locator("[data-testid=task-log]").inner_text()
    screenshot(page, "loop-task-done")
    page.click("[data-testid=task-notice]")  # back to the notice: being rectified, 1 done
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-testid=notice-status]") == "整改中"
    assert page.inner_text("[data-testid=notice-complete]") == f"1/{items}"
    page.go_back()

    # 共享: the practice behind the link.
    practices.locator(f"a[href='/practices/{practice.pk}/']").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=practice-title]").inner_text() == practice.title
    screenshot(page, "loop-practice")
    page.click("[data-testid=user-menu]")
    page.click("text=退出登录")

    # A supervisor follows the progress (挂图作战) and verifies the task.
    log_in(page, demo_server, "supervisor")
    page.click(f"[data-testid=home-progress-{round_2025.pk}]")
    page.wait_for_load_state("networkidle")
    assert_charts_rendered(page, ["completion"])
    assert page.locator("[data-testid=count-done]").inner_text() == "1"
    screenshot(page, "loop-progress")
    page.goto(f"{demo_server.url}/tasks/{task.pk}/")
    page.click("[data-testid=verify]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=task-status]").inner_text() == "已核验"
    task.refresh_from_db()
    assert task.status == "verified"
    log = page.locator("[data-testid=task-log]").inner_text()
    assert f"staff-{task.region_id}" in log and "supervisor" in log
    screenshot(page, "loop-task-verified")
    assert_clean(problems)


def test_task_and_progress_pages_on_a_phone(phone_page, demo_server):
    problems = watch(phone_page)
    round_2025 = Round.objects.get(period="2025")
    task = RectificationTask.objects.filter(round=round_2025, region_id="330106").first()
    log_in(phone_page, demo_server, "staff-330106")
    phone_page.goto(f"{demo_server.url}/tasks/{task.pk}/")
    phone_page.wait_for_load_state("networkidle")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing wider than the screen
    screenshot(phone_page, "loop-task-phone")
    log_in(phone_page, demo_server, "supervisor")
    phone_page.goto(f"{demo_server.url}/rounds/{round_2025.pk}/tasks/")
    phone_page.wait_for_load_state("networkidle")
    assert_charts_rendered(phone_page, ["completion"])
    assert phone_page.evaluate("document.querySelector('#chart-completion').scrollWidth") <= 390
    screenshot(phone_page, "loop-progress-phone")
    phone_page.goto(f"{demo_server.url}/practices/")
    phone_page.wait_for_load_state("networkidle")
    screenshot(phone_page, "loop-library-phone")
    assert_clean(problems)
