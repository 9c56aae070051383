"""A report sheet in openpyxl's write-only mode: columns, header, rows, and the finish.

Write-only mode streams each row to a temporary file as it is appended, so a national report
never holds its cells in memory; the price is an order to follow: widths, frozen panes and
print setup before the first row, conditional formats, the autofilter and charts afterwards.
`ReportSheet` keeps that order. Styled cells reuse one prototype per column (the row is
written before the next one is built), so a number format costs one assignment per column,
not one style per cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from assessment.core.excel import safe_text
from assessment.dashboards.reports import styles

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


def safe(value):
    """Text neutralised (a leading = + - @ tab or CR cannot run as a formula); the rest as is."""
    return safe_text(value) if isinstance(value, str) else value


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
    ):
        self.sheet = workbook.create_sheet(title)
        self.columns = list(columns)
        self.rows = 0
        sheet = self.sheet
        for index, column in enumerate(self.columns, 1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        if freeze:
            sheet.freeze_panes = freeze
        if header_height:
            sheet.row_dimensions[1].height = header_height
        page_setup(sheet, landscape=landscape, print_header=print_header)
        self._protos = [self._prototype(column) for column in self.columns]

    def _prototype(self, column: Col) -> Cell | None:
        if not (column.number_format or column.wrap or column.bold or column.center):
            return None
        cell = WriteOnlyCell(self.sheet)
        if column.number_format:
            cell.number_format = column.number_format
        if column.wrap:
            cell.alignment = styles.WRAP
        elif column.center:
            cell.alignment = styles.CENTER
        if column.bold:
            cell.font = Font(bold=True)
        return cell

    def header(self, labels: Iterable[str] | None = None) -> None:
        """The header row (row 1 unless rows came before), repeated on every printed page."""
        self.table_header([c.header for c in self.columns] if labels is None else labels)
        self.sheet.print_title_rows = f"{self.rows}:{self.rows}"

    def table_header(self, labels: Iterable[str]) -> None:
        """A header row inside the sheet (a second table below the first)."""
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

    def fact(self, label: str, value) -> None:
        """A label and its value, the value spread over the columns to its right."""
        text = str(value) if value is not None else ""
        row = self.rows + 1
        self.append([label, self.styled(value, alignment=styles.WRAP)])
        self.sheet.merged_cells.add(f"B{row}:G{row}")
        lines = max(1, -(-styles.text_width(text) // 96))  # B:G hold about 96 units per line
        if lines > 1:
            self.sheet.row_dimensions[row].height = 15 * lines + 3

    def append(self, values: Sequence) -> None:
        """One data row; text is neutralised, columns with a format use their prototype."""
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
        if alignment is not None:
            cell.alignment = alignment
        if number_format is not None:
            cell.number_format = number_format
        return cell

    def finish(
        self,
        *,
        first_row: int = 1,
        autofilter: bool = True,
        scales: Iterable[tuple[int, int]] = (),
        rule=None,
    ) -> None:
        """The autofilter over the table from its header row, and a colour scale over the
        data rows of each (first, last) column span in `scales` (1-based)."""
        last_column = get_column_letter(len(self.columns))
        if autofilter and self.rows > first_row:
            self.sheet.auto_filter.ref = f"A{first_row}:{last_column}{self.rows}"
        if self.rows <= first_row:
            return
        for first, last in scales:
            span = f"{get_column_letter(first)}{first_row + 1}:{get_column_letter(last)}{self.rows}"
            self.sheet.conditional_formatting.add(span, rule or styles.colour_scale())


def page_setup(sheet, *, landscape: bool = True, print_header: str = "") -> None:
    """A4, landscape, every column on one page width, page numbers in the footer."""
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.print_options.horizontalCentered = True
    if print_header:
        sheet.oddHeader.left.text = print_header.replace("&", "&&")  # & starts a code
    sheet.oddHeader.right.text = "&A"  # the sheet's name
    sheet.oddFooter.center.text = "&P / &N"
