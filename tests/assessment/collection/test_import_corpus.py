"""Malformed workbooks, made in the test by editing the sheet XML of a real template: each is
reported as problems (no server error) and nothing is written, through the service and the
upload page.

The corpus holds the files found when the product was attacked from outside: cells openpyxl
cannot decode (t="n" with NaN/abc/0x1A, a shared-string index out of range, t="d" garbage, a
style index that does not exist, a cell reference past column XFD), TRUE/FALSE in a number
column, a decimal comma, a row number far beyond the round, and a row wider than the round.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.urls import reverse

from assessment.collection.models import AuditEntry, ImportBatch, Value
from assessment.collection.services.importing import (
    ImportRefused,
    ImportRules,
    apply_file,
    check_import,
)
from tests.assessment.collection.workbooks import XLSX, as_bytes, put, template
from tests.conftest import make_user

SHEET = "xl/worksheets/sheet1.xml"


def edited(round_, edit) -> bytes:
    """A real template with 西湖区's DS.1.1 cell holding 60, its sheet XML passed to `edit`."""
    book = template(round_)
    put(book["填报数据"], "330106", "DS.1.1", 60)
    source = as_bytes(book)
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as copy:
        names = original.namelist()
        assert SHEET in names
        for name in names:
            data = original.read(name)
            if name == SHEET:
                data = edit(data.decode()).encode()
            copy.writestr(name, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def the_cell(replacement: str):
    """Replace 西湖区's DS.1.1 cell (the one holding 60) with `replacement` (CELL = its ref)."""

    def edit(xml: str) -> str:
        match = re.search(r'<c r="(C\d+)"[^>]*><v>60</v></c>', xml)
        assert match, "the template's 60 is a number cell in column C"
        return xml.replace(match.group(0), replacement.replace("CELL", match.group(1)))

    return edit


def add_row(row_xml: str):
    return lambda xml: xml.replace("</sheetData>", row_xml + "</sheetData>")


CORPUS = {
    "number NaN": the_cell('<c r="CELL" t="n"><v>NaN</v></c>'),
    "number abc": the_cell('<c r="CELL" t="n"><v>abc</v></c>'),
    "number hex": the_cell('<c r="CELL" t="n"><v>0x1A</v></c>'),
    "number infinite": the_cell('<c r="CELL" t="n"><v>1e999999999</v></c>'),
    "shared string out of range": the_cell('<c r="CELL" t="s"><v>99999</v></c>'),
    "date garbage": the_cell('<c r="CELL" t="d"><v>garbage</v></c>'),
    "style index out of range": the_cell('<c r="CELL" s="999"><v>5</v></c>'),
    "reference past XFD": the_cell('<c r="ZZZZZ8"><v>5</v></c>'),
    "boolean 2": the_cell('<c r="CELL" t="b"><v>2</v></c>'),
    "boolean TRUE": the_cell('<c r="CELL" t="b"><v>1</v></c>'),
    "decimal comma": the_cell('<c r="CELL" t="inlineStr"><is><t>8,5</t></is></c>'),
    "superscript digit": the_cell('<c r="CELL" t="inlineStr"><is><t>²</t></is></c>'),
    "row number of Excel's last row": add_row(
        '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    ),
    "row number that is not a number": add_row('<row r="abc"><c r="A999"><v>1</v></c></row>'),
    "rows without numbers past the round": add_row("<row><c><v>1</v></c></row>" * 300),
    "cell in column XFD": the_cell('<c r="CELL"><v>60</v></c><c r="XFD5"><v>1</v></c>'),
}


@pytest.mark.parametrize("case", CORPUS)
def test_a_malformed_workbook_is_reported_and_writes_nothing(open_round, administrator, case):
    content = edited(open_round, CORPUS[case])
    result = check_import(round=open_round, source=io.BytesIO(content), rules=ImportRules())
    assert not result.ok
    assert all(problem.message for problem in result.problems)
    with pytest.raises(ImportRefused):
        apply_file(round=open_round, path=io.BytesIO(content), user=administrator,
                   rules=ImportRules())  # fmt: skip
    assert not Value.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.parametrize("case", CORPUS)
def test_the_upload_page_reports_a_malformed_workbook(client, open_round, case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    evaluator = make_user("evaluator-corpus", "330000", "evaluator")
    client.force_login(evaluator)
    upload = SimpleUploadedFile("values.xlsx", edited(open_round, CORPUS[case]), XLSX)
    url = reverse("assessment:import", args=[open_round.pk])
    response = client.post(url, {"workbook": upload})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.problem_count >= 1
    report = client.get(reverse("assessment:import_report", args=[batch.pk]))
    assert report.status_code == 200 and 'data-testid="problem-table"' in report.content.decode()
    apply = client.post(reverse("assessment:import_apply", args=[batch.pk]), follow=True)
    assert apply.status_code == 200
    assert not Value.objects.exists()


def test_the_messages_say_what_is_wrong(open_round):
    def problems(case: str) -> str:
        content = edited(open_round, CORPUS[case])
        result = check_import(round=open_round, source=io.BytesIO(content), rules=ImportRules())
        return " | ".join(problem.message for problem in result.problems)

    assert "1048576" in problems("row number of Excel's last row")
    assert "XFD" in problems("cell in column XFD")
    assert "TRUE/FALSE" in problems("boolean TRUE") or "真" in problems("boolean TRUE")
    assert "8,5" in problems("decimal comma")
    damaged = problems("shared string out of range")
    assert "Excel" in damaged and "WPS" in damaged


def test_an_unmodified_template_still_imports(open_round, administrator):
    """The corpus builder itself produces a workbook the import accepts."""
    content = edited(open_round, lambda xml: xml)
    check = apply_file(round=open_round, path=io.BytesIO(content), user=administrator,
                       rules=ImportRules())  # fmt: skip
    assert check.ok and Value.objects.get().value == 60
