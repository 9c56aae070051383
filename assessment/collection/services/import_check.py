"""Checking an uploaded values workbook: every problem, and the changes a clean one would make.

Two steps. `read_import` reads and checks the file against the round's indicator system (no
lock, no write: `import_read`), bounded by the round's size. `check_rows` then checks the rows
against the round's submissions and stored values, with those submissions locked when the
caller is about to write, so a large file never holds locks while it is being parsed.
Approved and submitted submissions are locked unless the rules say otherwise. Nothing here
writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import Round, RoundStatus, Submission, SubmissionStatus, Value
from assessment.collection.rules import window_lock
from assessment.collection.selectors.entry import system_leaves
from assessment.collection.services.import_read import (
    Limits,
    Problem,
    Problems,
    Row,
    Sheet,
    cell_text,
    read_workbook,
)
from assessment.collection.services.values import canonical
from assessment.collection.services.workbook import VALUES_SHEET
from assessment.regions.models import Region, RegionLevel
from indicators.models import Indicator

__all__ = ["ImportCheck", "ImportRules", "ParsedImport", "Problem", "check_import",
           "check_rows", "read_import"]  # fmt: skip

ROUND_NOT_OPEN = _("Values can only be imported while the round is open (or closed for review).")
BAD_REGION_CODE = _("“%(value)s” is not a six-digit region code.")
UNKNOWN_REGION = _("Unknown region code %(code)s.")
NOT_IN_ROUND = _("Region %(code)s does not take part in this round.")
OUT_OF_SCOPE = _("Region %(code)s is outside the regions you may import.")
DUPLICATE_REGION = _("Region %(code)s appears twice (also on row %(row)s).")
LOCKED = _("Region %(code)s: the submission is %(status)s and locked.")
WINDOW_CLOSED = _("Region %(code)s: %(reason)s")
FED_BY_PLATFORM = _("%(code)s is fed by a platform: its value cannot be typed or imported.")
NOT_APPLICABLE = _("%(code)s does not apply to %(level)s-level regions: leave the cell empty.")
NOT_FED = _("%(code)s is not a platform-fed indicator: a platform cannot write it.")

_CODE = re.compile(r"\d{6}", re.ASCII)


@dataclass
class ImportCheck:
    report: Problems = field(default_factory=Problems)
    # (submission id, indicator id, old canonical text, new value)
    changes: list[tuple[int, int, str, Decimal]] = field(default_factory=list)
    versions: dict[int, tuple[int, str]] = field(default_factory=dict)  # id → (version, status)
    rows: int = 0
    cells: int = 0
    unchanged: int = 0

    @property
    def problems(self) -> list[Problem]:
        """The problems kept for the report (the first PROBLEMS_KEPT)."""
        return self.report.kept

    @property
    def problem_count(self) -> int:
        return self.report.count

    @property
    def ok(self) -> bool:
        return self.report.count == 0

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
            "problems": self.report.count,
            "problems_complete": self.report.complete,
        }

    def add(self, row, column, message, sheet: str = VALUES_SHEET) -> None:
        self.report.add(row, column, message, sheet)


@dataclass(frozen=True)
class ImportRules:
    """Who imports: which regions (a Q on Submission), and which locks apply to them."""

    scope: Q | None = None  # None: every participating region
    respect_window: bool = False  # staff: only while their entry window is open
    include_approved: bool = False  # administrators may overwrite submitted/approved
    # True when a platform writes (API, raw feed): it may write platform-fed indicators only,
    # and people (form, Excel import) only the others.
    platform: bool = False


@dataclass
class ParsedImport:
    """A workbook read and checked against the round's indicators, not yet against its
    submissions. `sheet` is None when the file could not be used at all. `leaves`: the
    round's leaf indicators as the reader loaded them (the rows check reads them again)."""

    round: Round
    check: ImportCheck
    sheet: Sheet | None
    leaves: list[Indicator] = field(default_factory=list)


def read_import(*, round: Round, source: str | IO[bytes]) -> ParsedImport:
    """Read the file, bounded by the round's size (two small queries, no lock)."""
    check = ImportCheck()
    if round.status not in (RoundStatus.OPEN, RoundStatus.CLOSED):
        check.add(None, None, ROUND_NOT_OPEN, sheet="")
        return ParsedImport(round, check, None)
    leaves = {leaf.code: leaf for leaf in system_leaves(round.system_id)}
    limits = Limits(regions=Submission.objects.filter(round=round).count(),
                    indicators=len(leaves))  # fmt: skip
    sheet = read_workbook(source, leaves, limits, check.report)
    return ParsedImport(round, check, sheet, list(leaves.values()))


def check_rows(parsed: ParsedImport, *, rules: ImportRules, lock: bool = False) -> ImportCheck:
    """Check the rows against the submissions (locked with `lock`, inside the caller's
    transaction) and work out the changes. Returns the parsed file's check, completed."""
    check = parsed.check
    if parsed.sheet is None:
        return check
    context = _Context.load(parsed.round, rules, lock, parsed.leaves)
    check.versions = context.versions
    seen: dict[str, int] = {}
    for row in parsed.sheet.rows:
        check.rows += 1
        check.cells += row.read
        submission_id, locked = context.region_row(row, seen, check)
        changes = _changes(row, submission_id, context, check)
        if locked and changes:
            check.add(row.number, "A", locked)  # an unchanged locked row is fine (a re-upload)
        else:
            check.changes.extend(changes)
    return check


def check_import(*, round: Round, source: str | IO[bytes], rules: ImportRules) -> ImportCheck:
    """Every problem of the workbook, and the changes a clean one would make (a dry run)."""
    return check_rows(read_import(round=round, source=source), rules=rules)


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
    fed: dict[int, str]  # platform-fed indicator id → code
    codes: dict[int, str]  # every leaf id → code
    applies_to: dict[int, tuple[str, ...]]  # leaf id → levels, for leaves limited to some
    levels: dict[int, str]  # submission id → its region's level

    @classmethod
    def load(cls, round: Round, rules: ImportRules, lock: bool, leaves: list) -> _Context:
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
        known = dict(Region.objects.values_list("code", "level"))
        return cls(
            round=round,
            rules=rules,
            fed={leaf.pk: leaf.code for leaf in leaves if leaf.is_fed},
            codes={leaf.pk: leaf.code for leaf in leaves},
            applies_to={leaf.pk: tuple(leaf.applies_to) for leaf in leaves if leaf.applies_to},
            levels={s.pk: known[code] for code, s in submissions.items()},
            known=set(known),
            submissions=submissions,
            allowed=allowed,
            values=values,
            versions={s.pk: (s.version, s.status) for s in submissions.values()},
        )

    def region_row(self, row: Row, seen, check: ImportCheck) -> tuple[int | None, str]:
        """The submission this row writes to (None, with a problem, when there is none), and
        why it is locked ("" when it is not): a locked row is a problem only if it changes
        something."""
        number, raw = row.number, row.region
        code = _region_code(raw)
        if code is None:
            check.add(number, "A", BAD_REGION_CODE % {"value": cell_text(raw)[:20]})
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
    text = cell_text(raw)
    return text if _CODE.fullmatch(text) else None


def _changes(row: Row, submission_id, context: _Context, check: ImportCheck) -> list:
    """The row's valid values that differ from what is stored."""
    if submission_id is None:
        return []
    changes = []
    for cell in row.cells:
        old = context.values.get((submission_id, cell.indicator_id), "")
        levels = context.applies_to.get(cell.indicator_id)
        if old == canonical(cell.value):
            check.unchanged += 1
        elif levels and context.levels[submission_id] not in levels:
            level = RegionLevel(context.levels[submission_id]).label
            code = context.codes[cell.indicator_id]
            check.add(row.number, cell.column, NOT_APPLICABLE % {"code": code, "level": level})
        elif (cell.indicator_id in context.fed) != context.rules.platform:
            refusal = NOT_FED if context.rules.platform else FED_BY_PLATFORM
            check.add(row.number, cell.column, refusal % {"code": context.codes[cell.indicator_id]})
        else:
            changes.append((submission_id, cell.indicator_id, old, cell.value))
    return changes
