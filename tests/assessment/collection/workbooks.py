"""Workbook builders shared by the export, import and import-page tests."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from assessment.collection.models import Value
from assessment.collection.services.exporting import export_values
from tests.assessment.conftest import upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template(round_) -> Workbook:
    return load_workbook(io.BytesIO(export_values(round=round_)))


def row_of(sheet, code: str) -> int:
    for row in range(5, sheet.max_row + 1):
        if sheet.cell(row, 1).value == code:
            return row
    raise AssertionError(code)


def column_of(sheet, code: str) -> int:
    for column in range(1, sheet.max_column + 1):
        if sheet.cell(1, column).value == code:
            return column
    raise AssertionError(code)


def put(sheet, region: str, indicator: str, value) -> None:
    sheet.cell(row_of(sheet, region), column_of(sheet, indicator)).value = value


def as_bytes(workbook: Workbook) -> io.BytesIO:
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def stored(round_, region: str, code: str):
    row = Value.objects.filter(
        submission__round=round_, submission__region_id=region, indicator__code=code
    ).first()
    return row.value if row else None


def column_letter(sheet, code: str) -> str:
    return get_column_letter(column_of(sheet, code))


def upload_book(book: Workbook, name: str = "values.xlsx"):
    return upload(name, as_bytes(book).getvalue(), XLSX)
