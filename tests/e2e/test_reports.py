"""Excel reports in a real browser: the supervisor exports the Hangzhou counties' ranking and
a profile, and the downloaded files open with openpyxl."""

from __future__ import annotations

from openpyxl import load_workbook

from assessment.collection.models import Round
from tests.assessment.dashboards.reports.conftest import summary_name
from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_dashboards import assert_clean, watch


def test_export_the_hangzhou_counties_and_a_profile(page, demo_server, tmp_path):
    problems = watch(page)
    round_2025 = Round.objects.get(period="2025")
    log_in(page, demo_server, "supervisor")
    page.goto(f"{demo_server.url}/results/{round_2025.pk}/?level=county&parent=330100")
    page.wait_for_load_state("networkidle")
    buttons = page.locator("[data-testid=export-buttons]")
    assert buttons.is_visible()
    screenshot(page, "ranking-export-buttons")

    with page.expect_download() as download_info:
        page.click("[data-testid=export-xlsx]")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx") and "杭州市" in download.suggested_filename
    target = tmp_path / "hangzhou.xlsx"
    download.save_as(target)
    book = load_workbook(target)
    # The demo's evaluator corrected 西湖区's values: the 核验情况 sheet lists them.
    assert book.sheetnames == [
        summary_name(), "排名", "维度得分", "指标得分", "原始数据", "数据备注", "核验情况", "图表",
        "说明", "等级与参考"]  # fmt: skip
    corrections = [row[2].value for row in book["核验情况"].iter_rows(min_row=2)]
    assert corrections == ["DS.1.1", "SV.2.1"]
    ranking = book["排名"]
    codes = [ranking.cell(r, 2).value for r in range(2, ranking.max_row + 1)]
    assert len(codes) == 13 and all(code.startswith("3301") for code in codes)
    assert len(book["图表"]._charts) == 2

    with page.expect_download() as csv_info:
        page.click("[data-testid=export-csv]")
    csv_path = tmp_path / "hangzhou.csv"
    csv_info.value.save_as(csv_path)
    text = csv_path.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf") and "西湖区" in text.decode("utf-8-sig")

    page.goto(f"{demo_server.url}/results/{round_2025.pk}/regions/330106/")
    page.wait_for_load_state("networkidle")
    with page.expect_download() as profile_info:
        page.click("[data-testid=export-profile]")
    profile_path = tmp_path / "xihu.xlsx"
    profile_info.value.save_as(profile_path)
    assert load_workbook(profile_path).sheetnames[0] == "概览"
    screenshot(page, "profile-export-button")
    assert_clean(problems)


def test_a_large_export_shows_its_progress(page, demo_server, job_worker, settings, tmp_path):
    settings.EXPORT_DIRECT_MAX_REGIONS = 10  # Zhejiang's 90 counties become a background job
    problems = watch(page)
    round_2025 = Round.objects.get(period="2025")
    log_in(page, demo_server, "evaluator")
    page.goto(f"{demo_server.url}/results/{round_2025.pk}/?level=county")
    page.wait_for_load_state("networkidle")
    page.click("[data-testid=export-xlsx]")
    page.wait_for_url("**/jobs/*/")
    download_link = page.locator("[data-testid=job-download]")
    download_link.wait_for(state="visible", timeout=30_000)
    assert page.locator("[data-testid=job-state]").inner_text() == "已完成"
    assert "90" in page.locator("[data-testid=job-message]").inner_text()
    screenshot(page, "export-job-done")
    with page.expect_download() as download_info:
        download_link.click()
    target = tmp_path / "counties.xlsx"
    download_info.value.save_as(target)
    ranking = load_workbook(target)["排名"]
    assert ranking.max_row == 1 + 90
    assert_clean(problems)
