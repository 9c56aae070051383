"""The values workbook: the import template, filled with current values, safe to open."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessment.core.excel import safe_text
from assessment.regions.models import Region
from tests.assessment.collection.workbooks import XLSX, column_of, row_of, template
from tests.assessment.conftest import fill


def test_the_template_has_headers_rows_and_validation(open_round, staff_xihu, xihu):
    fill(xihu, staff_xihu)
    book = template(open_round)
    assert book.sheetnames == ["填报数据", "说明"]
    sheet = book["填报数据"]
    assert [sheet.cell(r, 1).value for r in range(1, 5)] == [
        "地区代码",
        "指标名称",
        "单位",
        "取值范围",
    ]
    assert sheet.cell(1, 3).value == "DS.1.1"
    assert sheet.cell(2, 3).value == "政务数据目录编制覆盖率"
    assert sheet.cell(3, 3).value == "%"
    assert sheet.cell(4, 3).value == "0–100"
    assert sheet.max_column == 2 + 43
    assert sheet.max_row == 4 + 101  # one row per participating region
    row = row_of(sheet, "330106")
    assert sheet.cell(row, 2).value == "西湖区"
    assert sheet.cell(row, column_of(sheet, "DS.1.1")).value == 50
    assert sheet.cell(row, 1).data_type == "s"  # codes stay text
    assert sheet.freeze_panes == "C5"
    validations = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    ds11 = validations[f"C5:C{sheet.max_row}"]
    assert (ds11.type, ds11.operator, ds11.formula1, ds11.formula2) == (
        "decimal",
        "between",
        "0",
        "100",
    )
    yesno = next(dv for dv in validations.values() if dv.type == "list")
    assert yesno.formula1 == '"1,0"'


def test_text_that_would_run_as_a_formula_is_neutralised(open_round):
    Region.objects.filter(code="330106").update(name='=HYPERLINK("http://evil","点我")')
    Region.objects.filter(code="330108").update(name="@SUM(1+1)")
    sheet = template(open_round)["填报数据"]
    for code, expected in [("330106", "'=HYPERLINK"), ("330108", "'@SUM")]:
        cell = sheet.cell(row_of(sheet, code), 2)
        assert cell.data_type == "s" and cell.value.startswith(expected)


@pytest.mark.parametrize(
    ("text", "safe"),
    [("=1+1", "'=1+1"), ("+86", "'+86"), ("-2", "'-2"), ("@x", "'@x"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("普通文字", "普通文字"), ("", "")],
)  # fmt: skip
def test_safe_text(text, safe):
    assert safe_text(text) == safe


def test_staff_download_their_own_row_only(client, open_round, staff_xihu):
    client.force_login(staff_xihu)
    response = client.get(reverse("assessment:export", args=[open_round.pk]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content))["填报数据"]
    assert [sheet.cell(r, 1).value for r in range(5, sheet.max_row + 1)] == ["330106"]


@pytest.mark.parametrize(
    ("user", "status"), [("supervisor_hangzhou", 403), ("other_staff", 404), ("nobody", 404)]
)
def test_who_may_download(client, open_round, user, status, request):
    client.force_login(request.getfixturevalue(user))
    assert client.get(reverse("assessment:export", args=[open_round.pk])).status_code == status
