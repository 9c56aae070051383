"""Reading an uploaded values workbook into checked rows, with no database and no locks.

The work is bounded by the round before anything is parsed: the sheet's XML is scanned once
(decompressed in chunks, never held whole) for merged cells and its last row, and a sheet
longer or wider than the round can be is refused there. Only then does openpyxl stream the
rows, and it stops at the first row past the bounds (a file can lie about itself) or at the
first cell it cannot read: a damaged file is a problem to report, never a server error.
Formulas are never evaluated: a cell holding one is a problem.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from posixpath import dirname, join, normpath
from typing import IO

from defusedxml import ElementTree
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from assessment.collection.services.values import parse_value
from assessment.collection.services.workbook import (
    CODE_HEADER,
    CODE_HEADERS,
    FIRST_DATA_ROW,
    FIRST_VALUE_COLUMN,
    VALUES_SHEET,
)

logger = logging.getLogger(__name__)

# A national template (3,213 regions × 43 indicators) is a few MB of XML; anything far larger
# is not a values workbook, and a zip bomb stops here before openpyxl inflates it.
UNCOMPRESSED_LIMIT = 100 * 1024 * 1024
# Room below and beside the template for spacer rows and a column of the person's own notes.
SPARE_ROWS = 100
SPARE_COLUMNS = 20
# Problems kept for the report and its Excel download; beyond this they are only counted.
PROBLEMS_KEPT = 10_000

NOT_A_WORKBOOK = _("The file is not an Excel workbook (.xlsx).")
MISSING_SHEET = _("The sheet “%(sheet)s” is missing (found: %(found)s).")
BAD_HEADER = _("Cell A1 must read “%(header)s”: the header rows were moved or removed.")
UNKNOWN_CODE = _("Unknown indicator code “%(code)s”.")
DUPLICATE_CODE = _("Indicator %(code)s has a second column (first: %(first)s).")
EXTRA_COLUMN = _("This column has data but no indicator code in row 1.")
MERGED = _("Merged cells (%(range)s) are not allowed: unmerge them.")
TOO_MANY_ROWS = _(
    "The sheet goes down to row %(rows)s, but this round has %(regions)s regions: a sheet for "
    "it ends by row %(limit)s. Delete the rows below your data (or split the file); nothing "
    "was read."
)
TOO_MANY_COLUMNS = _(
    "The sheet reaches column %(column)s, but this round has %(indicators)s indicators: a "
    "sheet for it ends by column %(limit)s. Delete the columns after your data; the rest of "
    "the file was not read."
)
DAMAGED = _(
    "Row %(row)s could not be read: the file is damaged or was not written by Excel or WPS "
    "(%(detail)s). Open it in Excel or WPS, save it again and upload the new file; the rest "
    "of the file was not read."
)
FORMULA = _("Formulas are not accepted: enter the value itself.")
ERROR_CELL = _("The cell holds an Excel error (%(value)s).")
PERCENT_FORMAT = _(
    "The cell is formatted as a percentage (85 percent is stored as 0.85): enter 85 in a "
    "plain number cell."
)

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')
_ROW = re.compile(rb'<(?:\w+:)?row(?:\s[^>]*?\br="(\d{1,9})"|(?=[\s>/]))')
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATION = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str | None
    message: str


@dataclass
class Problems:
    """Every problem is counted; the first PROBLEMS_KEPT are kept with their place."""

    kept: list[Problem] = field(default_factory=list)
    count: int = 0
    complete: bool = True  # False when reading stopped before the end of the sheet

    def add(self, row, column, message, sheet: str = VALUES_SHEET) -> None:
        self.count += 1
        if len(self.kept) < PROBLEMS_KEPT:
            letter = get_column_letter(column) if isinstance(column, int) else column
            self.kept.append(Problem(sheet, row, letter, str(message)))


@dataclass(frozen=True)
class Limits:
    """How far a sheet for this round may reach."""

    regions: int
    indicators: int

    @property
    def rows(self) -> int:
        return FIRST_DATA_ROW - 1 + self.regions + SPARE_ROWS

    @property
    def columns(self) -> int:
        return FIRST_VALUE_COLUMN - 1 + self.indicators + SPARE_COLUMNS


@dataclass(slots=True)
class Cell:
    column: int
    indicator_id: int
    value: Decimal


@dataclass(slots=True)
class Row:
    """A data row with values: those that passed their own checks (type, bounds)."""

    number: int
    region: object  # the raw cell value of column A
    cells: list[Cell]
    read: int  # value cells under an indicator code, valid or not


@dataclass
class Sheet:
    rows: list[Row] = field(default_factory=list)


def read_workbook(source: str | IO[bytes], leaves: dict, limits: Limits, problems: Problems):
    """The sheet's rows checked cell by cell, or None when the file cannot be used at all."""
    scan = _scan(source, problems)
    if scan is None:
        return None
    for ref in scan.merged:
        top_left = ref.split(":")[0]
        problems.add(int(top_left.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")),
                     top_left.rstrip("0123456789"), MERGED % {"range": ref})  # fmt: skip
    if scan.last_row > limits.rows:
        problems.add(None, None, _too_many_rows(scan.last_row, limits))
        problems.complete = False
        return None
    workbook = _open(source, problems)
    if workbook is None:
        return None
    try:
        sheet = workbook[VALUES_SHEET]
        sheet.reset_dimensions()  # never trust the file's own idea of its size
        return _read_rows(sheet.iter_rows(), leaves, limits, problems)
    finally:
        workbook.close()


def _too_many_rows(rows: int, limits: Limits) -> str:
    return TOO_MANY_ROWS % {"rows": rows, "regions": limits.regions, "limit": limits.rows}


@dataclass
class _Scan:
    merged: list[str]
    last_row: int


def _scan(source, problems: Problems) -> _Scan | None:
    """One streaming pass over the values sheet's XML: its merged ranges and last row."""
    try:
        with zipfile.ZipFile(source) as archive:
            if sum(info.file_size for info in archive.infolist()) > UNCOMPRESSED_LIMIT:
                problems.add(None, None, NOT_A_WORKBOOK, sheet="")
                return None
            parts = _sheet_parts(archive)
            if VALUES_SHEET not in parts:
                found = "、".join(parts) or "—"
                problems.add(None, None, MISSING_SHEET % {"sheet": VALUES_SHEET, "found": found})
                return None
            with archive.open(parts[VALUES_SHEET]) as stream:
                return _scan_sheet(stream)
    except Exception:  # a broken zip or workbook part: zipfile and the XML parser raise many kinds
        logger.info("unreadable import upload", exc_info=True)
        problems.add(None, None, NOT_A_WORKBOOK, sheet="")
        return None
    finally:
        if hasattr(source, "seek"):
            source.seek(0)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part in the archive, read from the package's relationships."""
    root = ElementTree.fromstring(archive.read("_rels/.rels"))
    main = next(
        rel.get("Target").lstrip("/")
        for rel in root.iter(f"{_PACKAGE}Relationship")
        if rel.get("Type", "").endswith("/officeDocument")
    )
    folder, name = dirname(main), main.rsplit("/", 1)[-1]
    relations = ElementTree.fromstring(archive.read(join(folder, "_rels", f"{name}.rels")))
    targets = {rel.get("Id"): rel.get("Target") for rel in relations}
    parts = {}
    for sheet in ElementTree.fromstring(archive.read(main)).iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_RELATION}id"), "")
        path = target.lstrip("/") if target.startswith("/") else normpath(join(folder, target))
        parts[sheet.get("name")] = path
    return parts


def _scan_sheet(stream) -> _Scan:
    """Merged ranges, and the last row: the highest of the number of rows and the number of
    each chunk's last row (rows come in order in every file Excel or WPS writes; one that
    does not is still stopped by the row check while reading)."""
    merged: list[str] = []
    last_row = rows = 0
    tail = b""
    while chunk := stream.read(1 << 20):
        data = tail + chunk
        # Only complete tags are matched; what follows the last ">" waits for the next chunk.
        cut = data.rfind(b">") + 1
        complete, tail = data[:cut], data[cut:][-4096:]
        if b"mergeCell" in complete:
            merged.extend(match.decode() for match in _MERGE.findall(complete))
        rows += complete.count(b"<row ") + complete.count(b"<row>")
        last = _ROW.search(complete, max(complete.rfind(b"<row ") - 1, 0))
        if last and last.group(1):
            last_row = max(last_row, int(last.group(1)))
    # Rows may leave out their number ("r"); then they count on from the one before.
    return _Scan(merged=list(dict.fromkeys(merged)), last_row=max(last_row, rows))


def _open(source, problems: Problems):
    try:
        return load_workbook(source, read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds of errors on a broken file
        logger.info("unreadable import upload", exc_info=True)
        problems.add(None, None, NOT_A_WORKBOOK, sheet="")
        return None


@dataclass
class _Columns:
    leaves: dict[int, object]  # column index → indicator
    headed: set[int]  # columns with something in row 1 (valid or already reported)
    reported: set[int] = field(default_factory=set)  # data without a header, reported once


def _read_rows(rows, leaves: dict, limits: Limits, problems: Problems) -> Sheet | None:
    sheet = Sheet()
    number = 1
    try:
        header = next(rows, ())
        if _too_wide(header, 1, limits, problems):
            return None
        columns = _columns(header, leaves, problems)
        if columns is None:
            return None
        # Row numbers as Excel shows them; rows 2–4 are for people and are not read.
        for number, row in enumerate(islice(rows, FIRST_DATA_ROW - 2, None), FIRST_DATA_ROW):
            if number > limits.rows:
                problems.add(number, None, _too_many_rows(number, limits))
                problems.complete = False
                break
            if _too_wide(row, number, limits, problems):
                break
            parsed = _row(row, number, columns, problems)
            if parsed is not None:
                sheet.rows.append(parsed)
    except Exception as error:  # a cell openpyxl cannot decode (bad number, string index, style)
        logger.info("damaged import upload at row %s", number, exc_info=True)
        detail = f"{type(error).__name__}: {str(error)[:80]}"
        problems.add(number, None, DAMAGED % {"row": number, "detail": detail})
        problems.complete = False
    return sheet


def _too_wide(row, number: int, limits: Limits, problems: Problems) -> bool:
    if len(row) <= limits.columns:
        return False
    problems.add(number, None, TOO_MANY_COLUMNS % {
        "column": get_column_letter(len(row)), "indicators": limits.indicators,
        "limit": get_column_letter(limits.columns)})  # fmt: skip
    problems.complete = False
    return True


def _columns(header, leaves: dict, problems: Problems) -> _Columns | None:
    """Which indicator each column holds, or None when the header row is unusable."""
    first = cell_text(header[0].value) if header else ""
    if first.lower() not in CODE_HEADERS:
        problems.add(1, "A", BAD_HEADER % {"header": CODE_HEADER})
        return None
    columns = _Columns(leaves={}, headed=set())
    firsts: dict[str, str] = {}
    for index, cell in enumerate(header[FIRST_VALUE_COLUMN - 1 :], start=FIRST_VALUE_COLUMN):
        code = cell_text(cell.value)
        if not code:
            continue
        columns.headed.add(index)
        letter = get_column_letter(index)
        if code in firsts:
            problems.add(1, letter, DUPLICATE_CODE % {"code": code, "first": firsts[code]})
        elif code not in leaves:
            problems.add(1, letter, UNKNOWN_CODE % {"code": code})
        else:
            columns.leaves[index] = leaves[code]
        firsts.setdefault(code, letter)
    return columns


def _row(row, number: int, columns: _Columns, problems: Problems) -> Row | None:
    """Check every value cell of a row; None for a row without values (a spacer)."""
    cells: list[Cell] = []
    has_values = False
    read = 0
    for index, cell in enumerate(row[FIRST_VALUE_COLUMN - 1 :], start=FIRST_VALUE_COLUMN):
        raw = cell.value
        if _blank(raw):
            continue
        has_values = True
        leaf = columns.leaves.get(index)
        if leaf is None:
            if index not in columns.headed and index not in columns.reported:
                columns.reported.add(index)
                problems.add(number, index, EXTRA_COLUMN)
            continue
        read += 1
        kind = cell.data_type
        if kind == "f":
            problems.add(number, index, f"{leaf.code}: {FORMULA}")
            continue
        if kind == "e":
            problems.add(number, index, f"{leaf.code}: {ERROR_CELL % {'value': raw}}")
            continue
        if kind == "n" and "%" in (cell.number_format or ""):
            problems.add(number, index, f"{leaf.code}: {PERCENT_FORMAT}")
            continue
        try:
            value = parse_value(leaf, raw)
        except ValidationError as error:
            problems.add(number, index, f"{leaf.code}: {' '.join(error.messages)}")
            continue
        if value is not None:
            cells.append(Cell(column=index, indicator_id=leaf.pk, value=value))
    if not has_values:
        return None
    return Row(number=number, region=row[0].value, cells=cells, read=read)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value) -> str:
    """A cell as text: NFKC (full-width forms folded), stripped."""
    return "" if value is None else unicodedata.normalize("NFKC", str(value)).strip()
