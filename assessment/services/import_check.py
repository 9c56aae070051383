"""Checking an uploaded values workbook: every problem, and the changes a clean one would make.

`check_import` reads the whole sheet (streaming, read-only) and returns every problem with its
sheet, row, column and reason, plus the changes a clean file would make. Formulas are never
evaluated: a cell holding one is a problem. Approved and submitted submissions are locked
unless the rules say otherwise. Nothing here writes.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from typing import IO

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from assessment.models import Region, Round, RoundStatus, Submission, SubmissionStatus, Value
from assessment.rules import window_lock
from assessment.selectors.entry import system_leaves
from assessment.services.excel import (
    CODE_HEADER,
    CODE_HEADERS,
    FIRST_DATA_ROW,
    FIRST_VALUE_COLUMN,
    VALUES_SHEET,
)
from assessment.services.values import canonical, parse_value

UNCOMPRESSED_LIMIT = 400 * 1024 * 1024  # a zip bomb stops here, before openpyxl reads it
MAX_ROWS = 20_000
MAX_COLUMNS = 300

ROUND_NOT_OPEN = _("Values can only be imported while the round is open (or closed for review).")
NOT_A_WORKBOOK = _("The file is not an Excel workbook (.xlsx).")
MISSING_SHEET = _("The sheet “%(sheet)s” is missing (found: %(found)s).")
BAD_HEADER = _("Cell A1 must read “%(header)s”: the header rows were moved or removed.")
UNKNOWN_CODE = _("Unknown indicator code “%(code)s”.")
DUPLICATE_CODE = _("Indicator %(code)s has a second column (first: %(first)s).")
EXTRA_COLUMN = _("This column has data but no indicator code in row 1.")
TOO_MANY_COLUMNS = _("More than %(limit)s columns.")
MERGED = _("Merged cells (%(range)s) are not allowed: unmerge them.")
TOO_MANY_ROWS = _("More than %(limit)s rows: split the file.")
BAD_REGION_CODE = _("“%(value)s” is not a six-digit region code.")
UNKNOWN_REGION = _("Unknown region code %(code)s.")
NOT_IN_ROUND = _("Region %(code)s does not take part in this round.")
OUT_OF_SCOPE = _("Region %(code)s is outside the regions you may import.")
DUPLICATE_REGION = _("Region %(code)s appears twice (also on row %(row)s).")
LOCKED = _("Region %(code)s: the submission is %(status)s and locked.")
WINDOW_CLOSED = _("Region %(code)s: %(reason)s")
FORMULA = _("Formulas are not accepted: enter the value itself.")
ERROR_CELL = _("The cell holds an Excel error (%(value)s).")
PERCENT_FORMAT = _(
    "The cell is formatted as a percentage (85 percent is stored as 0.85): enter 85 in a "
    "plain number cell."
)

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')
_CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str | None
    message: str


@dataclass
class ImportCheck:
    problems: list[Problem] = field(default_factory=list)
    # (submission id, indicator id, old canonical text, new value)
    changes: list[tuple[int, int, str, Decimal]] = field(default_factory=list)
    versions: dict[int, tuple[int, str]] = field(default_factory=dict)  # id → (version, status)
    rows: int = 0
    cells: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def submissions(self) -> set[int]:
        return {change[0] for change in self.changes}

    def summary(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "cells": self.cells,
            "changes": len(self.changes),
            "unchanged": self.unchanged,
            "submissions": len(self.submissions),
            "problems": len(self.problems),
        }

    def add(self, row, column, message, sheet: str = VALUES_SHEET) -> None:
        letter = get_column_letter(column) if isinstance(column, int) else column
        self.problems.append(Problem(sheet, row, letter, str(message)))


@dataclass(frozen=True)
class ImportRules:
    """Who imports: which regions (a Q on Submission), and which locks apply to them."""

    scope: Q | None = None  # None: every participating region
    respect_window: bool = False  # staff: only while their entry window is open
    include_approved: bool = False  # administrators may overwrite submitted/approved


def check_import(
    *, round: Round, source: str | IO[bytes], rules: ImportRules, lock: bool = False
) -> ImportCheck:
    """Every problem of the workbook, and the changes a clean one would make."""
    check = ImportCheck()
    if round.status not in (RoundStatus.OPEN, RoundStatus.CLOSED):
        check.add(None, None, ROUND_NOT_OPEN, sheet="")
        return check
    workbook = _open(source, check)
    if workbook is None:
        return check
    try:
        if VALUES_SHEET not in workbook.sheetnames:
            found = "、".join(workbook.sheetnames) or "—"
            check.add(None, None, MISSING_SHEET % {"sheet": VALUES_SHEET, "found": found})
            return check
        sheet = workbook[VALUES_SHEET]
        sheet.reset_dimensions()  # never trust the file's own idea of its size
        for ref in _merged_ranges(workbook, sheet):
            top_left = ref.split(":")[0]
            check.add(int(top_left.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")),
                      top_left.rstrip("0123456789"), MERGED % {"range": ref})  # fmt: skip
        _read(round, sheet.iter_rows(), rules, lock, check)
    finally:
        workbook.close()
    return check


def _open(source, check: ImportCheck):
    try:
        with zipfile.ZipFile(source) as archive:
            if sum(info.file_size for info in archive.infolist()) > UNCOMPRESSED_LIMIT:
                check.add(None, None, NOT_A_WORKBOOK, sheet="")
                return None
        if hasattr(source, "seek"):
            source.seek(0)
        return load_workbook(source, read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds of errors on a broken file
        check.add(None, None, NOT_A_WORKBOOK, sheet="")
        return None


def _merged_ranges(workbook, sheet) -> list[str]:
    """Merged ranges, found by scanning the sheet's XML in chunks (read-only mode hides them)."""
    found: list[str] = []
    tail = b""
    # openpyxl's read-only mode keeps the archive and the sheet's part name private.
    with workbook._archive.open(sheet._worksheet_path) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            found.extend(match.decode() for match in _MERGE.findall(data))
            tail = data[-200:]  # a match across the boundary is found again: repeats dropped
    return list(dict.fromkeys(found))


def _read(round: Round, rows: Iterator, rules: ImportRules, lock: bool, check: ImportCheck):
    leaves = {leaf.code: leaf for leaf in system_leaves(round.system_id)}
    columns = _columns(next(rows, ()), leaves, check)
    if columns is None:
        return
    context = _Context.load(round, rules, lock)
    check.versions = context.versions
    seen: dict[str, int] = {}
    # Row numbers as Excel shows them; rows 2–4 are for people and are not read.
    for number, row in enumerate(islice(rows, FIRST_DATA_ROW - 2, None), start=FIRST_DATA_ROW):
        if not row or all(_blank(cell.value) for cell in row[FIRST_VALUE_COLUMN - 1 :]):
            continue  # no values: nothing to import (a template row left empty, a spacer)
        if check.rows >= MAX_ROWS:
            check.add(number, None, TOO_MANY_ROWS % {"limit": MAX_ROWS})
            break
        check.rows += 1
        submission_id, locked = context.region_row(row, number, seen, check)
        changes = _cells(row, number, columns, submission_id, context, check)
        if locked and changes:
            check.add(number, "A", locked)  # an unchanged locked row is fine (a re-upload)
        else:
            check.changes.extend(changes)


@dataclass
class _Columns:
    leaves: dict[int, object]  # column index → indicator
    headed: set[int]  # columns with something in row 1 (valid or already reported)
    reported: set[int] = field(default_factory=set)  # data without a header, reported once


def _columns(header, leaves, check: ImportCheck) -> _Columns | None:
    """Which indicator each column holds, or None when the header row is unusable."""
    if len(header) > MAX_COLUMNS:
        check.add(1, None, TOO_MANY_COLUMNS % {"limit": MAX_COLUMNS})
        return None
    first = _text(header[0].value) if header else ""
    if first.lower() not in CODE_HEADERS:
        check.add(1, "A", BAD_HEADER % {"header": CODE_HEADER})
        return None
    columns = _Columns(leaves={}, headed=set())
    firsts: dict[str, str] = {}
    for index, cell in enumerate(header[FIRST_VALUE_COLUMN - 1 :], start=FIRST_VALUE_COLUMN):
        code = _text(cell.value)
        if not code:
            continue
        columns.headed.add(index)
        letter = get_column_letter(index)
        if code in firsts:
            check.add(1, letter, DUPLICATE_CODE % {"code": code, "first": firsts[code]})
        elif code not in leaves:
            check.add(1, letter, UNKNOWN_CODE % {"code": code})
        else:
            columns.leaves[index] = leaves[code]
        firsts.setdefault(code, letter)
    return columns


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    return "" if value is None else unicodedata.normalize("NFKC", str(value)).strip()


@dataclass
class _Context:
    """What the rows are checked against, loaded in a handful of queries."""

    round: Round
    rules: ImportRules
    known: set[str]
    submissions: dict[str, Submission]
    allowed: set[str]
    values: dict[tuple[int, int], str]
    versions: dict[int, tuple[int, str]]
    extra_columns: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, round: Round, rules: ImportRules, lock: bool) -> _Context:
        queryset = Submission.objects.filter(round=round).select_related("extension")
        if lock:
            queryset = queryset.select_for_update(of=("self",))
        submissions = {}
        for submission in queryset:
            submission.round = round  # the rules below read it; no query per row
            submissions[submission.region_id] = submission
        allowed = set(submissions)
        if rules.scope is not None:
            allowed = set(
                Submission.objects.filter(round=round)
                .filter(rules.scope)
                .values_list("region_id", flat=True)
            )
        values = {
            (submission_id, indicator_id): canonical(value)
            for submission_id, indicator_id, value in Value.objects.filter(submission__round=round)
            .values_list("submission_id", "indicator_id", "value")
            .iterator(chunk_size=10_000)
        }
        return cls(
            round=round,
            rules=rules,
            known=set(Region.objects.values_list("code", flat=True)),
            submissions=submissions,
            allowed=allowed,
            values=values,
            versions={s.pk: (s.version, s.status) for s in submissions.values()},
        )

    def region_row(self, row, number, seen, check: ImportCheck) -> tuple[int | None, str]:
        """The submission this row writes to (None, with a problem, when there is none), and
        why it is locked ("" when it is not): a locked row is a problem only if it changes
        something."""
        raw = row[0].value
        code = _region_code(raw)
        if code is None:
            check.add(number, "A", BAD_REGION_CODE % {"value": _text(raw)[:20]})
            return None, ""
        if code in seen:
            check.add(number, "A", DUPLICATE_REGION % {"code": code, "row": seen[code]})
            return None, ""
        seen[code] = number
        if code not in self.known:
            check.add(number, "A", UNKNOWN_REGION % {"code": code})
            return None, ""
        submission = self.submissions.get(code)
        if submission is None:
            check.add(number, "A", NOT_IN_ROUND % {"code": code})
            return None, ""
        if code not in self.allowed:
            check.add(number, "A", OUT_OF_SCOPE % {"code": code})
            return None, ""
        locked_statuses = (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)
        if submission.status in locked_statuses and not self.rules.include_approved:
            status = submission.get_status_display()
            return submission.pk, str(LOCKED % {"code": code, "status": status})
        if self.rules.respect_window:
            reason = window_lock(submission, timezone.now())
            if reason:
                return submission.pk, str(WINDOW_CLOSED % {"code": code, "reason": reason})
        return submission.pk, ""


def _region_code(raw) -> str | None:
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = _text(raw)
    return text if _CODE.match(text) else None


def _cells(row, number, columns: _Columns, submission_id, context, check: ImportCheck) -> list:
    """Check every value cell of a row; returns the row's changes."""
    changes = []
    for index, cell in enumerate(row[FIRST_VALUE_COLUMN - 1 :], start=FIRST_VALUE_COLUMN):
        raw = cell.value
        if _blank(raw):
            continue
        leaf = columns.leaves.get(index)
        if leaf is None:
            if index not in columns.headed and index not in columns.reported:
                columns.reported.add(index)
                check.add(number, index, EXTRA_COLUMN)
            continue
        check.cells += 1
        kind = cell.data_type
        if kind == "f":
            check.add(number, index, f"{leaf.code}: {FORMULA}")
            continue
        if kind == "e":
            check.add(number, index, f"{leaf.code}: {ERROR_CELL % {'value': raw}}")
            continue
        if kind == "n" and "%" in (cell.number_format or ""):
            check.add(number, index, f"{leaf.code}: {PERCENT_FORMAT}")
            continue
        try:
            value = parse_value(leaf, raw)
        except ValidationError as error:
            check.add(number, index, f"{leaf.code}: {' '.join(error.messages)}")
            continue
        if submission_id is None or value is None:
            continue
        old = context.values.get((submission_id, leaf.pk), "")
        if old == canonical(value):
            check.unchanged += 1
        else:
            changes.append((submission_id, leaf.pk, old, value))
    return changes
