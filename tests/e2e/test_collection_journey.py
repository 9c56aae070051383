"""The data-collection journey in a real browser, with screenshots of every step.

西湖区's staff fill part of the 2026 form, save, see their mistakes kept and marked, complete it
and submit; Hangzhou's supervisor returns it with a comment on one indicator; staff fix it and
submit again; the supervisor approves.
"""

from __future__ import annotations

import pytest

from assessment.collection.models import Round, Submission
from indicators.models import ValueType
from tests.e2e.conftest import SCREENSHOTS, log_in, screenshot

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def shot(page, name: str) -> None:
    """The visible part of the page: the entry form is too long for a readable full-page shot."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def centre(page, selector: str) -> None:
    page.locator(selector).evaluate(
        "node => node.scrollIntoView({block: 'center', behavior: 'instant'})"
    )


def leaves():
    """The 2026 round's indicators a county answers (西湖区 and 上城区 are counties)."""
    round_ = Round.objects.get(period="2026")
    leaves = round_.system.indicators.exclude(value_type="").order_by("order")
    return [leaf for leaf in leaves if leaf.applies_to_level("county")]


def slug(code: str) -> str:
    return code.replace(".", "")


def enter(page, leaf, value: str) -> None:
    if leaf.value_type in (ValueType.YESNO, ValueType.RUBRIC):
        page.check(f"input[name='value-{leaf.code}'][value='{value}']")
    else:
        page.fill(f"input[name='value-{leaf.code}']", value)


def a_good_value(leaf) -> str:
    if leaf.max_value is not None and leaf.max_value < 60:  # e.g. visits per case, at most 20
        return str(int(leaf.max_value) // 2)
    return {"yesno": "1", "rubric": "3", "count": "0"}.get(leaf.value_type, "60")


@pytest.fixture
def accept_dialogs(page):
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def open_xihu_form(page, server) -> None:
    page.goto(f"{server.url}/")
    page.click("[data-testid=open-entry-2026]")
    page.wait_for_selector("[data-testid=entry-form]")


def test_collection_journey(browser, page, accept_dialogs, demo_server, tmp_path):
    all_leaves = leaves()
    by_code = {leaf.code: leaf for leaf in all_leaves}
    round_ = Round.objects.get(period="2026")

    # 1. Staff fill part of the form, with one mistake, and save the draft.
    log_in(page, demo_server, "staff-330106")
    open_xihu_form(page, demo_server)
    assert page.inner_text("[data-testid=submission-status]") == "未开始"
    enter(page, by_code["SV.1.3"], "85")
    enter(page, by_code["SV.3.3"], "120")  # above 100
    enter(page, by_code["SV.1.1"], "25")  # below 30: flagged red while typing
    assert "flag-below" in page.inner_html("[data-testid='flag-SV.1.1']")
    page.fill("textarea[name='note-SV.1.3']", "来自政务服务平台导出")
    shot(page, "collect-01-staff-typing")
    with page.expect_request(lambda request: request.method == "POST") as posted:
        page.click("[data-testid=save-draft]")
    # No file chosen: the cheaper URL-encoded body (the JS switches the form's enctype).
    assert posted.value.headers["content-type"] == "application/x-www-form-urlencoded"
    page.wait_for_selector("[data-testid=form-alert]")
    assert page.input_value("input[name='value-SV.3.3']") == "120"  # kept as typed
    assert "不能大于 100" in page.inner_text("[data-testid='error-SV.3.3']")
    assert page.input_value("input[name='value-SV.1.3']") == "85"
    centre(page, "[data-testid='indicator-SV.3.3']")
    shot(page, "collect-02-draft-with-error-kept")

    # 2. Complete every value and the evidence, then submit (platform-fed values are not the
    # region's to type: their fields are read-only).
    assert page.locator("input[name='value-SV.4.1']").count() == 0
    assert page.locator("[data-testid='fed-SV.4.1']").count() == 1
    for leaf in all_leaves:
        if leaf.code not in ("SV.1.3", "SV.1.1") and not leaf.is_fed:
            enter(page, leaf, a_good_value(leaf))
    pdf = tmp_path / "分类分级制度.pdf"
    pdf.write_bytes(PDF)
    required = [leaf for leaf in all_leaves if leaf.evidence_required]
    page.set_input_files("input[name='file-DS.5.1']", str(pdf))
    for leaf in required[1:]:
        page.fill(f"input[name='link-{leaf.code}']", f"https://data.zj.gov.cn/{leaf.code}")
    with page.expect_request(lambda request: request.method == "POST") as posted:
        page.click("[data-testid=save-draft]")
    assert posted.value.headers["content-type"].startswith("multipart/form-data")  # a file
    page.wait_for_selector("text=草稿已保存")
    assert "已填写完整" in page.inner_text("[data-testid=completeness]")
    shot(page, "collect-03-complete-draft")
    page.click("[data-testid=submit]")
    page.wait_for_selector("text=已提交审核")
    assert page.inner_text("[data-testid=submission-status]") == "已提交"
    assert page.locator("[data-testid=entry-form]").count() == 0
    shot(page, "collect-04-submitted-read-only")

    # 3. The supervisor returns it with a comment on SV.1.1.
    page.context.clear_cookies()
    log_in(page, demo_server, "supervisor-330100")
    page.click("[data-testid=nav-review]")
    page.click(f"a[href='/rounds/{round_.pk}/regions/330106/']")
    page.wait_for_selector("[data-testid=review-form]")
    assert "flag-below" in page.inner_html("[data-testid='flag-SV.1.1']")
    page.fill("textarea[name='comment-SV.1.1']", "全程网办率低于30%，请核实统计口径并补充说明。")
    page.fill("#review-reason", "SV.1.1 需核实")
    centre(page, "textarea[name='comment-SV.1.1']")
    shot(page, "collect-05-supervisor-comments")
    page.click("[data-testid=return]")
    page.wait_for_selector("text=已连同您的意见退回")
    screenshot(page, "collect-06-returned-queue")

    # 4. Staff see the comment beside the indicator, fix it and submit again.
    page.context.clear_cookies()
    log_in(page, demo_server, "staff-330106")
    open_xihu_form(page, demo_server)
    assert page.inner_text("[data-testid=submission-status]") == "已退回"
    assert "SV.1.1 需核实" in page.inner_text("[data-testid=return-reason]")
    assert "请核实统计口径" in page.inner_text("[data-testid='comment-SV.1.1']")
    shot(page, "collect-07a-staff-sees-return-reason")
    centre(page, "[data-testid='comment-SV.1.1']")
    shot(page, "collect-07-staff-sees-comment")
    enter(page, by_code["SV.1.1"], "64")
    page.fill("textarea[name='note-SV.1.1']", "已按省级口径重新统计")
    page.click("[data-testid=submit]")
    page.wait_for_selector("text=已提交审核")
    shot(page, "collect-08-resubmitted")

    # 5. The supervisor approves.
    page.context.clear_cookies()
    log_in(page, demo_server, "supervisor-330100")
    page.goto(f"{demo_server.url}/rounds/{round_.pk}/regions/330106/")
    page.click("[data-testid=approve]")
    page.wait_for_selector("text=已审核通过")
    submission = Submission.objects.get(round=round_, region_id="330106")
    assert submission.status == "approved"
    shot(page, "collect-09-approved")
    page.goto(f"{demo_server.url}/rounds/{round_.pk}/regions/330106/history/")
    # A row per value typed and per evidence item, besides the status changes.
    typed = [leaf for leaf in all_leaves if not leaf.is_fed]
    assert page.locator("[data-testid=history-table] tbody tr").count() > len(typed) + len(required)
    screenshot(page, "collect-10-history")


def test_entry_form_and_dashboard_on_a_phone(phone_page, demo_server):
    round_ = Round.objects.get(period="2026")
    log_in(phone_page, demo_server, "staff-330102")
    phone_page.goto(f"{demo_server.url}/rounds/{round_.pk}/regions/330102/")
    phone_page.fill("input[name='value-SV.1.1']", "25")
    assert "flag-below" in phone_page.inner_html("[data-testid='flag-SV.1.1']")
    assert phone_page.locator("[data-testid=save-draft]").is_visible()  # the sticky bar
    shot(phone_page, "collect-phone-entry-top")
    centre(phone_page, "[data-testid='indicator-SV.1.1']")
    shot(phone_page, "collect-phone-entry-flag")
    phone_page.context.clear_cookies()
    log_in(phone_page, demo_server, "supervisor")
    phone_page.goto(f"{demo_server.url}/rounds/{round_.pk}/progress/")
    phone_page.wait_for_selector("#progress-chart .main-svg")
    screenshot(phone_page, "collect-phone-progress")


def test_two_tabs_saving_the_same_field_see_a_conflict(browser, demo_server):
    """Tab A and tab B open 上城区's form; A saves SV.1.3 first; B's save shows both values
    and B keeps A's value with one click."""
    round_ = Round.objects.get(period="2026")
    url = f"{demo_server.url}/rounds/{round_.pk}/regions/330102/"
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    first, second = context.new_page(), context.new_page()
    for tab in (first, second):
        tab.set_default_timeout(15_000)
        tab.on("dialog", lambda dialog: dialog.accept())
    log_in(first, demo_server, "staff-330102")
    first.goto(url)
    second.goto(url)
    first.fill("input[name='value-SV.1.3']", "70")
    first.click("[data-testid=save-draft]")
    first.wait_for_selector("text=草稿已保存")
    second.fill("input[name='value-SV.1.3']", "90")
    second.fill("input[name='value-SV.3.3']", "55")
    second.click("[data-testid=save-draft]")
    box = second.wait_for_selector("[data-testid='conflict-SV.1.3']")
    assert "70" in box.inner_text() and "90" in box.inner_text()
    assert second.input_value("input[name='value-SV.1.3']") == "90"
    centre(second, "[data-testid='conflict-SV.1.3']")
    shot(second, "collect-11-conflict")
    second.check("#rv-sv13-theirs")
    assert second.input_value("input[name='value-SV.1.3']") == "70"
    second.click("[data-testid=save-draft]")
    second.wait_for_selector("text=保存")
    values = dict(
        Submission.objects.get(round=round_, region_id="330102")
        .values.filter(indicator__code__in=["SV.1.3", "SV.3.3"])
        .values_list("indicator__code", "value")
    )
    assert values == {"SV.1.3": 70, "SV.3.3": 55}
    context.close()


def test_an_import_with_problems_in_the_browser(page, demo_server, tmp_path):
    from io import BytesIO

    from openpyxl import load_workbook

    from assessment.collection.services.exporting import export_values

    round_ = Round.objects.get(period="2026")
    book = load_workbook(BytesIO(export_values(round=round_)))
    sheet = book["填报数据"]
    sheet["C5"] = "八十"
    sheet["D6"] = "=1+1"
    sheet["E7"] = 150
    sheet["A200"], sheet["C200"] = "999999", 50
    path = tmp_path / "浙江2026.xlsx"
    book.save(path)
    log_in(page, demo_server, "evaluator")
    page.goto(f"{demo_server.url}/rounds/{round_.pk}/import/")
    page.set_input_files("#id_workbook", str(path))
    page.click("[data-testid=dry-run]")
    page.wait_for_selector("[data-testid=problem-table]")
    assert page.inner_text("[data-testid=problem-count]") == "4"
    assert page.locator("[data-testid=apply-import]").count() == 0
    screenshot(page, "collect-12-import-report")
