"""Writing the values workbook: the import template, filled with the current values.

Streams rows with openpyxl's write-only mode, so a nationwide round (3,213 rows × 43 columns)
needs little memory. Every text cell goes through `safe_text`, so nothing a region or indicator
name holds can run as a formula when the file is opened.
"""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from django.db.models import Q
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from assessment.collection.models import Round, Submission, Value
from assessment.collection.selectors.entry import system_leaves
from assessment.collection.services.workbook import (
    FIRST_DATA_ROW,
    FIRST_VALUE_COLUMN,
    NAME_HEADER,
    README_LINES,
    README_SHEET,
    ROW_LABELS,
    VALUES_SHEET,
    allowed_values,
)
from assessment.core.excel import safe_text
from indicators.models import Indicator, ValueType

HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
HEADER_FONT = Font(bold=True)


def export_values(*, round: Round, scope: Q | None = None, path=None) -> bytes | None:
    """The workbook for `round`, one row per submission matched by `scope` (a Q on Submission).

    Writes to `path` when given, else returns the bytes.
    """
    leaves = system_leaves(round.system_id)
    submissions = Submission.objects.filter(round=round).select_related("region")
    if scope is not None:
        submissions = submissions.filter(scope)
    submissions = list(submissions.order_by("region_id").only("id", "region__code", "region__name"))
    values = _values_by_submission(round, [s.pk for s in submissions])
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(VALUES_SHEET)
    _layout(sheet, leaves, len(submissions))
    for row in _header_rows(sheet, leaves):
        sheet.append(row)
    index = {leaf.pk: position for position, leaf in enumerate(leaves)}
    for submission in submissions:
        cells: list[object] = [None] * len(leaves)
        for indicator_id, value in values.get(submission.pk, ()):
            position = index.get(indicator_id)
            if position is not None and value is not None:
                cells[position] = _number(value)
        code = WriteOnlyCell(sheet, value=submission.region.code)
        code.number_format = "@"
        sheet.append([code, safe_text(submission.region.name), *cells])
    _readme(workbook)
    if path is not None:
        workbook.save(path)
        return None
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _values_by_submission(round: Round, ids: list[int]) -> dict[int, list[tuple[int, object]]]:
    result: dict[int, list[tuple[int, object]]] = {}
    rows = Value.objects.filter(submission__round=round).values_list(
        "submission_id", "indicator_id", "value"
    )
    wanted = set(ids)
    for submission_id, indicator_id, value in rows.iterator(chunk_size=5000):
        if submission_id in wanted:
            result.setdefault(submission_id, []).append((indicator_id, value))
    return result


def _number(value):
    """Whole numbers as int, others as float (Excel stores doubles anyway)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _header_rows(sheet, leaves: list[Indicator]) -> Iterable[list]:
    def styled(text: str):
        cell = WriteOnlyCell(sheet, value=safe_text(text))
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        return cell

    yield [styled(ROW_LABELS[0]), styled(NAME_HEADER), *(styled(leaf.code) for leaf in leaves)]
    yield [styled(ROW_LABELS[1]), styled(""), *(styled(leaf.name_zh) for leaf in leaves)]
    yield [styled(ROW_LABELS[2]), styled(""), *(styled(leaf.unit_zh) for leaf in leaves)]
    yield [styled(ROW_LABELS[3]), styled(""), *(styled(allowed_values(leaf)) for leaf in leaves)]


def _layout(sheet, leaves: list[Indicator], rows: int) -> None:
    sheet.freeze_panes = f"{get_column_letter(FIRST_VALUE_COLUMN)}{FIRST_DATA_ROW}"
    sheet.column_dimensions["A"].width = 10
    sheet.column_dimensions["B"].width = 16
    last = FIRST_DATA_ROW + max(rows, 1) - 1
    for offset, leaf in enumerate(leaves):
        letter = get_column_letter(FIRST_VALUE_COLUMN + offset)
        sheet.column_dimensions[letter].width = 14
        validation = _validation(leaf)
        if validation is not None:
            validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last}")
            sheet.data_validations.append(validation)


def _validation(leaf: Indicator) -> DataValidation | None:
    """Excel's own check for a column, where Excel can express it."""
    kind = leaf.value_type
    common = {
        "allow_blank": True,
        "showErrorMessage": True,
        "errorTitle": "数值无效",
        "error": f"{leaf.code}：{allowed_values(leaf)}",
    }
    if kind == ValueType.YESNO:
        return DataValidation(type="list", formula1='"1,0"', **common)
    if kind == ValueType.RUBRIC:
        return DataValidation(
            type="whole", operator="between", formula1="0", formula2="5", **common
        )
    excel_type = "whole" if kind == ValueType.COUNT else "decimal"
    low, high = leaf.min_value, leaf.max_value
    if low is not None and high is not None:
        return DataValidation(
            type=excel_type,
            operator="between",
            formula1=_formula(low),
            formula2=_formula(high),
            **common,
        )
    if low is not None:
        return DataValidation(
            type=excel_type, operator="greaterThanOrEqual", formula1=_formula(low), **common
        )
    return None


def _formula(value) -> str:
    return format(value.normalize(), "f")


def _readme(workbook: Workbook) -> None:
    sheet = workbook.create_sheet(README_SHEET)
    sheet.column_dimensions["A"].width = 110
    for line in README_LINES:
        sheet.append([safe_text(str(line))])


def problems_workbook(problems: list[list]) -> bytes:
    """An import's problems ([sheet, row, column, message] each), one per row; messages quote
    cells, so they are neutralised too."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("问题")
    sheet.column_dimensions["D"].width = 90
    sheet.append(["工作表", "行", "列", "原因"])
    for name, row, column, message in problems:
        sheet.append([safe_text(name or ""), row, safe_text(column or ""), safe_text(message)])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
