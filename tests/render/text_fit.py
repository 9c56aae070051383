"""Does a cell's text fit its printed column? An estimate from the fonts' metrics, no renderer.

Widths in points: a CJK character (and full-width punctuation) is one em of the cell's font
size in Noto Sans CJK, the font the reports name; Latin letters, digits and ASCII
punctuation average 0.6 em in it (digits 0.55, the narrowest common glyphs 0.3). A column of
Excel width w is w × 7 + 5 pixels at 96 dpi, 0.75 point each. Merged cells add their columns.
Cells that wrap are left out.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

NARROW = set("il.,:;'|!()[]{} ")
DEFAULT_COLUMN = 8.43  # Excel's default width in characters
DEFAULT_SIZE = 11.0


def text_width(text: str, size: float) -> float:
    """The width of one line of `text` at `size` points."""
    width = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            width += 1.0
        elif char in NARROW:
            width += 0.3
        elif char.isdigit():
            width += 0.55
        else:
            width += 0.6
    return width * size


def column_points(sheet, column: int) -> float:
    dimension = sheet.column_dimensions.get(get_column_letter(column))
    width = dimension.width if dimension is not None and dimension.width else DEFAULT_COLUMN
    return (width * 7 + 5) * 0.75


@dataclass(frozen=True)
class Overflow:
    sheet: str
    cell: str
    text: str
    needed: float  # points
    available: float


def overflows(workbook, *, slack: float = 1.05) -> list[Overflow]:
    """Text cells (not wrapped) wider than their column or merged range whose right-hand
    neighbour holds something (text spills into an empty neighbour, and is clipped by a full
    one); numbers are left out (a spreadsheet shows ###, not clipped digits)."""
    found = []
    for sheet in workbook.worksheets:
        merged = {}
        for cells in sheet.merged_cells.ranges:
            for row in range(cells.min_row, cells.max_row + 1):
                merged[(row, cells.min_col)] = (cells.min_col, cells.max_col)
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or not cell.value.strip():
                    continue
                if cell.alignment is not None and cell.alignment.wrap_text:
                    continue
                first, last = merged.get((cell.row, cell.column), (cell.column, cell.column))
                neighbour = sheet.cell(row=cell.row, column=last + 1).value
                if neighbour is None or neighbour == "":
                    continue
                available = sum(column_points(sheet, c) for c in range(first, last + 1))
                size = float(cell.font.sz) if cell.font and cell.font.sz else DEFAULT_SIZE
                for line in cell.value.splitlines():
                    needed = text_width(line, size)
                    if needed > available * slack:
                        found.append(
                            Overflow(sheet.title, cell.coordinate, line, needed, available)
                        )
                        break
    return found
