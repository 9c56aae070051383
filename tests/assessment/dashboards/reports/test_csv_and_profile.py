"""The ranking CSV and the region profile workbook."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.collection.models import RoundStatus
from assessment.core.files import content_disposition
from assessment.dashboards.reports.region_report import TaskRow, add_rectification_sheet
from tests.assessment.builders import rename_region
from tests.assessment.dashboards.builders import round_of_counties
from tests.assessment.dashboards.reports.conftest import HOSTILE, guarded, workbook


def csv_url(round_, query: str = "") -> str:
    return reverse("assessment:ranking_csv", args=[round_.pk]) + query


def test_the_csv_is_the_page_table_and_opens_in_excel(client, rounds, supervisor_zhejiang):
    _, second = rounds
    rename_region("330106", "=HYPERLINK(1)", second)
    client.force_login(supervisor_zhejiang)
    response = client.get(csv_url(second, "?level=county&parent=330100"))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    # Filtered by a parent region: the rank within it comes after the rank among all peers.
    assert rows[0] == ["名次", "名次区间", "上级地区内名次", "地区", "地区代码", "上级地区",
                       "总分", "成熟度等级", "DS", "SV", "BL", "PP", "名次变化", "得分变化",
                       "数据"]  # fmt: skip
    by_code = {row[4]: row for row in rows[1:]}
    assert set(by_code) == {"330102", "330105", "330106", "330108"}  # Hangzhou's, as the page
    assert by_code["330102"][:4] == ["1", "1–2", "", "上城区"]  # no rank in parent by hand
    assert by_code["330102"][6] == "70.0" and by_code["330102"][13] == "10.0"
    assert by_code["330105"][12] == "-1"  # rank change: a number, not "↓1"
    assert by_code["330106"][3] == "'=HYPERLINK(1)"  # neutralised
    assert by_code["330108"][14] == "无得分"
    assert "filename*=UTF-8''" in response["Content-Disposition"]


def test_the_progress_race_csv_has_the_progress_columns(client, rounds, evaluator_zhejiang):
    _, second = rounds
    client.force_login(evaluator_zhejiang)
    content = client.get(csv_url(second, "?level=county&race=progress")).content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["进步名次", "地区"] and "上轮得分" in rows[0]
    assert [row[1] for row in rows[1:5]] == ["上城区", "西湖区", "海曙区", "拱墅区"]


@pytest.mark.parametrize(("user", "status"), [("staff_xihu", 403), ("nobody", 404)])
def test_who_may_download_the_csv(client, rounds, user, status, request):
    _, second = rounds
    client.force_login(request.getfixturevalue(user))
    assert client.get(csv_url(second)).status_code == status


def test_csv_of_another_subtree_is_a_404_and_anonymous_users_log_in(
    client, rounds, supervisor_hangzhou
):
    _, second = rounds
    assert client.get(csv_url(second)).status_code == 302
    client.force_login(supervisor_hangzhou)
    assert client.get(csv_url(second, "?level=county&parent=330200")).status_code == 404
    content = client.get(csv_url(second, "?level=county")).content.decode("utf-8-sig")
    assert "海曙区" not in content and "西湖区" in content


@pytest.mark.parametrize("count", [2, 50])
def test_csv_query_count_is_fixed(client, supervisor_zhejiang, default_system, count):
    round_ = round_of_counties(default_system, count)
    client.force_login(supervisor_zhejiang)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(csv_url(round_, "?level=county"))
    assert response.content.decode("utf-8-sig").count("\r\n") == count + 1
    assert len(queries.captured_queries) == 12


def profile_url(round_, code: str) -> str:
    return reverse("assessment:profile_report", args=[round_.pk, code])


def test_the_profile_workbook(client, hostile, evaluator_zhejiang):
    client.force_login(evaluator_zhejiang)
    response = client.get(profile_url(hostile, "330106"))
    assert response.status_code == 200
    book = workbook(response)
    # The 整改任务 sheet is always there (issue 7); empty here: nothing was published.
    assert book.sheetnames == ["概览", "同级对比", "优势与短板", "历史", "原始数据", "整改任务"]
    peers = book["同级对比"]
    assert [c.value for c in peers[1]][:4] == ["代码", "名称", "得分", "名次"]
    assert peers.max_row == 1 + 4 + 18 + 43 and peers.freeze_panes == "C2"
    assert len(peers.conditional_formatting) == 2
    history = book["历史"]
    assert [history.cell(r, 1).value for r in (2, 3)] == ["2024", "2025"]
    assert len(history._charts) == 1
    raw = book["原始数据"]
    notes = [raw.cell(r, 5) for r in range(2, raw.max_row + 1) if raw.cell(r, 5).value]
    assert sorted(c.value for c in notes) == sorted(guarded(t) for t in HOSTILE)
    assert all(c.data_type == "s" for c in notes)
    # The areas' table: a name wrapped over two lines leaves code, name and numbers on one
    # line (each cell centred in the taller row, none at its bottom).
    overview = book["概览"]
    header = next(r for r in range(1, overview.max_row + 1) if overview.cell(r, 1).value == "领域")
    areas = [
        c for row in overview.iter_rows(min_row=header + 1) for c in row if c.value is not None
    ]
    assert len(areas) >= 4 * 6 and {c.alignment.vertical for c in areas} == {"center"}


@pytest.mark.parametrize(
    ("user", "published", "status"),
    [("staff_xihu", True, 200), ("staff_xihu", False, 404), ("staff_haishu", True, 404),
     ("supervisor_ningbo", True, 404), ("supervisor_hangzhou", False, 200)],
)  # fmt: skip
def test_who_may_export_a_profile(client, computed, user, published, status, request):
    _, second = computed
    if not published:
        second.status = RoundStatus.CLOSED
        second.save(update_fields=["status"])
    client.force_login(request.getfixturevalue(user))
    assert client.get(profile_url(second, "330106")).status_code == status


def test_profile_export_needs_a_login(client, computed):
    _, second = computed
    assert client.get(profile_url(second, "330106")).status_code == 302


def test_the_rectification_sheet_takes_plain_rows():
    from datetime import date

    from openpyxl import Workbook, load_workbook

    book = Workbook(write_only=True)
    add_rectification_sheet(
        book, [TaskRow("=补齐目录", "DS.1.1 目录覆盖率", "整改中", date(2026, 12, 31), "张三")]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = load_workbook(buffer)["整改任务"]
    assert [c.value for c in sheet[1]] == ["整改任务", "指标", "状态", "期限", "责任人"]
    assert sheet["A2"].value == "'=补齐目录" and sheet["A2"].data_type == "s"
    assert sheet["D2"].value.date() == date(2026, 12, 31)


def test_download_names_have_an_ascii_fallback():
    header = content_disposition('浙江省/2025"报告.xlsx', "round-1-2025.xlsx")
    assert header.startswith("attachment; filename=\"round-1-2025.xlsx\"; filename*=UTF-8''")
    assert "%2F" not in header and "%22" not in header  # no separator, no quote survives
    assert "%E6%B5%99%E6%B1%9F" in header  # 浙江
    assert content_disposition("x", "报告\r\n.xlsx").startswith('attachment; filename="xlsx"')
