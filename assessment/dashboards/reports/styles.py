"""Fonts, fills and number formats of the reports, and column widths for Chinese text."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import cache

from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
TITLE_FONT = Font(bold=True, size=16, color="1F4E78")
SECTION_FONT = Font(bold=True, size=12, color="1F4E78")
LABEL_FONT = Font(bold=True, color="404040")
NOTE_FONT = Font(italic=True, color="808080")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center")
THIN = Border(bottom=Side(style="thin", color="BFBFBF"))

# Changes in green (up) or red (down); Excel's [Color10] is dark green in every version.
CHANGE_COLOURS = "[Color10]+{0};[Red]-{0};{0}"
RANK_CHANGE_FORMAT = '[Color10]"↑"0;[Red]"↓"0;0'
PERCENT_FORMAT = "0.0%"
RANK_FORMAT = "0"

# Excel's own three-colour scale: red (lowest) – yellow (median) – green (highest).
LOW, MID, HIGH = "F8696B", "FFEB84", "63BE7B"


def score_format(precision: int) -> str:
    """Scores as published: always `precision` decimals (82.50, not 82.5)."""
    return "0." + "0" * precision if precision > 0 else "0"


def change_format(precision: int) -> str:
    return CHANGE_COLOURS.format(score_format(precision))


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
    return Font(bold=True, color="FFFFFF" if luminance < 0.4 else "000000")


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
