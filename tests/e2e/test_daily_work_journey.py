"""The working day of issue 24 in Chromium, in Chinese: the home page's to-do (待办) leads to
the work, a supervisor chases (催报) a region that has not started (at most once a day), its
staff read the notice in the notification centre and follow it to their form, a returned
submission reaches its staff, and an evaluator's to-do links open."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from assessment.collection.models import Round, Submission
from assessment.notifications.models import Notification
from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_dashboards import assert_clean, watch

SUPERVISOR = "supervisor-330100"  # Hangzhou
RETURNED = "330109"  # submitted to 2026 in the demo, waiting for review


def todo_count(page, key: str) -> int:
    return int(page.inner_text(f"[data-testid=todo-{key}] .todo-count"))


def unread(username: str) -> int:
    user = get_user_model().objects.get(username=username)
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def nav_unread(page) -> str | None:
    badge = page.locator("[data-testid=nav-unread]")
    return badge.inner_text().split()[0] if badge.count() else None


def switch_user(page, server, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, server, username)


def test_daily_work_chase_notifications_return_and_todo(page, demo_server):
    problems = watch(page)
    round_ = Round.objects.get(period="2026")
    progress_url = f"/rounds/{round_.pk}/progress/"

    # 1. The Hangzhou supervisor starts the day on the home page: counts with links.
    log_in(page, demo_server, SUPERVISOR)
    todo = page.locator("[data-testid=home-todo]")
    assert "待办" in todo.inner_text() and "待审核" in todo.inner_text()
    reviews = todo_count(page, "reviews")
    waiting = Submission.objects.filter(
        region__code__startswith="3301", status="submitted", round__status__in=["open", "closed"]
    )
    assert reviews == waiting.count() >= 1  # 330109 and 330110 in the demo
    not_started = todo_count(page, "not-started")
    assert not_started > 0 and "未开始填报的地区" in todo.inner_text()
    screenshot(page, "daily-01-supervisor-home")

    # ... opens the completeness page from the to-do and chases one region not started.
    page.click("[data-testid=todo-not-started]")
    page.wait_for_selector("[data-testid=chase-form]")
    assert page.url.endswith(progress_url)
    assert int(page.inner_text("[data-testid=count-not_started]")) == not_started
    page.click("#status-not_started summary")
    box = page.locator("#status-not_started input[name=region]").first
    code = box.get_attribute("value")
    staff = f"staff-{code}"
    before = unread(staff)
    assert page.inner_text(f"[data-testid=chased-{code}]") == "—"
    box.check()
    screenshot(page, "daily-02-chase-selected")
    page.click("[data-testid=chase-selected]")
    assert "已催报 1 个地区；0 个地区今天已催报过" in page.inner_text(".messages")
    today = timezone.localdate().isoformat()
    # back from the reminder, the list stays open with the new date
    assert page.locator("#status-not_started").get_attribute("open") is not None
    assert page.inner_text(f"[data-testid=chased-{code}]") == today
    screenshot(page, "daily-03-chased")

    # ... chasing the same region again the same day is refused, and the page says so.
    page.check(f"#chase-{code}")
    page.click("[data-testid=chase-selected]")
    assert "已催报 0 个地区；1 个地区今天已催报过" in page.inner_text(".messages .alert-warning")
    assert unread(staff) == before + 1  # one notice to its staff, not two
    screenshot(page, "daily-04-chased-again")

    # 2. The region's staff: the unread count, the notice in Chinese, read, then the form.
    switch_user(page, demo_server, staff)
    assert nav_unread(page) == str(before + 1)
    page.click("[data-testid=nav-notifications]")
    assert page.url.endswith("/notifications/")
    notice = Notification.objects.filter(recipient__username=staff, kind="chase").get()
    item = page.locator(f"[data-testid=notification-{notice.pk}]")
    assert f"催报：请提交{round_.name}" in item.inner_text()
    assert "提醒本地区尽快完成并提交填报" in item.inner_text()
    assert "催报提醒" in item.inner_text()  # the kind
    screenshot(page, "daily-05-notification-centre")
    page.click(f"[data-testid=read-{notice.pk}]")
    page.wait_for_selector(f"[data-testid=read-{notice.pk}]", state="detached")
    assert nav_unread(page) == (str(before) if before else None)
    screenshot(page, "daily-06-notification-read")
    item.get_by_role("button", name="打开页面").click()
    page.wait_for_selector("[data-testid=entry-form]")
    assert page.url.endswith(f"/rounds/{round_.pk}/regions/{code}/")
    screenshot(page, "daily-07-form-from-notice")

    # 3. The supervisor returns a submitted region's submission with a reason.
    switch_user(page, demo_server, SUPERVISOR)
    page.goto(f"{demo_server.url}/rounds/{round_.pk}/regions/{RETURNED}/")
    page.fill("#review-reason", "佐证材料不完整，请补充后重新提交。")
    page.click("[data-testid=return]")
    page.wait_for_selector(".messages")
    assert Submission.objects.get(round=round_, region_id=RETURNED).status == "returned"
    page.goto(f"{demo_server.url}/")
    assert todo_count(page, "reviews") == reviews - 1
    screenshot(page, "daily-08-supervisor-home-after-return")

    # ... its staff see the "returned" notice and the returned item on their home page.
    switch_user(page, demo_server, f"staff-{RETURNED}")
    returned = page.locator("[data-testid=todo-returned]")
    assert todo_count(page, "returned") == 1 and "已退回修改" in returned.inner_text()
    assert "todo-urgent" in returned.get_attribute("class")
    assert int(nav_unread(page)) >= 1
    screenshot(page, "daily-09-staff-home-returned")
    page.click("[data-testid=nav-notifications]")
    latest = page.locator("[data-testid=notification-list] li").first
    assert f"{round_.name}的填报被退回修改" in latest.inner_text()
    assert "佐证材料不完整" in latest.inner_text() and "填报被退回" in latest.inner_text()
    screenshot(page, "daily-10-staff-returned-notice")
    page.goto(f"{demo_server.url}/")
    returned.click()
    page.wait_for_selector("[data-testid=return-reason]")
    assert page.url.endswith(f"/rounds/{round_.pk}/regions/{RETURNED}/")
    assert "佐证材料不完整" in page.inner_text("[data-testid=return-reason]")

    # 4. The evaluator's to-do: each link opens its page, which lists what was counted.
    switch_user(page, demo_server, "evaluator")
    assert "尚未核验的填报" in page.inner_text("[data-testid=todo-verify]")
    assert "待处理申诉" in page.inner_text("[data-testid=todo-appeals]")
    unverified, appeals = todo_count(page, "verify"), todo_count(page, "appeals")
    assert unverified > 0 and appeals > 0
    screenshot(page, "daily-11-evaluator-home")
    open_todo(page, "verify", "核验队列")
    verified = page.locator("[data-testid=verification-queue] tbody td:nth-child(4)")
    assert [cell.startswith("0 /") for cell in verified.all_inner_texts()].count(True) == unverified
    screenshot(page, "daily-12-evaluator-verify")
    page.goto(f"{demo_server.url}/")
    open_todo(page, "appeals", "申诉处理")
    assert page.locator("[data-testid=appeal-queue] tbody tr").count() == appeals
    screenshot(page, "daily-13-evaluator-appeals")
    assert_clean(problems)


def open_todo(page, key: str, heading: str) -> None:
    with page.expect_navigation() as opened:
        page.click(f"[data-testid=todo-{key}]")
    assert opened.value.status == 200 and heading in page.inner_text("h1")
