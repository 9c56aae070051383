"""The round report: what each sheet holds, its layout, its safety and its scoping."""

from __future__ import annotations

import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl.chart import BarChart

from assessment.collection.models import Value
from assessment.results.models import Result, ResultKind
from indicators.models import Indicator
from tests.assessment.dashboards.builders import round_of_counties
from tests.assessment.dashboards.reports.conftest import (
    HOSTILE,
    column_values,
    guarded,
    summary_name,
    workbook,
)

SHEETS = ["排名", "维度得分", "指标得分", "原始数据", "数据备注", "图表", "说明", "等级与参考"]
HANGZHOU_COUNTIES = "?level=county&parent=330100"


def url(round_, query: str = "") -> str:
    return reverse("assessment:round_report", args=[round_.pk]) + query


def test_the_workbook_holds_every_sheet_with_the_pages_numbers(
    client, computed, evaluator_zhejiang
):
    _, second = computed
    client.force_login(evaluator_zhejiang)
    response = client.post(url(second, HANGZHOU_COUNTIES))
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    book = workbook(response)
    assert book.sheetnames == [summary_name(), *SHEETS]

    ranking = book["排名"]
    headers = [cell.value for cell in ranking[1]]
    assert headers[:8] == [
        "名次",
        "代码",
        "地区",
        "上级地区",
        "上级地区内名次",
        "成熟度等级",
        "总分",
        "DS\n跨层级跨地区跨部门数据共享",
    ]
    assert headers[-4:] == ["名次变化", "得分变化", "名次区间", "数据"]
    codes = column_values(ranking, "代码")
    assert len(codes) == 13 and all(code.startswith("3301") for code in codes)
    overall = {
        r.region_id: r
        for r in Result.objects.filter(round=second, kind=ResultKind.OVERALL, region_id__in=codes)
    }
    for row in range(2, ranking.max_row + 1):
        code = ranking.cell(row, 2).value
        assert ranking.cell(row, 1).value == overall[code].rank
        assert ranking.cell(row, 5).value == overall[code].rank_in_parent
        assert ranking.cell(row, 7).value == round(overall[code].score, 2)
        assert ranking.cell(row, 7).number_format == "0.00"
    ranks = column_values(ranking, "名次")
    assert ranks == sorted(ranks)  # the race's order, as on the page
    assert ranking.freeze_panes == "D2"
    assert ranking.auto_filter.ref == f"A1:O{ranking.max_row}"
    assert {str(cf.sqref) for cf in ranking.conditional_formatting} >= {"G2:G14", "H2:H14"}
    rules = [rule for cf in ranking.conditional_formatting for rule in cf.rules]
    assert {rule.type for rule in rules} == {"colorScale", "cellIs"}  # scores; changes' signs
    level_cell = ranking.cell(2, 6)
    assert level_cell.value.startswith("L") and level_cell.fill.fgColor.rgb != "00000000"
    assert ranking.print_title_rows == "$1:$1"
    assert ranking.page_setup.orientation == "landscape"
    assert ranking.page_setup.fitToWidth == 1 and ranking.page_setup.fitToHeight == 0
    assert ranking.sheet_properties.pageSetUpPr.fitToPage
    assert ranking.column_dimensions["C"].width >= 10  # sized for Chinese names

    dimensions = book["维度得分"]
    assert dimensions.max_column == 4 + 18 and dimensions.max_row == 14
    assert dimensions.cell(1, 5).value.startswith("DS.1\n")
    leaves = book["指标得分"]
    assert leaves.max_column == 4 + 43
    first = leaves.cell(2, 1).value
    leaf = Result.objects.get(round=second, region_id=first, kind=ResultKind.LEAF,
                              indicator__code="DS.1.1")  # fmt: skip
    assert leaves.cell(2, 5).value == round(leaf.score, 2)
    assert len(leaves.conditional_formatting) >= 1

    raw = book["原始数据"]  # regions × leaves, as 指标得分
    assert [c.value for c in raw[1]][:3] == ["代码", "地区", "上级地区"]
    headers = [c.value for c in raw[1]][3:]
    assert [h.split("\n")[0] for h in headers] == [c.value.split("\n")[0] for c in leaves[1]][4:]
    units = dict(Indicator.objects.filter(system=second.system_id).values_list("code", "unit_zh"))
    assert all(h.endswith(f"（{units[h.split(chr(10))[0]]}）") for h in headers
               if units[h.split("\n")[0]])  # fmt: skip
    assert any(units.values())
    assert raw.max_row == 1 + 13 and raw.max_column == 3 + 43
    region, leaf = raw.cell(2, 1).value, raw.cell(1, 4).value.split("\n")[0]
    value = Value.objects.get(submission__round=second, submission__region_id=region,
                              indicator__code=leaf)  # fmt: skip
    assert raw.cell(2, 4).value == pytest.approx(float(value.value))
    assert [raw.cell(r, 1).value for r in range(2, 15)] == sorted(
        raw.cell(r, 1).value for r in range(2, 15)
    )

    charts = book["图表"]
    assert len(charts._charts) == 2 and all(isinstance(c, BarChart) for c in charts._charts)
    notes = book["说明"]
    assert notes.cell(1, 1).value == "代码"
    assert column_values(notes, "代码")[:3] == ["DS", "DS.1", "DS.1.1"]
    assert sum(1 for code in column_values(notes, "代码") if code and code.count(".") == 2) == 43
    summary = book.worksheets[0]
    texts = [c.value for row in summary.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("前 10 名" in t for t in texts)
    assert "上级地区：杭州市" in " ".join(texts)


def test_raw_values_follow_the_systems_order_when_ids_do_not(client, computed, evaluator_zhejiang):
    """The values come from the database by indicator id; when the system's order differs
    (a leaf moved after it was created), the raw-data sheet still lists them in the system's
    order, the order of the leaf-score sheet's columns."""
    _, second = computed
    leaves = Indicator.objects.filter(system=second.system_id, code__in=["DS.1.1", "DS.1.2"])
    moved = {leaf.code: leaf for leaf in leaves}
    first_leaf, second_leaf = moved["DS.1.1"], moved["DS.1.2"]
    assert first_leaf.pk < second_leaf.pk and first_leaf.order < second_leaf.order
    Indicator.objects.filter(pk=first_leaf.pk).update(order=second_leaf.order)
    Indicator.objects.filter(pk=second_leaf.pk).update(order=first_leaf.order)
    client.force_login(evaluator_zhejiang)
    book = workbook(client.post(url(second, HANGZHOU_COUNTIES)))
    raw = book["原始数据"]
    listed = [cell.value.split("\n")[0] for cell in raw[1]][3:]
    leaf_columns = [cell.value.split("\n")[0] for cell in book["指标得分"][1]][4:]
    assert listed == leaf_columns and len(listed) == 43
    assert listed[:2] == ["DS.1.2", "DS.1.1"]
    region = raw.cell(2, 1).value
    moved_value = Value.objects.get(submission__round=second, submission__region_id=region,
                                    indicator=first_leaf)  # fmt: skip
    assert raw.cell(2, 5).value == pytest.approx(float(moved_value.value))  # under its header


def test_hostile_text_comes_back_as_text(client, hostile, evaluator_zhejiang):
    client.force_login(evaluator_zhejiang)
    book = workbook(client.post(url(hostile, HANGZHOU_COUNTIES)))
    raw = book["数据备注"]
    notes = [raw.cell(r, 5) for r in range(2, raw.max_row + 1) if raw.cell(r, 5).value]
    assert sorted(cell.value for cell in notes) == sorted(guarded(text) for text in HOSTILE)
    assert all(cell.data_type == "s" for cell in notes)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    names = column_values(book["排名"], "地区")
    assert "'=1+1" in names


def test_a_hangzhou_supervisor_exports_no_ningbo_region(client, computed, supervisor_hangzhou):
    _, second = computed
    client.force_login(supervisor_hangzhou)
    book = workbook(client.post(url(second, "?level=county")))
    for title, column in (("排名", 2), ("维度得分", 1), ("指标得分", 1), ("原始数据", 1)):
        sheet = book[title]
        codes = {sheet.cell(r, column).value for r in range(2, sheet.max_row + 1)}
        assert codes and all(code.startswith("3301") for code in codes), title
    cities = workbook(client.post(url(second, "?level=city")))
    assert column_values(cities["排名"], "地区") == ["杭州市"]


def test_the_progress_race_keeps_its_order_and_says_so(client, computed, administrator):
    _, second = computed
    client.force_login(administrator)
    book = workbook(client.post(url(second, "?level=city&race=progress")))
    sheet = book["排名"]
    assert sheet.cell(1, 1).value == "进步名次" and sheet.cell(1, 2).value == "总分名次"
    progress = column_values(sheet, "进步名次")
    assert len(progress) == 11 and progress == sorted(progress)


@pytest.mark.parametrize(
    ("user", "query", "status"),
    [
        ("staff_xihu", "", 403),
        ("nobody", "", 404),
        ("supervisor_hangzhou", "?level=county&parent=330200", 404),  # Ningbo's counties
    ],
)
def test_who_may_export(client, computed, user, query, status, request):
    _, second = computed
    client.force_login(request.getfixturevalue(user))
    assert client.post(url(second, query)).status_code == status


def test_get_is_not_allowed_and_anonymous_users_log_in(client, computed, evaluator_zhejiang):
    _, second = computed
    response = client.post(url(second))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(evaluator_zhejiang)
    assert client.get(url(second)).status_code == 405


@pytest.mark.parametrize("count", [2, 50])
def test_query_count_does_not_depend_on_the_number_of_regions(
    client, supervisor_zhejiang, default_system, count
):
    round_ = round_of_counties(default_system, count)
    client.force_login(supervisor_zhejiang)
    with CaptureQueriesContext(__import__("django.db").db.connection) as queries:
        response = client.post(url(round_, "?level=county"))
    assert response.status_code == 200
    assert len(workbook(response)["排名"]["A"]) == count + 1
    # session, user, grants, round (with its previous one), the ranking (tree, levels, parent
    # choices, comparable rounds), the region count, its rows, its level distribution, two score
    # matrices, the methodology, indicator tree, levels with gates, raw values, the round's
    # verification policy and its corrected values, the regions' appeals (with their
    # departments' tasks), the rectification tasks of the 总体情况 sheet, session save: the
    # same number with 2 and with 50 regions.
    assert len(queries.captured_queries) == 25
