"""A report sheet in openpyxl's write-only mode: columns, header, rows, and the finish.

Write-only mode streams each row to a temporary file as it is appended, so a national report
never holds its cells in memory; the price is an order to follow: widths, frozen panes and
print setup before the first row, conditional formats, the autofilter and charts afterwards.
`ReportSheet` keeps that order. Styled cells reuse one prototype per column (the row is
written before the next one is built), so a number format costs one assignment per column,
not one style per cell.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

from assessment.core.excel import safe_text
from assessment.dashboards.reports import styles

#: Rows too few to fill a page of their own (a level's part that follows them shares it).
SHORT_PART = 5

#: Progress callback: (fraction done 0–1, what is being written).
Progress = Callable[[float, str], None]


def no_progress(fraction: float, stage: str) -> None:
    return None


@dataclass(frozen=True)
class Col:
    """One column: its header, width (Excel units) and cell format."""

    header: str
    width: float = 12
    number_format: str | None = None
    wrap: bool = False
    bold: bool = False
    center: bool = False


#: Text that is a plain number ("+7.60", "-3", "12.5%"): a spreadsheet reads it as that
#: number, never as a formula, so it needs no guard (and "'+7.60" would show the apostrophe).
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)%?")


def safe(value):
    """Text neutralised (a leading = + - @ tab or CR cannot run as a formula, unless the text
    is a plain number); the rest as is."""
    if isinstance(value, str) and not _PLAIN_NUMBER.fullmatch(value):
        return safe_text(value)
    return value


class _Prototype(Cell):
    """A cell written again and again with new values and the same style: its style id is
    looked up once, not per cell (openpyxl hashes the style of every styled cell it writes,
    a sixth of a national report's writing time)."""

    __slots__ = ("_style_id",)

    @property
    def style_id(self) -> int:
        return self._style_id

    @property
    def has_style(self) -> bool:
        return True


def _values_to_row(self, values, row_idx):
    """openpyxl's `WriteOnlyWorksheet._values_to_row` without its exception per styled cell
    (it tries each value as a plain one first: a national report's 500,000 styled cells
    took longer than the rest of its writing); and a plain value after a styled cell is
    plain, not written in that cell's style."""
    plain = WriteOnlyCell(self)
    for col_idx, value in enumerate(values, 1):
        if value is None:
            continue
        if isinstance(value, Cell):
            cell = value
        else:
            cell = plain
            cell.value = value
        cell.column = col_idx
        cell.row = row_idx
        if cell.hyperlink is not None:
            cell.hyperlink.ref = cell.coordinate
        yield cell


def frozen(cell: Cell) -> Cell:
    """`cell` as a prototype whose style no longer changes (set the style first)."""
    if not cell.has_style:
        return cell
    proto = _Prototype(cell.parent, row=1, column=1)
    proto._style = cell._style
    proto._style_id = cell.style_id
    return proto


class ReportSheet:
    """A write-only sheet with a frozen, filterable, repeated header row and print setup."""

    def __init__(
        self,
        workbook: Workbook,
        title: str,
        columns: Sequence[Col],
        *,
        freeze: str | None = "B2",
        header_height: float | None = None,
        print_header: str = "",
        landscape: bool = True,
        title_columns: int = 0,
        print_width: float | None = None,
        vertical: str | None = None,
    ):
        """`title_columns`: how many leading columns repeat on every printed page when the
        sheet is too wide to print at a legible size on one page width; `print_width`: the
        printed width in column units when more than the columns (charts beside a table);
        `vertical`: every cell aligned so ("center", "top") in a table whose rows some
        wrapped text makes taller, at the price of a styled cell each."""
        self.vertical = vertical
        self._vertical = Alignment(vertical=vertical) if vertical else None
        styles.use_report_font(workbook)
        self.sheet = workbook.create_sheet(title)
        self.sheet._values_to_row = types.MethodType(_values_to_row, self.sheet)
        self.columns = list(columns)
        self.rows = 0
        self.header_height = header_height
        sheet = self.sheet
        for index, column in enumerate(self.columns, 1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        if freeze:
            sheet.freeze_panes = freeze
        widths = [column.width for column in self.columns]
        if print_width:
            widths.append(max(0, print_width - sum(widths)))
        self.print_width = sum(widths)
        self.fits = page_setup(sheet, landscape=landscape, print_header=print_header, widths=widths)
        if title_columns and not self.fits:
            sheet.print_title_cols = f"A:{get_column_letter(title_columns)}"
        self._protos = [self._prototype(column) for column in self.columns]
        self._proto_ids = {id(proto) for proto in self._protos if proto is not None}
        self._wrapped = {index for index, column in enumerate(self.columns) if column.wrap}
        self._widths = self.widths()

    def _prototype(self, column: Col) -> Cell | None:
        styled = column.number_format or column.wrap or column.bold or column.center
        if not (styled or self.vertical):
            return None
        cell = WriteOnlyCell(self.sheet)
        if column.number_format:
            cell.number_format = column.number_format
        if column.wrap or column.center or self.vertical:
            cell.alignment = Alignment(
                wrap_text=column.wrap or None,
                horizontal="center" if column.center else None,
                vertical=self.vertical or ("top" if column.wrap else "center"),
            )
        if column.bold:
            cell.font = styles.BOLD_FONT
        return frozen(cell)

    def header(self, labels: Iterable[str] | None = None) -> None:
        """The header row (row 1 unless rows came before), repeated on every printed page."""
        self.table_header([c.header for c in self.columns] if labels is None else labels)
        self.sheet.print_title_rows = f"{self.rows}:{self.rows}"

    def table_header(self, labels: Iterable[str]) -> None:
        """A header row inside the sheet (a second table below the first), as high as its
        longest label wrapped in its column."""
        labels = list(labels)
        count = max(
            (
                styles.lines(label, width)
                for label, width in zip(labels, self.widths(), strict=False)
            ),
            default=1,
        )
        height = max(styles.row_height(count), self.header_height or 0)
        if count > 1 or self.header_height:
            self.sheet.row_dimensions[self.rows + 1].height = height
        self.sheet.append(
            [
                self.styled(
                    label,
                    font=styles.HEADER_FONT,
                    fill=styles.HEADER_FILL,
                    alignment=styles.HEADER_ALIGNMENT,
                )
                for label in labels
            ]
        )
        self.rows += 1

    def widths(self) -> list[float]:
        return [column.width for column in self.columns]

    def fact(self, label: str, value, *, number_format: str | None = None, font=None) -> None:
        """A label and its value, the value spread (wrapped) over the columns to its right;
        numbers stay numbers, in `number_format`."""
        text = str(value) if value is not None else ""
        row = self.rows + 1
        last = min(7, len(self.columns))
        span = sum(self.widths()[1:last])
        count = max(styles.lines(text, span), styles.lines(label, self.widths()[0]))
        if count > 1:
            self.sheet.row_dimensions[row].height = styles.row_height(count)
        label_cell = self.styled(label, font=styles.LABEL_FONT, alignment=styles.WRAP)
        value_cell = self.styled(
            value,
            alignment=Alignment(wrap_text=True, vertical="top", horizontal="left"),
            number_format=number_format,
            font=font,
        )
        self.sheet.append([label_cell, value_cell])
        self.rows += 1
        self.sheet.merged_cells.add(f"B{row}:{get_column_letter(last)}{row}")

    def fit_height(self, values: Sequence) -> None:
        """Room for the wrapped texts of the row about to be written (write-only sheets do
        not grow; the height must be set before the row is), unless the caller set it."""
        if not self._wrapped and not any(isinstance(value, Cell) for value in values):
            return  # nothing in the row wraps (a matrix row): the default height
        count = 1
        for index, (value, width) in enumerate(zip(values, self._widths, strict=False)):
            if isinstance(value, Cell):
                if index not in self._wrapped and (
                    id(value) in self._proto_ids or not value.alignment.wrap_text
                ):
                    continue
                value = value.value
            elif index not in self._wrapped:
                continue
            if isinstance(value, str):
                count = max(count, styles.lines(value, width))
        dimension = self.sheet.row_dimensions[self.rows + 1]
        # a height the caller set wins: it knows the row's merged widths (the estimate here
        # reads each cell's own column)
        if count > 1 and dimension.height is None:
            dimension.height = styles.row_height(count)

    def page_break(self) -> None:
        """A page break after the last row written (the next row starts a new page)."""
        if self.rows:
            self.sheet.row_breaks.append(Break(id=self.rows))

    def band(self, text: str, *, new_page: bool = False) -> None:
        """A title row before a part of a table (one per region level). `new_page`: the part
        starts a new page, unless what precedes it is short (one city before its counties):
        then an empty row sets it apart."""
        if new_page and self.rows > SHORT_PART:
            self.page_break()
        elif new_page:
            self.sheet.append([])
            self.rows += 1
        self.sheet.row_dimensions[self.rows + 1].height = styles.row_height(1) + 6
        self.sheet.append([self.styled(text, font=styles.SECTION_FONT)])
        self.rows += 1

    def append(self, values: Sequence) -> None:
        """One data row; text is neutralised, columns with a format use their prototype."""
        self.fit_height(values)
        row = []
        for value, proto in zip(values, self._protos, strict=False):
            if value is None or isinstance(value, Cell):
                row.append(value)
            elif proto is None:
                row.append(safe(value))
            else:
                proto.value = safe(value)
                row.append(proto)
        row.extend(safe(v) for v in values[len(self._protos) :])
        self.sheet.append(row)
        self.rows += 1

    def append_plain(self, values: list) -> None:
        """A row whose values are safe already (numbers, neutralised text): the fast path."""
        self.sheet.append(values)
        self.rows += 1

    def styled(
        self,
        value,
        *,
        font: Font | None = None,
        fill: PatternFill | None = None,
        alignment: Alignment | None = None,
        number_format: str | None = None,
    ) -> Cell:
        cell = WriteOnlyCell(self.sheet, value=safe(value))
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if alignment is None and self.vertical:  # in line with the row's other cells
            alignment = self._vertical
        if alignment is not None:
            cell.alignment = alignment
        if number_format is not None:
            cell.number_format = number_format
        return cell

    def set_print_area(self, rows: int | None = None) -> None:
        """What prints: every column (and the charts' room to their right) of the rows
        written; called again when rows follow the finished table."""
        last = len(self.columns)
        extra = self.print_width - sum(self.widths())
        if extra > 0:  # columns of the default width (8.43) the charts cover
            last += int(-(-extra // 8.43))
        self.sheet.print_area = f"A1:{get_column_letter(last)}{max(1, rows or self.rows)}"

    def finish(
        self,
        *,
        first_row: int = 1,
        autofilter: bool = True,
        scales: Iterable[tuple[int, int]] = (),
        rule=None,
        signs: Iterable[int] = (),
    ) -> None:
        """The print area, the autofilter over the table from its header row, a colour scale
        over the data rows of each (first, last) column span in `scales` and green/red fonts
        over the change columns `signs` (1-based)."""
        last_column = get_column_letter(len(self.columns))
        self.set_print_area()
        if self.rows > first_row:
            for column in signs:
                letter = get_column_letter(column)
                span = f"{letter}{first_row + 1}:{letter}{self.rows}"
                for sign_rule in styles.sign_rules():
                    self.sheet.conditional_formatting.add(span, sign_rule)
        if autofilter and self.rows > first_row:
            self.sheet.auto_filter.ref = f"A{first_row}:{last_column}{self.rows}"
        if self.rows <= first_row:
            return
        for first, last in scales:
            span = f"{get_column_letter(first)}{first_row + 1}:{get_column_letter(last)}{self.rows}"
            self.sheet.conditional_formatting.add(span, rule or styles.colour_scale())


#: Printable width of A4 in points (margins of 0.4″ left and right): landscape, portrait.
PRINTABLE = {True: (11.69 - 0.8) * 72, False: (8.27 - 0.8) * 72}


def printed_width(widths: Iterable[float]) -> float:
    """Points a row of columns `widths` (Excel units, 7 px per unit at 96 dpi) takes."""
    return sum((7 * width + 5) * 0.75 for width in widths)


def page_setup(
    sheet, *, landscape: bool = True, print_header: str = "", widths: Iterable[float] = ()
) -> bool:
    """A4, page numbers in the footer, the header clear of the first row. Every column on one
    page width when that prints at MIN_PRINT_SCALE or more; else that scale, the columns
    running on over more pages (to the right first). Whether the columns fit one width."""
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    width = printed_width(widths)
    fits = not width or PRINTABLE[landscape] / width * 100 >= styles.MIN_PRINT_SCALE
    if fits:
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    else:
        sheet.page_setup.scale = styles.MIN_PRINT_SCALE
        sheet.page_setup.pageOrder = "overThenDown"
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.75
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    sheet.print_options.horizontalCentered = True
    if print_header:
        sheet.oddHeader.left.text = print_header.replace("&", "&&")  # & starts a code
    sheet.oddHeader.right.text = "&A"  # the sheet's name
    sheet.oddFooter.center.text = "&P / &N"
    return fits
