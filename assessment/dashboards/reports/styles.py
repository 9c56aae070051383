"""Fonts, fills and number formats of the reports, and column widths for Chinese text."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import cache

from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils.indexed_list import IndexedList

#: Every font of the reports names a sans-serif CJK face: a font without a name falls back to
#: the application's default, a serif face in LibreOffice. 微软雅黑 ships with every Chinese
#: Windows and WPS; fontconfig maps it to Noto Sans CJK SC on Linux (LibreOffice).
FONT_NAME = "Microsoft YaHei"
FONT_SIZE = 10
#: Printed text is never scaled below this share of its size (10 pt → 7 pt).
MIN_PRINT_SCALE = 70
#: Height in points of one line of 10 pt CJK text (the face's line gap included).
LINE_HEIGHT = 14.5


def font(**kwargs) -> Font:
    """A report font: the CJK face and size unless told otherwise."""
    return Font(name=FONT_NAME, **{"size": FONT_SIZE, **kwargs})


BASE_FONT = font()
BOLD_FONT = font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = font(bold=True, color="FFFFFF")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
TITLE_FONT = font(bold=True, size=16, color="1F4E78")
SECTION_FONT = font(bold=True, size=12, color="1F4E78")
LABEL_FONT = font(bold=True, color="404040")
NOTE_FONT = font(italic=True, color="808080")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
INDENT = Alignment(indent=1, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center")
THIN = Border(bottom=Side(style="thin", color="BFBFBF"))

# Changes: the sign in the number, the colour from a conditional font (`sign_rules`), an
# explicit dark green / dark red that every application shows ([Color10] is near-invisible
# in LibreOffice).
UP, DOWN = "00875A", "C00000"
CHANGE_FORMAT = "+{0};-{0};{0}"
RANK_CHANGE_FORMAT = '"↑"0;"↓"0;0'
PERCENT_FORMAT = "0.0%"
RANK_FORMAT = "0"

# Excel's own three-colour scale: red (lowest) – yellow (median) – green (highest).
LOW, MID, HIGH = "F8696B", "FFEB84", "63BE7B"


def score_format(precision: int) -> str:
    """Scores as published: always `precision` decimals (82.50, not 82.5)."""
    return "0." + "0" * precision if precision > 0 else "0"


def change_format(precision: int) -> str:
    """A change with its sign: +7.60, -1.25, 0.00 (a number, coloured by `sign_rules`)."""
    return CHANGE_FORMAT.format(score_format(precision))


def change_font(value: float | None) -> Font:
    """The font of one change cell outside a conditional format: green up, red down."""
    if value is None or value == 0:
        return BASE_FONT
    return _UP_FONT if value > 0 else _DOWN_FONT


_UP_FONT = font(color=UP)
_DOWN_FONT = font(color=DOWN)


def sign_rules() -> list:
    """Conditional fonts of a change column: positive dark green, negative dark red."""
    return [
        CellIsRule(operator="greaterThan", formula=["0"], font=Font(color=UP)),
        CellIsRule(operator="lessThan", formula=["0"], font=Font(color=DOWN)),
    ]


def colour_scale() -> ColorScaleRule:
    """Red to green over the range: the lowest score red, the median yellow, the best green."""
    return ColorScaleRule(
        start_type="min",
        start_color=LOW,
        mid_type="percentile",
        mid_value=50,
        mid_color=MID,
        end_type="max",
        end_color=HIGH,
    )


def gap_scale() -> ColorScaleRule:
    """Points below the peer median red, above green, zero white."""
    return ColorScaleRule(
        start_type="num",
        start_value=-20,
        start_color=LOW,
        mid_type="num",
        mid_value=0,
        mid_color="FFFFFF",
        end_type="num",
        end_value=20,
        end_color=HIGH,
    )


@cache
def level_fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=_hex(colour))


@cache
def level_font(colour: str) -> Font:
    """White on dark level colours, black on light ones (WCAG relative luminance)."""
    red, green, blue = (int(_hex(colour)[i : i + 2], 16) / 255 for i in (0, 2, 4))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return font(bold=True, color="FFFFFF" if luminance < 0.4 else "000000")


def _hex(colour: str) -> str:
    text = (colour or "").lstrip("#").upper()
    return text if len(text) == 6 and all(c in "0123456789ABCDEF" for c in text) else "6C757D"


def text_width(text: object) -> int:
    """Display width in Excel's column units: a Chinese (wide) character counts twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def fit(texts: Iterable[object], *, minimum: float = 6, maximum: float = 60) -> float:
    """A column width that shows the widest of `texts` (plus a little air), within bounds."""
    widest = max((text_width(t) for t in texts if t is not None), default=0)
    return max(minimum, min(maximum, widest + 2))


def lines(text: object, width: float) -> int:
    """How many lines `text` takes wrapped in a column `width` units wide (its own line
    breaks kept). A Chinese character counts 2 units and is 1.9 wide at 10 pt: that
    difference is the cells' padding."""
    if text is None or text == "":
        return 1
    room = max(1, int(width))
    return sum(max(1, -(-text_width(part) // room)) for part in str(text).split("\n"))


def row_height(count: int) -> float:
    """The height of a row holding `count` lines of text."""
    return round(LINE_HEIGHT * max(1, count) + 4, 1)


def use_report_font(workbook) -> None:
    """Make the CJK face the workbook's default (the Normal style's font, id 0), so every cell
    without a font of its own shows it too. Done before the first styled cell is written;
    later calls change nothing."""
    fonts = workbook._fonts
    if len(fonts) == 1 and fonts[0] != BASE_FONT:
        workbook._fonts = IndexedList([BASE_FONT])
