"""Withdrawing, approving several submissions and the questions of dangerous buttons, in
Chromium in Chinese: each question states what will happen in numbers, and answering "no"
does nothing."""

from __future__ import annotations

from assessment.collection.models import Round, Submission
from assessment.jobs.models import Job
from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_dashboards import assert_clean, watch


class Dialogs:
    """Answers every confirm() of the page, recording what it asked."""

    def __init__(self, page) -> None:
        self.asked: list[str] = []
        self.accept = True
        page.on("dialog", self.answer)

    def answer(self, dialog) -> None:
        self.asked.append(dialog.message)
        if self.accept:
            dialog.accept()
        else:
            dialog.dismiss()


def log_out(page) -> None:
    page.click("[data-testid=user-menu]")
    page.click("text=退出登录")


def test_withdraw_bulk_approve_and_questions_in_numbers(page, demo_server):
    problems = watch(page)
    dialogs = Dialogs(page)
    round_ = Round.objects.get(period="2026")  # 330109 and 330110 wait for review

    # 撤回: 330109's staff take their submission back.
    log_in(page, demo_server, "staff-330109")
    page.goto(f"{demo_server.url}/rounds/{round_.pk}/regions/330109/")
    page.fill("#withdraw-reason", "补充佐证材料")
    page.click("[data-testid=withdraw]")
    page.wait_for_selector("[data-testid=entry-form]")
    assert "撤回" in dialogs.asked[-1] or "Withdraw" in dialogs.asked[-1]
    assert Submission.objects.get(round=round_, region_id="330109").status == "draft"
    screenshot(page, "actions-withdrawn")
    log_out(page)

    # 批量通过: the Hangzhou supervisor ticks everything left and approves it.
    log_in(page, demo_server, "supervisor-330100")
    page.goto(f"{demo_server.url}/review/")
    assert page.locator("[data-testid=bulk-approve]").is_disabled()  # nothing ticked yet
    page.check("[data-testid=select-all]")
    screenshot(page, "actions-bulk-approve")
    page.click("[data-testid=bulk-approve]")
    page.wait_for_selector(".messages")
    assert "1" in dialogs.asked[-1] and "{checked" not in dialogs.asked[-1]
    assert "1" in page.locator(".messages").inner_text()
    assert Submission.objects.get(round=round_, region_id="330110").status == "approved"
    log_out(page)

    # 计算结果 on an open round: a warning with the counts, a question in numbers; "no" does
    # nothing.
    log_in(page, demo_server, "admin")
    dialogs.accept = False
    page.goto(f"{demo_server.url}/")
    warning = page.locator(f"[data-testid=compute-warning-{round_.pk}]").inner_text()
    assert "101" in warning
    page.click(f"[data-testid=compute-{round_.pk}]")
    assert "101" in dialogs.asked[-1]
    assert not Job.objects.filter(kind="results.compute").exists()
    screenshot(page, "actions-compute-warning")

    # 填入: the question names the chosen indicator and the number of drafts.
    page.goto(f"{demo_server.url}/rounds/{round_.pk}/")
    page.click("[data-testid=completion-fill]")
    chosen = page.locator("select[name=indicator] option:checked").inner_text()
    assert chosen in dialogs.asked[-1] and "{indicator}" not in dialogs.asked[-1]

    # 撤销发布: how many regions lose their results.
    published = Round.objects.get(period="2025")
    page.goto(f"{demo_server.url}/results/")
    page.click(f"[data-testid=unpublish-{published.pk}]")
    assert "101" in dialogs.asked[-1]
    published.refresh_from_db()
    assert published.status == "published"
    assert_clean(problems)
