"""Aggregating a raw platform log (CSV) into one value per region, in plain Python.

A platform exports a raw file: a 好差评 (service rating) log with one row per rating, an
interface-call log with one row per region and day, and so on. A declared aggregation
(`FeedSpec`) turns it into one value per region: a count of rows, the share of rows meeting a
condition (RATE, in percent), the mean or sum of a value column, or a count per 10,000
inhabitants (PER_10K).

The file is streamed: it is never held whole, and the per-row path keeps counts as ints and
sums as floats (Decimal only at the end). Nothing here touches a database: the caller passes
the known region codes (and populations), shows the result as a dry run and refuses to write
while there is any problem.

Row by row: a blank line is skipped silently; a row dated outside [date_from, date_to] is
skipped (counted in `skipped`, not a problem, its other cells unchecked); otherwise every bad
cell (unknown region, bad date, bad number) is a problem with its line number and column, and
the row does not count.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import enum
import io
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import BinaryIO

from django.utils.translation import gettext_lazy as _

#: Problems kept in `FeedResult.problems` (all of them are counted in `problem_count`).
MAX_PROBLEMS = 1000
#: Bytes read to choose the encoding: UTF-8 if they are valid UTF-8, else GB18030.
SNIFF_BYTES = 64 * 1024
#: A physical line longer than this stops the reading (a file that is not a CSV log).
MAX_LINE_CHARS = 1 << 20
#: Distinct cell texts remembered per column (region codes, dates): bounded for hostile files.
CACHE_LIMIT = 100_000
DELIMITERS = (",", "\t", ";", "|")
#: The largest value a value column may hold (beyond it a float no longer holds every integer,
#: and a sum of millions could no longer be rounded to 6 places).
MAX_VALUE = 1e15
PLACES = Decimal("0.000001")
#: Enough digits to round any sum of values below MAX_VALUE to 6 places.
WIDE = Context(prec=60)

_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)", re.ASCII)
_CODE = re.compile(r"(\d+)(?:\.0+)?", re.ASCII)
_DATE = re.compile(
    r"(?:(\d{4})([-/])(\d{1,2})\2(\d{1,2})|(\d{4})(\d{2})(\d{2}))"
    r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?",
    re.ASCII,
)
_LIST_SEPARATOR = re.compile(r"[,，、]")


class Aggregation(enum.StrEnum):
    COUNT = "count"
    RATE = "rate"
    MEAN = "mean"
    SUM = "sum"
    PER_10K = "per_10k"


class Op(enum.StrEnum):
    EQ = "eq"
    NE = "ne"
    IN = "in"
    LT = "lt"
    LE = "le"
    GT = "gt"
    GE = "ge"


NUMERIC_OPS = frozenset({Op.LT, Op.LE, Op.GT, Op.GE})


@dataclass(frozen=True)
class Condition:
    """A test on one column: text (stripped) for EQ/NE/IN, numeric for LT/LE/GT/GE. IN takes a
    comma-separated list (the full-width "，" and "、" separate too)."""

    column: str
    op: Op
    value: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "op", Op(self.op))
        if not self.column.strip():
            raise ValueError("A condition needs a column.")
        if self.op in NUMERIC_OPS and parse_number(self.value) is None:
            raise ValueError(f"The condition value {self.value!r} is not a number.")
        if self.op == Op.IN and not self.choices():
            raise ValueError("An IN condition needs at least one value.")

    def choices(self) -> frozenset[str]:
        """The texts EQ, NE and IN compare a cell (stripped) with."""
        if self.op == Op.IN:
            return frozenset(v.strip() for v in _LIST_SEPARATOR.split(self.value) if v.strip())
        return frozenset({self.value.strip()})


@dataclass(frozen=True)
class FeedSpec:
    """What to compute from a file. The condition is RATE's numerator (required) and, for the
    other kinds, a filter: only rows meeting it count. With a date column and a range, rows
    dated outside it are skipped."""

    aggregation: Aggregation
    region_column: str
    value_column: str = ""
    condition: Condition | None = None
    date_column: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "aggregation", Aggregation(self.aggregation))
        if not self.region_column.strip():
            raise ValueError("A feed needs a region column.")
        if self.aggregation in (Aggregation.MEAN, Aggregation.SUM) and not self.value_column:
            raise ValueError(f"{self.aggregation.name} needs a value column.")
        if self.aggregation == Aggregation.RATE and self.condition is None:
            raise ValueError("RATE needs a condition.")
        if (self.date_from or self.date_to) and not self.date_column:
            raise ValueError("A date range needs a date column.")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("The date range ends before it starts.")


@dataclass
class FeedProblem:
    row: int  # 1-based line in the file (the header is line 1); 0 for a whole region
    column: str
    message: str


@dataclass
class FeedResult:
    values: dict[str, Decimal] = field(default_factory=dict)
    rows: int = 0  # data rows read (blank lines not included)
    used: int = 0  # rows that counted towards a value
    skipped: int = 0  # rows dated outside the range
    problems: list[FeedProblem] = field(default_factory=list)
    problem_count: int = 0
    per_region_rows: dict[str, int] = field(default_factory=dict)

    def problem(self, row: int, column: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(FeedProblem(row, column, str(message)))


def parse_number(text: str) -> float | None:
    """A float from ASCII or full-width digits, an optional sign, decimal point and thousands
    commas; None for anything else (NaN, infinity, exponents, blanks)."""
    s = text.strip()
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s).strip()
    if not _NUMBER.fullmatch(s):
        return None
    return float(s.replace(",", ""))


def parse_date(text: str) -> datetime.date | None:
    """YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD, optionally followed by a time HH:MM[:SS] (dropped);
    None if it is not a real date."""
    s = text.strip()
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s).strip()
    m = _DATE.fullmatch(s)
    if not m:
        return None
    y, _sep, mo, d, y2, mo2, d2, hh, mm, ss = m.groups()
    if hh is not None and (int(hh) > 23 or int(mm) > 59 or (ss is not None and int(ss) > 59)):
        return None
    try:
        if y is not None:
            return datetime.date(int(y), int(mo), int(d))
        return datetime.date(int(y2), int(mo2), int(d2))
    except ValueError:
        return None


def normalise_code(text: str) -> str:
    """A region code cell as a code: stripped, NFKC (full-width digits), "330106.0" → "330106".
    The text unchanged (stripped) if it does not look like a code."""
    s = unicodedata.normalize("NFKC", text.strip()).strip()
    m = _CODE.fullmatch(s)
    return m.group(1) if m else s


def header_key(name: str) -> str:
    return name.replace("\ufeff", "").strip().casefold()


class _Prefixed(io.RawIOBase):
    """The bytes already read to sniff the encoding, then the rest of the stream."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head = memoryview(head)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._stream.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        return n


def _encoding(head: bytes, at_end: bool) -> str:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=at_end)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def open_text(stream: BinaryIO) -> io.TextIOWrapper:
    """The stream as text: UTF-8 (a BOM dropped) if its first 64 KB are UTF-8, else GB18030."""
    head = b""
    while len(head) < SNIFF_BYTES:
        chunk = stream.read(SNIFF_BYTES - len(head))
        if not chunk:
            break
        head += chunk
    encoding = _encoding(head, at_end=len(head) < SNIFF_BYTES)
    raw = io.BufferedReader(_Prefixed(head, stream), buffer_size=1 << 20)
    return io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")


class _LineTooLong(Exception):
    pass


def _lines(text: io.TextIOWrapper):
    """Physical lines, each at most MAX_LINE_CHARS: memory stays bounded whatever the file."""
    readline = text.readline
    while line := readline(MAX_LINE_CHARS):
        if len(line) >= MAX_LINE_CHARS and line[-1] not in "\r\n":
            raise _LineTooLong
        yield line


def _delimiter(header: str) -> str:
    counts = [header.count(d) for d in DELIMITERS]
    best = max(counts)
    return DELIMITERS[counts.index(best)] if best else ","


def aggregate(
    stream: BinaryIO,
    spec: FeedSpec,
    *,
    known_codes: set[str] | frozenset[str],
    population: dict[str, int] | None = None,
    max_rows: int = 5_000_000,
) -> FeedResult:
    """One value per region from a raw CSV log, with every problem found (see the module)."""
    result = FeedResult()
    acc = None
    text = open_text(stream)
    lines = _lines(text)
    try:
        try:
            before = 0  # blank lines before the header
            for header_line in lines:
                if header_line.strip():
                    break
                before += 1
            else:
                result.problem(1, "", _("The file is empty."))
                return result
        except _LineTooLong:
            result.problem(1, "", _("The first line is too long: this is not a CSV log."))
            return result
        delimiter = _delimiter(header_line)
        header = next(csv.reader([header_line], delimiter=delimiter), [])
        found: dict[str, tuple[int, str]] = {}
        for i, name in enumerate(header):
            found.setdefault(header_key(name), (i, name.replace("\ufeff", "").strip()))
        wanted = [spec.region_column]
        if spec.aggregation in (Aggregation.MEAN, Aggregation.SUM):
            wanted.append(spec.value_column)
        if spec.condition is not None:
            wanted.append(spec.condition.column)
        if spec.date_column:
            wanted.append(spec.date_column)
        missing = [name for name in dict.fromkeys(wanted) if header_key(name) not in found]
        if missing:
            names = [name for _i, name in found.values()]
            shown = ", ".join(f"“{name}”" for name in names[:30])
            if len(names) > 30:
                shown += ", …"
            for name in missing:
                result.problem(
                    before + 1,
                    name,
                    _("The column “%(column)s” is missing (found: %(found)s).")
                    % {"column": name, "found": shown or "—"},
                )
            return result
        reader = csv.reader(lines, delimiter=delimiter)
        acc = _scan(reader, before + 1, found, spec, known_codes, max_rows, result)
    finally:
        text.close()  # closes the wrapper only: `_Prefixed` leaves the caller's stream open
    if acc is not None:
        _finish(spec, acc, population, result)
    return result


class _Accumulator:
    __slots__ = ("counts", "hits", "sums")

    def __init__(self) -> None:
        self.counts: defaultdict[str, int] = defaultdict(int)  # valid rows in range, by region
        self.hits: defaultdict[str, int] = defaultdict(int)  # of them, meeting the condition
        self.sums: defaultdict[str, float] = defaultdict(float)  # of them, the value column


def _scan(reader, header_row, found, spec, known_codes, max_rows, result) -> _Accumulator | None:
    """The per-row loop: everything it needs is a local, and every lookup is precomputed.
    None if the file has too many rows."""
    acc = _Accumulator()
    counts, hits, sums = acc.counts, acc.hits, acc.sums

    def column(name: str) -> tuple[int, str]:
        return found[header_key(name)]

    ci, c_name = column(spec.region_column)
    di, d_name = column(spec.date_column) if spec.date_column else (-1, "")
    vi, v_name = (-1, "")
    if spec.aggregation in (Aggregation.MEAN, Aggregation.SUM):
        vi, v_name = column(spec.value_column)
    cond = spec.condition
    ki, k_name = column(cond.column) if cond else (-1, "")
    k_numeric = cond is not None and cond.op in NUMERIC_OPS
    k_choices = cond.choices() if cond and not k_numeric else frozenset()
    k_negate = cond is not None and cond.op == Op.NE
    k_limit = parse_number(cond.value) if k_numeric else 0.0
    k_op = cond.op if cond else None
    width = max(ci, di, vi, ki) + 1
    date_from, date_to = spec.date_from, spec.date_to
    ranged = date_from is not None or date_to is not None
    low = date_from or datetime.date.min
    high = date_to or datetime.date.max

    code_cache: dict[str, str | None] = {}
    date_cache: dict[str, datetime.date | None] = {}
    problem = result.problem
    rows = skipped = 0

    def line() -> int:
        return header_row + reader.line_num

    def is_blank(row: list[str]) -> bool:
        return not any(cell.strip() for cell in row)

    try:
        for row in reader:
            if not row:
                continue
            if len(row) < width:
                if is_blank(row):
                    continue
                rows += 1
                problem(
                    line(),
                    "",
                    _("The row has %(found)s cells, %(needed)s expected.")
                    % {"found": len(row), "needed": width},
                )
                continue
            rows += 1
            if rows > max_rows:
                rows -= 1
                if is_blank(row):
                    continue
                problem(line(), "", _("The file has more than %(max)s rows.") % {"max": max_rows})
                result.rows, result.skipped = rows, skipped
                return None
            bad = False
            if di >= 0:
                raw = row[di]
                day = date_cache.get(raw, False)
                if day is False:
                    day = parse_date(raw)
                    if len(date_cache) < CACHE_LIMIT:
                        date_cache[raw] = day
                if day is None:
                    if is_blank(row):
                        rows -= 1
                        continue
                    problem(line(), d_name, _bad(raw, NOT_A_DATE))
                    bad = True
                elif ranged and not (low <= day <= high):
                    skipped += 1
                    continue
            raw = row[ci]
            code = code_cache.get(raw, False)
            if code is False:
                code = normalise_code(raw)
                if code not in known_codes:
                    code = None
                if len(code_cache) < CACHE_LIMIT:
                    code_cache[raw] = code
            if code is None:
                if is_blank(row):
                    rows -= 1
                    continue
                problem(line(), c_name, _bad(raw, UNKNOWN_CODE))
                bad = True
            if vi >= 0:
                raw = row[vi]
                value = parse_number(raw)
                if value is None:
                    problem(line(), v_name, _bad(raw, NOT_A_NUMBER))
                    bad = True
                elif not -MAX_VALUE < value < MAX_VALUE:
                    problem(line(), v_name, _bad(raw, TOO_LARGE))
                    bad = True
            if ki >= 0:
                raw = row[ki]
                if k_numeric:
                    number = parse_number(raw)
                    if number is None:
                        problem(line(), k_name, _bad(raw, NOT_A_NUMBER))
                        bad = True
                        meets = False
                    elif k_op == Op.LT:
                        meets = number < k_limit
                    elif k_op == Op.LE:
                        meets = number <= k_limit
                    elif k_op == Op.GT:
                        meets = number > k_limit
                    else:
                        meets = number >= k_limit
                else:
                    meets = (raw.strip() in k_choices) != k_negate
            else:
                meets = True
            if bad:
                continue
            counts[code] += 1
            if meets:
                hits[code] += 1
                if vi >= 0:
                    sums[code] += value
    except _LineTooLong:
        problem(line() + 1, "", _("A line is too long: this is not a CSV log."))
    except csv.Error as error:
        problem(line(), "", _("The file cannot be read as CSV: %(error)s") % {"error": error})
    result.rows, result.skipped = rows, skipped
    return acc


NOT_A_DATE = _("“%(value)s” is not a date (YYYY-MM-DD).")
NOT_A_NUMBER = _("“%(value)s” is not a number.")
UNKNOWN_CODE = _("Unknown region code “%(value)s”.")
TOO_LARGE = _("“%(value)s” is too large.")
#: Characters of a bad cell quoted in its problem.
SHOWN_CHARS = 40


def _bad(raw: str, template) -> str:
    """The problem with a cell, quoting it (cut short: a hostile cell can be 128 KB)."""
    value = raw.strip()
    if not value:
        return str(_("The cell is empty."))
    if len(value) > SHOWN_CHARS:
        value = value[: SHOWN_CHARS - 1] + "…"
    return str(template % {"value": value})


def _finish(
    spec: FeedSpec, acc: _Accumulator, population: dict[str, int] | None, result: FeedResult
) -> None:
    counts, hits, sums = acc.counts, acc.hits, acc.sums
    result.per_region_rows = dict(counts)
    kind = spec.aggregation
    values: dict[str, Decimal] = {}
    if kind == Aggregation.RATE:
        result.used = sum(counts.values())
        for code, n in counts.items():
            values[code] = _round(WIDE.divide(Decimal(100 * hits.get(code, 0)), n))
    else:
        result.used = sum(hits.values())
    if kind == Aggregation.COUNT:
        for code in counts:
            values[code] = _round(Decimal(hits.get(code, 0)))
    elif kind == Aggregation.SUM:
        for code in counts:
            values[code] = _round(Decimal(repr(sums.get(code, 0.0))))
    elif kind == Aggregation.MEAN:
        for code, n in hits.items():
            values[code] = _round(WIDE.divide(Decimal(repr(sums[code])), n))
    elif kind == Aggregation.PER_10K:
        population = population or {}
        for code in sorted(counts):
            people = population.get(code) or 0
            if people <= 0:
                result.problem(
                    0, "population", _("No population for region “%(code)s”.") % {"code": code}
                )
                continue
            values[code] = _round(WIDE.divide(Decimal(hits.get(code, 0) * 10_000), people))
    result.values = values


def _round(value: Decimal) -> Decimal:
    """6 places, half up; in a wide context whatever the caller's (divisions too)."""
    return value.quantize(PLACES, rounding=ROUND_HALF_UP, context=WIDE)
