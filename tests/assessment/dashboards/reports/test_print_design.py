"""Each sheet's print design and cell formats, read back from the files the exports write:
orientation, fit, print area and titles, page breaks between levels, number formats, fonts,
no stray apostrophes, translated names; scoped reports say what they cover."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from assessment.collection.models import Value
from tests.assessment.dashboards.reports.conftest import column_values, workbook

HANGZHOU_COUNTIES = "?level=county&parent=330100"
PLAIN_NUMBER = re.compile(r"'[+-]?\d")
OWN_SHEETS = ["排名", "维度得分", "指标得分", "原始数据", "数据备注", "图表", "说明", "等级与参考"]


def round_url(round_, query: str = "") -> str:
    return reverse("assessment:round_report", args=[round_.pk]) + query


@pytest.fixture
def hangzhou_book(client, computed, evaluator_zhejiang):
    _, second = computed
    client.force_login(evaluator_zhejiang)
    response = client.post(round_url(second, HANGZHOU_COUNTIES))
    return response, workbook(response)


@pytest.fixture
def full_book(computed, tmp_path):
    """Every level (cities and counties) from the command line."""
    _, second = computed
    target = tmp_path / "round.xlsx"
    call_command("export_round", str(second.pk), str(target))
    return load_workbook(target)


def cells(sheet):
    return (cell for row in sheet.iter_rows() for cell in row if cell.value is not None)


def test_every_sheet_prints_on_a4_with_a_clear_header_a_print_area_and_numbered_pages(
    hangzhou_book,
):
    _, book = hangzhou_book
    for title in OWN_SHEETS:
        sheet = book[title]
        setup = sheet.page_setup
        assert str(setup.paperSize) == "9", title
        assert sheet.print_area, title
        margins = sheet.page_margins
        assert margins.header + 0.3 <= margins.top, title  # the running header clears row 1
        assert margins.footer + 0.3 <= margins.bottom, title
        assert sheet.oddFooter.center.text == "&P / &N", title
        assert "杭州市" in sheet.oddHeader.left.text, title  # the scope exported, not 浙江省
        if sheet.sheet_properties.pageSetUpPr.fitToPage:
            assert setup.fitToWidth == 1 and setup.fitToHeight == 0, title
        else:  # too wide: the legible minimum scale, the region columns on every page
            assert setup.scale >= 70 and sheet.print_title_cols, title
    for title in ("排名", "维度得分", "指标得分", "原始数据", "数据备注", "说明"):
        assert book[title].print_title_rows == "$1:$1", title
    # the levels and references: no indicator header row printed above them
    assert book["等级与参考"].print_title_rows is None
    assert book["排名"].page_setup.orientation == "landscape"
    assert book["原始数据"].print_title_cols == "$A:$B"  # code and region on every page
    for title in ("图表", "数据备注", "等级与参考"):
        assert book[title].page_setup.orientation == "portrait", title


def test_the_leaf_matrix_is_not_shrunk_to_one_page(hangzhou_book):
    """101 × 47 on one page printed at ~3 pt: now 70 % at least, code to parent repeated."""
    _, book = hangzhou_book
    leaves = book["指标得分"]
    assert not leaves.sheet_properties.pageSetUpPr.fitToPage
    assert leaves.page_setup.scale == 70 and leaves.page_setup.orientation == "landscape"
    assert leaves.print_title_cols == "$A:$C" and leaves.print_title_rows == "$1:$1"
    assert leaves.print_area == f"'指标得分'!$A$1:$AU${leaves.max_row}"
    ranking = book["排名"]
    assert ranking.sheet_properties.pageSetUpPr.fitToPage  # 排名 fits one width legibly


def test_numbers_are_numbers_in_the_published_precision(hangzhou_book):
    _, book = hangzhou_book
    for title in ("维度得分", "指标得分"):
        sheet = book[title]
        for column in range(4, sheet.max_column + 1):
            cell = sheet.cell(2, column)
            assert cell.number_format == "0.00", (title, cell.coordinate)
    ranking = book["排名"]
    headers = [c.value for c in ranking[1]]
    change = ranking.cell(2, headers.index("得分变化") + 1)
    assert change.number_format == "+0.00;-0.00;0.00" and isinstance(change.value, float)
    rank_change = ranking.cell(2, headers.index("名次变化") + 1)
    assert rank_change.number_format == '"↑"0;"↓"0;0'
    formats = {cell.number_format for cell in ranking[2]}
    assert not any("[Color" in f for f in formats)  # explicit colours, as conditional fonts
    fonts = {
        rule.dxf.font.color.rgb[-6:]
        for cf in ranking.conditional_formatting
        for rule in cf.rules
        if rule.type == "cellIs"
    }
    assert fonts == {"00875A", "C00000"}
    raw = book["原始数据"]
    numeric = [cell for row in raw.iter_rows(min_row=2, min_col=4) for cell in row
               if isinstance(cell.value, (int, float))]  # fmt: skip
    assert numeric and all(c.number_format in ("#,##0", "#,##0.00##", "0.00##") for c in numeric)
    notes = book["等级与参考"]
    thresholds = [
        row[3] for row in notes.iter_rows(min_row=2) if row[0].value and row[0].fill.fgColor.rgb
        not in (None, "00000000") and isinstance(row[3].value, (int, float))
    ]  # fmt: skip
    assert thresholds and all(c.number_format == "0.00" for c in thresholds)


def test_no_stray_apostrophes_and_every_bold_cell_names_its_font(hangzhou_book):
    _, book = hangzhou_book
    for title in book.sheetnames:
        for cell in cells(book[title]):
            if isinstance(cell.value, str):
                assert not PLAIN_NUMBER.match(cell.value), (title, cell.coordinate, cell.value)
            if cell.font is not None and cell.font.b and title in OWN_SHEETS:
                assert cell.font.name == "Microsoft YaHei", (title, cell.coordinate)
    # The workbook's default font (cells with no font of their own) is the CJK face too.
    assert book._fonts[0].name == "Microsoft YaHei"


def test_labels_and_names_are_translated(hangzhou_book):
    response, book = hangzhou_book
    disposition = response["Content-Disposition"]
    assert "results%20report" not in disposition and "results report" not in disposition
    assert "%E8%AF%84%E4%BC%B0%E7%BB%93%E6%9E%9C%E6%8A%A5%E5%91%8A" in disposition  # 评估结果报告
    assert set(OWN_SHEETS) <= set(book.sheetnames)
    texts = [c.value for c in cells(book["说明"]) if isinstance(c.value, str)]
    assert not any(t.startswith("Required") for t in texts)
    assert any(t.startswith("必需：") for t in texts)


def test_wrapped_headers_and_texts_get_room(hangzhou_book):
    _, book = hangzhou_book
    ranking = book["排名"]
    area = next(c for c in ranking[1] if isinstance(c.value, str) and c.value.startswith("DS\n"))
    assert area.alignment.wrap_text
    assert ranking.row_dimensions[1].height >= 14.5 * 3  # code + a name over two lines
    notes = book["说明"]
    tall = [r for r in range(2, notes.max_row + 1) if (notes.row_dimensions[r].height or 0) > 20]
    assert tall  # long rules and guidance wrap over several lines, and the rows grow


def test_charts_show_values_only_titles_count_the_bars_and_levels_break_pages(full_book):
    charts = full_book["图表"]
    assert len(charts._charts) == 4
    bars = [c for c in charts._charts if c.type == "bar"]
    for chart in bars:
        labels = chart.series[0].dLbls
        assert labels.showVal and not labels.showCatName and not labels.showSerName
    titles = [c.value for c in cells(charts) if isinstance(c.value, str) and "名" in c.value]
    assert any("前 11 名" in t for t in titles)  # 11 cities: not "前 15 名" over 11 bars
    assert any("前 15 名" in t for t in titles)  # 90 counties
    assert len(charts.row_breaks.brk) == 1  # the county page after the city page
    key = [c for c in charts["A"] if isinstance(c.value, str) and c.fill.fill_type == "solid"
           and c.value.startswith("L")]  # fmt: skip
    assert len(key) == 2 * len({c.value for c in key})  # each level's key: every level's colour
    ranking = full_book["排名"]
    assert len(ranking.row_breaks.brk) == 1
    bands = [c.value for c in ranking["A"][1:] if isinstance(c.value, str)]
    assert [band[:2] for band in bands] == ["市级", "县级"]  # 市级（11 个地区）
    assert "11" in bands[0] and "90" in bands[1]
    assert len(full_book["指标得分"].row_breaks.brk) == 1


def test_a_supervisors_report_covers_their_city_and_ranks_within_it(
    computed, supervisor_hangzhou, tmp_path
):
    _, second = computed
    target = tmp_path / "hz.xlsx"
    call_command("export_round", "2025", str(target), "--as-user", "supervisor-330100")
    book = load_workbook(target)
    ranking = book["排名"]
    assert "杭州市 · 市级、县级" in ranking.oddHeader.left.text
    assert "浙江省" not in ranking.oddHeader.left.text
    bands = [c.value for c in ranking["A"][1:] if isinstance(c.value, str)]
    assert [band[:2] for band in bands] == ["市级", "县级"]  # 市级（1 个地区）, 县级（13 …）
    assert "13" in bands[1]
    in_parent = column_values(ranking, "上级地区内名次")  # 杭州市 and its counties: two parents
    county_ranks = [r for r in in_parent[3:] if isinstance(r, int)]
    assert sorted(county_ranks) == list(range(1, 14))  # the rank within 杭州市
    assert report_scope(second, "supervisor-330100") == "杭州市"  # for the summary's 范围


def report_scope(round_, username: str) -> str:
    from assessment.dashboards.reports.build import report_for
    from assessment.results.access import ranking_visibility

    user = get_user_model().objects.get(username=username)
    report = report_for(round_, {"level": "county"}, ranking_visibility(user))
    return report.scope_name


def test_person_names():
    from assessment.core.people import person_name

    user = get_user_model()(username="u1")
    assert person_name(user) == "u1"
    user.first_name, user.last_name = "三", "张"
    assert person_name(user) == "张三"
    user.first_name, user.last_name = "Ann", "Lee"
    assert person_name(user) == "Ann Lee"


def test_a_parent_exports_only_the_levels_below_it(computed, tmp_path):
    target = tmp_path / "hz.xlsx"
    call_command("export_round", "2025", str(target), "--parent", "330100")
    ranking = load_workbook(target)["排名"]
    codes = [c for c in column_values(ranking, "代码") if c]
    assert len(codes) == 13 and all(code.startswith("3301") for code in codes)
    assert "杭州市" in ranking.oddHeader.left.text


def test_the_profile_report_prints_and_keeps_numbers_as_numbers(
    client, computed, evaluator_zhejiang
):
    _, second = computed
    evaluator_zhejiang.first_name, evaluator_zhejiang.last_name = "三", "张"
    evaluator_zhejiang.save()
    client.force_login(evaluator_zhejiang)
    book = workbook(client.get(reverse("assessment:profile_report", args=[second.pk, "330106"])))
    overview = book.worksheets[0]
    facts = {row[0].value: row[1] for row in overview.iter_rows() if row[0].value}
    assert facts["导出人"].value == "张三"  # the full name, not the user name
    assert isinstance(facts["总分"].value, float) and facts["总分"].number_format == "0.00"
    change = facts["与上一轮相比"]
    assert isinstance(change.value, float) and change.number_format == "+0.00;-0.00;0.00"
    assert change.font.color is None or change.font.color.rgb[-6:] in ("00875A", "C00000")
    title = overview["A1"].value
    assert "评估评估" not in title and second.name in title
    for sheet in book.worksheets:
        assert sheet.print_area, sheet.title
        for cell in cells(sheet):
            if isinstance(cell.value, str):
                assert not PLAIN_NUMBER.match(cell.value), (sheet.title, cell.value)
    raw = book["原始数据"]
    value = Value.objects.filter(submission__round=second, submission__region_id="330106").first()
    assert value is not None
    numeric = [raw.cell(r, 3) for r in range(2, raw.max_row + 1)
               if isinstance(raw.cell(r, 3).value, (int, float))]  # fmt: skip
    assert numeric and all(c.number_format != "General" for c in numeric)


@pytest.mark.parametrize(
    ("text", "cell"),
    [("+7.60", "+7.60"), ("-3", "-3"), ("12.5%", "12.5%"), ("+1", "+1"),
     ("=1+1", "'=1+1"), ("-2+3", "'-2+3"), ("+7.60（进步名次 3）", "'+7.60（进步名次 3）"),
     ("@SUM(A1)", "'@SUM(A1)"), ("西湖区", "西湖区")],
)  # fmt: skip
def test_the_formula_guard_leaves_plain_numbers_alone(text, cell):
    from assessment.dashboards.reports.sheets import safe

    assert safe(text) == cell
