"""Writing a platform's values: the API's push and an applied raw file both come here.

The rows go through the Excel import's own checks (`check_rows`: regions, scope, locks,
unchanged values) with the platform's rules (`ImportRules.platform`: platform-fed indicators
only), so a value a platform writes obeys exactly what a typed one does. All or nothing: one
problem and nothing is written. Every value is audited with its source and bumps its
submission's version; in a monthly round each arrival recomputes the results (a job).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import Round, RoundStatus
from assessment.collection.selectors.entry import system_leaves
from assessment.collection.services.import_check import (
    ImportCheck,
    ImportRules,
    ParsedImport,
    check_rows,
)
from assessment.collection.services.import_read import Cell, Row, Sheet
from assessment.collection.services.import_write import write_changes
from assessment.collection.services.importing import ImportRefused
from assessment.collection.services.values import parse_value
from assessment.results.job_kinds import start_compute

ROUND_CLOSED = _(
    "Values can be pushed while the round is open or closed for review (a monthly round also "
    "after publication)."
)
UNKNOWN_INDICATOR = _("Unknown indicator code “%(code)s”.")
NOT_PERMITTED = _("This client may not push %(code)s.")
DUPLICATE = _("%(region)s · %(code)s appears twice (also at %(first)s).")
SHEET = "values"  # the problems' "sheet": a push has one list of rows


@dataclass(frozen=True)
class Item:
    """One pushed value: where it was in the request, and what it says."""

    index: int
    region: object
    indicator: object
    value: object


@dataclass(frozen=True)
class Writer:
    """Who writes: the audit's source, the label kept beside each value, the audit's reason
    (the label and what arrived: a request's key and rows, a file's rows), the indicators it
    may write (None: every platform-fed one), its regions (None: all), the person (None for a
    machine) and the administrator a monthly recompute runs for."""

    source: str
    label: str
    reason: str = ""
    indicators: frozenset[str] | None = None
    scope: Q | None = None
    user: object = None
    job_owner: object = None


def accepts_pushes(round_: Round) -> bool:
    if round_.status in (RoundStatus.OPEN, RoundStatus.CLOSED):
        return True
    return round_.monthly and round_.status == RoundStatus.PUBLISHED


def check_push(round_: Round, items: Iterable[Item], writer: Writer, *, lock: bool = False):
    """Every problem of the rows, and the changes they would make (nothing is written)."""
    check = ImportCheck()
    if not accepts_pushes(round_):
        check.add(None, None, ROUND_CLOSED, sheet="")
        return check
    leaves = system_leaves(round_.system_id)
    sheet = _sheet(leaves, items, writer, check)
    rules = ImportRules(scope=writer.scope, include_approved=round_.monthly, platform=True)
    return check_rows(ParsedImport(round_, check, sheet, leaves), rules=rules, lock=lock)


def apply_push(round_: Round, items: list[Item], writer: Writer) -> tuple[ImportCheck, bool]:
    """Check with the submissions locked and write every change, or raise ImportRefused.
    Also says whether a recompute was queued (a monthly round with results)."""
    with transaction.atomic():
        check = check_push(round_, items, writer, lock=True)
        if not check.ok:
            raise ImportRefused(check)
        write_changes(
            check,
            user=writer.user,
            source=writer.source,
            reason=writer.reason or writer.label,
            fed_from=writer.label,
        )
    recompute = bool(
        check.changes and round_.monthly and round_.computed_at and writer.job_owner is not None
    )
    if recompute:
        start_compute(round_, owner=writer.job_owner)
    return check, recompute


def _sheet(leaves: list, items: Iterable[Item], writer: Writer, check: ImportCheck) -> Sheet:
    """The items as the import's rows: one per region (in order of first appearance), each
    value checked by the indicator's own rules."""
    leaves = {leaf.code: leaf for leaf in leaves}
    rows: dict[str, Row] = {}
    seen: dict[tuple[str, str], int] = {}
    for item in items:
        region = str(item.region).strip() if isinstance(item.region, str | int) else item.region
        code = str(item.indicator).strip()
        leaf = leaves.get(code)
        if leaf is None:
            check.add(item.index, code[:20], UNKNOWN_INDICATOR % {"code": code[:20]}, SHEET)
            continue
        if writer.indicators is not None and code not in writer.indicators:
            check.add(item.index, code, NOT_PERMITTED % {"code": code}, SHEET)
            continue
        key = (str(region), code)
        if key in seen:
            params = {"region": region, "code": code, "first": seen[key]}
            check.add(item.index, code, DUPLICATE % params, SHEET)
            continue
        seen[key] = item.index
        try:
            value = parse_value(leaf, item.value)
        except ValidationError as error:
            check.add(item.index, code, f"{code}: {' '.join(error.messages)}", SHEET)
            continue
        row = rows.get(key[0])
        if row is None:
            row = rows[key[0]] = Row(number=item.index, region=region, cells=[], read=0)
        row.read += 1
        if value is not None:
            row.cells.append(Cell(column=code, indicator_id=leaf.pk, value=value))
    return Sheet(rows=list(rows.values()))
