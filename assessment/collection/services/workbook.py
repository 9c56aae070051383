"""The layout of the values workbook, shared by the export (template) and the import.

Sheet "填报数据": row 1 holds the column keys (地区代码, 地区名称, then one leaf code per column),
rows 2–4 the indicator names, units and allowed values for people, and every row from 5 on one
region. The sheet names and header keys are fixed (not translated) so a file stays importable
whatever language the person who downloaded it was using.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator, ValueType

VALUES_SHEET = "填报数据"
README_SHEET = "说明"
CODE_HEADER = "地区代码"
NAME_HEADER = "地区名称"
CODE_HEADERS = {CODE_HEADER, "region code", "region"}
HEADER_ROWS = 4
FIRST_DATA_ROW = HEADER_ROWS + 1
FIRST_VALUE_COLUMN = 3  # C

ROW_LABELS = (CODE_HEADER, "指标名称", "单位", "取值范围")

README_LINES = (
    _("How to fill in this workbook"),
    _(
        "One row per region, one column per indicator. Row 1 holds the codes the import reads; "
        "rows 2–4 show each indicator's name, unit and allowed values."
    ),
    _("Enter numbers only: 85.5 for 85.5 %. Yes/no: 1 = yes, 0 = no. Rubric levels: 0–5."),
    _("An empty cell changes nothing. Formulas are refused: enter values."),
    _("Do not rename the sheet, insert columns or merge cells."),
    _(
        "Upload the file on the round's import page: a dry run lists every problem first, and "
        "nothing is written until you apply a file without problems."
    ),
)


def allowed_values(indicator: Indicator) -> str:
    """The fourth header row: what may be entered in the column, for people."""
    kind = indicator.value_type
    if kind == ValueType.YESNO:
        return "1=是 0=否"
    if kind == ValueType.RUBRIC:
        return "0–5 (L0–L5)"
    low = _number(indicator.min_value)
    high = _number(indicator.max_value)
    whole = "整数 " if kind == ValueType.COUNT else ""
    if low is not None and high is not None:
        return f"{whole}{low}–{high}"
    if low is not None:
        return f"{whole}≥{low}"
    return whole.strip() or "—"


def _number(value) -> str | None:
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text
