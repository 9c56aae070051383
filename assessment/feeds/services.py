"""Raw feeds: a dry run of an uploaded platform file, applying it, and the population table.

The dry run keeps the file and what it would do (`RawFeed`): the per-region values its
declared aggregation gives, and every problem, both the file's own (a bad row, an unknown
region) and the round's (a region outside the round, a locked submission: the same checks as
an API push, `push.check_push`). Applying aggregates the stored file again (regions, the
population table and the round may have moved on) and writes through `push.apply_push`, all or
nothing: every value audited as fed from the file and its submission's version moved on.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import AuditSource, Round
from assessment.collection.services.import_check import ImportCheck
from assessment.collection.services.importing import ImportRefused
from assessment.collection.services.values import canonical
from assessment.feeds.aggregation import (
    Aggregation,
    Condition,
    FeedResult,
    FeedSpec,
    Op,
    aggregate,
    header_key,
    normalise_code,
    open_text,
    parse_number,
)
from assessment.feeds.models import FeedStatus, Population, RawFeed
from assessment.feeds.push import Item, Writer, apply_push, check_push
from assessment.regions.models import Region

#: Problems kept on a feed (all of them are counted in its summary).
PROBLEMS_KEPT = 1000
#: Rows of a population table.
POPULATION_MAX_ROWS = 200_000

ALREADY_APPLIED = _("This file was already applied.")
STILL_CHECKING = _("The file is still being checked: apply it once its report is ready.")
UPLOAD_GONE = _("The uploaded file is no longer on the server. Upload it again.")
BAD_SPEC = _("The aggregation declared for this file is not valid: %(error)s")
HAS_PROBLEMS = _("The file has %(count)s problem(s); nothing was written.")
READING = _("Reading and aggregating the file")
CHECKING = _("Checking the values against the round")
WRITING = _("Writing the values")

Step = Callable[..., None]


class FeedRefused(ValidationError):
    """Applying found problems (the feed's report now lists them); nothing was written."""

    def __init__(self, count: int):
        super().__init__(HAS_PROBLEMS, code="problems", params={"count": count})
        self.count = count


# --- what a feed is checked against ------------------------------------------------------------


def period_year(period: str) -> int | None:
    """The year a round's period starts with ("2025", "2025-06", "2025Q2"), if any."""
    text = (period or "").strip()[:4]
    return int(text) if len(text) == 4 and text.isascii() and text.isdigit() else None


def population_for(round_: Round) -> dict[str, int]:
    """Each region's resident population in the round's year, or the latest year before it
    (any year when the period names none)."""
    rows = Population.objects.all()
    year = period_year(round_.period)
    if year is not None:
        rows = rows.filter(year__lte=year)
    found: dict[str, int] = {}
    for code, people in rows.order_by("region_id", "-year").values_list("region_id", "people"):
        found.setdefault(code, people)
    return found


def known_region_codes() -> frozenset[str]:
    return frozenset(Region.objects.values_list("code", flat=True))


def spec_from(data) -> FeedSpec:
    """The aggregation a feed (or a form's cleaned data) declares; ValueError if it is bad."""

    def get(name):
        return data.get(name) if isinstance(data, dict) else getattr(data, name)

    condition = None
    if get("condition_column"):
        condition = Condition(
            get("condition_column"), Op(get("condition_op")), get("condition_value")
        )
    kind = Aggregation(get("aggregation"))
    return FeedSpec(
        aggregation=kind,
        region_column=get("region_column"),
        value_column=get("value_column") if kind in (Aggregation.MEAN, Aggregation.SUM) else "",
        condition=condition,
        date_column=get("date_column") or "",
        date_from=get("date_from"),
        date_to=get("date_to"),
    )


class _Reading:
    """The stored file, reporting how far it has been read (a job's progress)."""

    def __init__(self, stream, total: int, on_read: Callable[[float], None]):
        self._stream, self._total, self._on_read = stream, max(total, 1), on_read
        self._done = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._done += len(data)
        self._on_read(min(1.0, self._done / self._total))
        return data


def _no_step(fraction: float, stage: str = "") -> None:
    return None


def _aggregate(feed: RawFeed, on_step: Step) -> FeedResult:
    """The stored file aggregated as the feed declares (no lock, no write)."""
    try:
        spec = spec_from(feed)
    except ValueError as error:
        raise ValidationError(BAD_SPEC, code="spec", params={"error": error}) from error
    population = population_for(feed.round) if spec.aggregation == Aggregation.PER_10K else None
    known = known_region_codes()
    if not feed.file:
        raise ValidationError(UPLOAD_GONE, code="gone")
    try:
        source = feed.file.open("rb")
    except (OSError, ValueError) as error:  # cleaned away, or the disk is gone
        raise ValidationError(UPLOAD_GONE, code="gone") from error
    total = feed.summary.get("bytes") or 0
    on_step(0.02, READING)
    with source:
        reading = _Reading(source, total, lambda done: on_step(0.02 + 0.86 * done, READING))
        return aggregate(reading, spec, known_codes=known, population=population)


def _items(feed: RawFeed, result: FeedResult) -> list[Item]:
    code = feed.indicator.code
    return [
        Item(index, region, code, value)
        for index, (region, value) in enumerate(sorted(result.values.items()), start=1)
    ]


def _writer(feed: RawFeed, user) -> Writer:
    return Writer(
        source=AuditSource.FEED,
        label=feed.fed_from,
        indicators=frozenset({feed.indicator.code}),
        user=user,
        job_owner=user,
    )


def _record(feed: RawFeed, result: FeedResult, items: list[Item], check: ImportCheck) -> None:
    """The aggregation's outcome and the round's check on the feed (not saved)."""
    problems = [
        [problem.row or None, problem.column, problem.message] for problem in result.problems
    ]
    regions = {item.index: item.region for item in items}
    for problem in check.problems:
        if len(problems) >= PROBLEMS_KEPT:
            break
        where = regions.get(problem.row, "") if isinstance(problem.row, int) else ""
        problems.append([None, where, problem.message])
    feed.problems = problems[:PROBLEMS_KEPT]
    feed.values = {code: canonical(value) for code, value in sorted(result.values.items())}
    feed.summary = {
        "bytes": feed.summary.get("bytes", 0),
        "rows": result.rows,
        "used": result.used,
        "skipped": result.skipped,
        "regions": len(result.values),
        "problems": result.problem_count + check.problem_count,
        "changes": len(check.changes),
        "unchanged": check.unchanged,
        "submissions": len(check.submissions),
        "region_rows": dict(sorted(result.per_region_rows.items())),
    }


# --- the dry run and applying ---------------------------------------------------------------


def feed_dry_run(
    *, round_: Round, data: Mapping, upload, user, defer: bool = False, on_step: Step = _no_step
) -> RawFeed:
    """Keep the upload with its declared aggregation and check it (nothing is written to the
    round). `data` is a RawFeedForm's cleaned data. With `defer` the check is left to a job
    (`check_feed`): the feed's summary says "pending" until then."""
    feed = RawFeed(
        round=round_,
        indicator=data["indicator"],
        source_name=data["source_name"],
        original_name=(upload.name or "feed.csv")[:200],
        aggregation=data["aggregation"],
        region_column=data["region_column"],
        value_column=data.get("value_column") or "",
        condition_column=data.get("condition_column") or "",
        condition_op=data.get("condition_op") or "",
        condition_value=data.get("condition_value") or "",
        date_column=data.get("date_column") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        uploaded_by=user,
        summary={"bytes": upload.size or 0},
    )
    feed.file.save("feed.csv", upload, save=False)
    if defer:
        feed.summary["pending"] = True
        feed.save()
        return feed
    _check(feed, on_step)
    feed.save()
    return feed


def check_feed(feed: RawFeed, *, on_step: Step = _no_step) -> RawFeed:
    """The dry run of a feed kept unchecked (a large file's, in a job)."""
    if feed.status == FeedStatus.APPLIED:
        raise ValidationError(ALREADY_APPLIED, code="applied")
    _check(feed, on_step)
    feed.save(update_fields=["summary", "problems", "values"])
    return feed


def _check(feed: RawFeed, on_step: Step) -> None:
    result = _aggregate(feed, on_step)
    items = _items(feed, result)
    on_step(0.9, CHECKING)
    feed.summary["rows"] = result.rows  # the label the check reads
    check = check_push(feed.round, items, _writer(feed, feed.uploaded_by)) if items else None
    _record(feed, result, items, check or ImportCheck())


def feed_apply(feed: RawFeed, user, *, on_step: Step = _no_step) -> tuple[ImportCheck, bool]:
    """Aggregate the stored file again and write its values, all or nothing. The check, and
    whether a recompute was queued (a monthly round with results). Raises ValidationError:
    FeedRefused when a problem appeared (the feed's report is updated), or the file is gone,
    still being checked or already applied."""
    if feed.status == FeedStatus.APPLIED:
        raise ValidationError(ALREADY_APPLIED, code="applied")
    if feed.summary.get("pending"):
        raise ValidationError(STILL_CHECKING, code="pending")
    result = _aggregate(feed, on_step)  # no lock while reading
    items = _items(feed, result)
    on_step(0.9, WRITING)
    feed.summary["rows"] = result.rows  # the label the values keep
    writer = _writer(feed, user)
    check = None
    with transaction.atomic():
        locked = RawFeed.objects.select_for_update().filter(pk=feed.pk).first()
        if locked is None or locked.status == FeedStatus.APPLIED:
            raise ValidationError(ALREADY_APPLIED, code="applied")
        if not result.problem_count:
            try:
                check, recompute = apply_push(feed.round, items, writer)
            except ImportRefused as refused:
                check = refused.check
            else:
                _record(feed, result, items, check)
                feed.status = FeedStatus.APPLIED
                feed.applied_at = timezone.now()
                feed.save(update_fields=["summary", "problems", "values", "status", "applied_at"])
                return check, recompute
    # Refused: the report shows every problem (saved outside the transaction, so it is kept).
    if check is None:
        check = check_push(feed.round, items, writer) if items else ImportCheck()
    _record(feed, result, items, check)
    feed.save(update_fields=["summary", "problems", "values"])
    raise FeedRefused(feed.summary["problems"])


# --- the population table ---------------------------------------------------------------------

REGION_HEADERS = frozenset(
    {"行政区划代码", "region", "region code", "region_code", "code", "地区代码"}
)
YEAR_HEADERS = frozenset({"年份", "year", "年度"})
PEOPLE_HEADERS = frozenset({"常住人口", "population", "people", "resident population"})
_YEAR = re.compile(r"(\d{4})年?", re.ASCII)
NO_HEADER = _(
    "The header row needs the columns 行政区划代码 (region), 年份 (year) and 常住人口 (population)."
)
NO_ROWS = _("The table has no rows.")
CSV_ERROR = _("The file cannot be read as CSV: %(error)s")
STOPPED = _("Reading stopped after %(count)s problems.")
TOO_MANY = _("The table has more than %(max)s rows.")
TOO_FEW_CELLS = _("The row has too few cells.")
BAD_CODE = _("Unknown region code “%(code)s”.")
BAD_YEAR = _("“%(value)s” is not a year.")
BAD_PEOPLE = _("“%(value)s” is not a population (a whole number of people).")
TWICE = _("%(code)s %(year)s appears twice (also on row %(row)s).")


def population_import(upload) -> tuple[int, list[list]]:
    """Read a population CSV (header: region code, year, population) and store every row, or
    none if any row has a problem. (rows stored, problems as [row, column, message])."""
    problems: list[list] = []
    upload.seek(0)
    text = open_text(upload)
    try:
        rows = _population_rows(text, problems)
    except csv.Error as error:
        problems.append([None, "", str(CSV_ERROR % {"error": error})])
    finally:
        text.close()  # the wrapper only: the upload stays open
    if problems:
        return 0, problems[:PROBLEMS_KEPT]
    if not rows:
        return 0, [[None, "", str(NO_ROWS)]]
    with transaction.atomic():
        Population.objects.bulk_create(
            [
                Population(region_id=code, year=year, people=people)
                for (code, year), (people, _line) in rows.items()
            ],
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["region", "year"],
            update_fields=["people"],
        )
    return len(rows), []


def _population_rows(text, problems: list[list]) -> dict[tuple[str, int], tuple[int, int]]:
    """(code, year) → (people, line) of every good row; the bad ones' problems in `problems`
    (reading stops at PROBLEMS_KEPT)."""
    header = text.readline(1 << 16)
    delimiter = max(",\t;|", key=header.count)
    names = [
        name.replace("\ufeff", "").strip()
        for name in next(csv.reader([header], delimiter=delimiter), [])
    ]
    columns: dict[str, int] = {}
    for i, name in enumerate(names):
        columns.setdefault(header_key(name), i)

    def find(accepted: frozenset[str]) -> int | None:
        return next((columns[key] for key in sorted(accepted) if key in columns), None)

    ci, yi, pi = find(REGION_HEADERS), find(YEAR_HEADERS), find(PEOPLE_HEADERS)
    if ci is None or yi is None or pi is None:
        problems.append([1, "", str(NO_HEADER)])
        return {}
    known = known_region_codes()
    width = max(ci, yi, pi) + 1
    rows: dict[tuple[str, int], tuple[int, int]] = {}
    for line, row in enumerate(csv.reader(text, delimiter=delimiter), start=2):
        if len(problems) >= PROBLEMS_KEPT:
            problems.append([line, "", str(STOPPED % {"count": PROBLEMS_KEPT})])
            break
        if not any(cell.strip() for cell in row):
            continue
        if line > POPULATION_MAX_ROWS + 1:
            problems.append([line, "", str(TOO_MANY % {"max": f"{POPULATION_MAX_ROWS:,}"})])
            break
        if len(row) < width:
            problems.append([line, "", str(TOO_FEW_CELLS)])
            continue
        code = normalise_code(row[ci])
        year_match = _YEAR.fullmatch(unicodedata.normalize("NFKC", row[yi]).strip())
        year = int(year_match.group(1)) if year_match else 0
        people = parse_number(row[pi])
        found = len(problems)
        if code not in known:
            problems.append([line, names[ci], str(BAD_CODE % {"code": row[ci].strip()[:20]})])
        if not 1949 <= year <= 2100:
            problems.append([line, names[yi], str(BAD_YEAR % {"value": row[yi].strip()[:20]})])
        if people is None or people != int(people) or not 0 < people < 2_000_000_000:
            problems.append([line, names[pi], str(BAD_PEOPLE % {"value": row[pi].strip()[:20]})])
        if len(problems) > found:
            continue
        if (code, year) in rows:
            params = {"code": code, "year": year, "row": rows[code, year][1]}
            problems.append([line, names[ci], str(TWICE % params)])
            continue
        rows[code, year] = (int(people), line)
    return rows
