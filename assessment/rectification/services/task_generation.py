"""Findings → tasks (发现): when a round is published, its weak points become rectification tasks.

A region gets a task for every indicator and every area whose published score is below the
round's threshold (`Round.task_threshold`, default 60), and for every indicator or area that
fails a maturity gate holding its level back (`Result.gate_notes` of its overall row), with
its score, the median of its peers (same level, `PeerStat`), a Chinese finding the supervisor
may edit, and a due date 60 days after publication.

National scale (3,213 regions × 43 indicators + 4 areas) is read in four queries whatever the
number of regions: the tree, the peer medians, the low Results with the gate notes, and the
tasks that already exist. The new tasks go in by COPY (PostgreSQL) or `executemany` (SQLite),
their first log entries in one INSERT … SELECT (docs/BENCHMARKS.md).
Each region with tasks gets its rectification notice (整改通知) listing them.
Publishing again adds only what is missing: existing (round, region, node) tasks are skipped,
and a partial unique constraint on generated tasks backs that up.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from assessment.collection.models import Round
from assessment.core.bulk_sql import table_columns
from assessment.core.db import fetch_all
from assessment.rectification.models import (
    RectificationTask,
    TaskAction,
    TaskEvent,
    TaskOrigin,
    TaskStatus,
)
from assessment.rectification.services.rectification_notices import (
    issue_notices,
    refresh_notice_status,
)
from assessment.regions.models import level_for_code
from assessment.results.models import PeerStat, Result, ResultKind
from assessment.results.selectors.nodes import NodeInfo, precision_of, published, system_nodes
from assessment.results.services.result_writer import NULL, write_rows
from indicators.engine import GateFailure

#: Days from publication to a generated task's due date.
TASK_DUE_DAYS = 60
#: The language findings are written in: they are data, read by Chinese officials.
FINDING_LANGUAGE = "zh-hans"

FOUND = gettext_lazy("Found when the results were published.")
BELOW_LINE = gettext_lazy(
    "%(node)s scores %(score)s, below the rectification line of %(line)s (peer median %(median)s)."
)
SCORES = gettext_lazy("%(node)s scores %(score)s (peer median %(median)s).")
GATE_FAILED = gettext_lazy(
    "It fails the %(level)s gate (at least %(required)s) and holds the maturity level back."
)
GATE_MISSING = gettext_lazy(
    "It has no score, so it fails the %(level)s gate (at least %(required)s) and holds the "
    "maturity level back."
)
PLAN_BY = gettext_lazy("Draw up a rectification plan and report progress with evidence by %(due)s.")


@dataclass(frozen=True)
class FindingTexts:
    """The sentences of a finding, translated into the active language once."""

    below_line: str
    scores: str
    gate_failed: str
    gate_missing: str
    plan_by: str
    separator: str  # Chinese sentences follow each other without a space

    @classmethod
    def active(cls) -> FindingTexts:
        chinese = (translation.get_language() or "").startswith("zh")
        return cls(
            str(BELOW_LINE), str(SCORES), str(GATE_FAILED), str(GATE_MISSING), str(PLAN_BY),
            "" if chinese else " ",
        )  # fmt: skip


@dataclass
class Finding:
    """One weak node of one region: below the threshold, failing a gate, or both."""

    region_id: str
    node: NodeInfo
    score: float | None
    below: bool = False
    gates: tuple[GateFailure, ...] = ()


def due_date_for(round_: Round) -> date:
    published_at = round_.published_at or timezone.now()
    return timezone.localdate(published_at) + timedelta(days=TASK_DUE_DAYS)


def generate_tasks(*, round_: Round) -> int:
    """Create the round's missing generated tasks; returns how many were created.

    Runs in the caller's transaction (publishing holds the round's row lock, so two
    publications cannot interleave).
    """
    with translation.override(FINDING_LANGUAGE):
        nodes = system_nodes(round_.system)
        precision = precision_of(round_)
        findings = _findings(round_, nodes, precision)
        if not findings:
            return 0
        existing = set(
            fetch_all(
                RectificationTask.objects.filter(round=round_).values_list(
                    "region_id", "indicator_id"
                )
            )
        )
        medians = _peer_medians(round_, precision)
        texts = FindingTexts.active()
        note = str(FOUND)
    now = timezone.now()
    make = _RowMaker(round_, medians, precision, texts, now)
    rows = [make(f) for f in findings if (f.region_id, f.node.pk) not in existing]
    _insert(rows, round_=round_, stamp=make.stamp, note=note)
    regions = {row[1] for row in rows}
    # notices that had items already and got new open ones (publishing again)
    grown = regions - issue_notices(round_=round_, regions=regions)
    if grown:
        refresh_notice_status(round_id=round_.pk, region_ids=grown)
    return len(rows)


def _findings(round_: Round, nodes, precision: int) -> list[Finding]:
    """Low leaves and areas, and gate failures, in region and tree order (one query)."""
    kinds = (ResultKind.AREA, ResultKind.LEAF)
    wanted = {n.pk: n for n in nodes.nodes if n.kind in kinds}
    by_code = {n.code: n for n in wanted.values()}
    threshold = round_.task_threshold
    rows = fetch_all(
        Result.objects.filter(round=round_)
        .filter(
            Q(kind__in=kinds, score__lt=threshold)
            | Q(kind=ResultKind.OVERALL, gate_notes__isnull=False)
        )
        .values_list("region_id", "indicator_id", "score", "gate_notes")
    )
    low = [row for row in rows if row[1] is not None and row[1] in wanted]
    scores = published([row[2] for row in low], precision)
    found: dict[tuple[str, int], Finding] = {}
    for (region_id, indicator_id, _raw, _gates), score in zip(low, scores, strict=True):
        if score is not None and score < threshold:  # as published: 59.996 shows as 60.00
            found[(region_id, indicator_id)] = Finding(
                region_id, wanted[indicator_id], score, below=True
            )
    for region_id, indicator_id, _score, notes in rows:
        if indicator_id is not None or not notes:
            continue
        for note in _gate_failures(notes):
            node = by_code.get(note.node)
            if node is None:
                continue
            key = (region_id, node.pk)
            actual = None if math.isnan(note.actual) else note.actual
            finding = found.setdefault(key, Finding(region_id, node, actual))
            finding.gates = (*finding.gates, note)
    order = {n.pk: i for i, n in enumerate(nodes.nodes)}
    return sorted(found.values(), key=lambda f: (f.region_id, order[f.node.pk]))


def _gate_failures(notes) -> list[GateFailure]:
    if isinstance(notes, str):  # fetch_all returns the JSON column as text
        notes = json.loads(notes)
    out = []
    for note in notes or []:
        actual = note.get("actual")
        out.append(
            GateFailure(
                level=note["level"],
                kind=note["kind"],
                node=note["node"],
                required=float(note["required"]),
                actual=float("nan") if actual is None else float(actual),
            )
        )
    return out


def _peer_medians(round_: Round, precision: int) -> dict[tuple[str, int], float | None]:
    """(region level, node id) → the peers' median as published (one query)."""
    rows = list(
        PeerStat.objects.filter(round=round_, indicator__isnull=False).values_list(
            "level", "indicator_id", "median"
        )
    )
    medians = published([row[2] for row in rows], precision)
    return {(level, pk): median for (level, pk, _), median in zip(rows, medians, strict=True)}


#: RectificationTask columns written by generation, in the order of `_RowMaker`'s cells.
TASK_FIELDS = ("round", "region", "indicator", "origin", "title", "finding", "score",
               "peer_median", "threshold", "gate", "due_date", "status", "plan", "progress",
               "created_by", "created_at", "updated_at")  # fmt: skip


class _RowMaker:
    """Findings as ready-made text rows of the task table (NULL as \\N): COPY's text format
    on PostgreSQL, plain values for executemany on SQLite."""

    def __init__(self, round_: Round, medians, precision: int, texts, now) -> None:
        self.copying = connection.vendor == "postgresql"
        self.text = _copy_text if self.copying else str
        self.stamp = (
            now.isoformat() if self.copying else connection.ops.adapt_datetimefield_value(now)
        )
        self.due = due_date_for(round_)
        self.round_ = round_
        self.medians = medians
        self.precision = precision
        self.texts = texts
        self.titles: dict[int, str] = {}
        self.head = (str(round_.pk),)
        self.tail = (_float(round_.task_threshold),)

    def __call__(self, finding: Finding) -> tuple[str, ...]:
        node, text = finding.node, self.text
        median = self.medians.get((level_for_code(finding.region_id), node.pk))
        title = self.titles.get(node.pk)
        if title is None:
            title = self.titles[node.pk] = text(f"{node.code} {node.name}"[:200])
        gate = "；".join(g.describe("zh", self.precision) for g in finding.gates)
        finding_ = finding_text(
            node=node,
            score=finding.score,
            median=median,
            threshold=self.round_.task_threshold if finding.below else None,
            gates=finding.gates,
            due=self.due,
            precision=self.precision,
            texts=self.texts,
        )
        return (*self.head, finding.region_id, str(node.pk), TaskOrigin.GENERATED.value, title,
                text(finding_), _float(finding.score), _float(median), *self.tail,
                text(gate[:200]), self.due.isoformat(), TaskStatus.OPEN.value, "", NULL, NULL,
                self.stamp, self.stamp)  # fmt: skip


def _insert(rows: list[tuple], *, round_: Round, stamp: str, note: str) -> None:
    """The tasks (COPY on PostgreSQL, executemany on SQLite: `bulk_create` compiles SQL for
    every task, too slow for the tens of thousands of a national round), then each new task's
    first log entry in one INSERT … SELECT."""
    if not rows:
        return
    table, columns = table_columns(RectificationTask, TASK_FIELDS)
    events, event_columns = table_columns(
        TaskEvent, ["task", "at", "actor", "action", "from_status", "to_status", "text", "percent"]
    )
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        write_rows(cursor, table, columns, rows)
        cursor.execute(
            f"INSERT INTO {events} ({', '.join(event_columns)}) "
            f"SELECT t.{quote('id')}, t.{quote('created_at')}, NULL, %s, '', %s, %s, NULL "
            f"FROM {table} t WHERE t.{quote('round_id')} = %s AND NOT EXISTS "
            f"(SELECT 1 FROM {events} e WHERE e.{quote('task_id')} = t.{quote('id')})",
            [TaskAction.CREATED.value, TaskStatus.OPEN.value, note, round_.pk],
        )


def _float(value: float | None) -> str:
    return NULL if value is None else repr(float(value))


def _copy_text(value: str) -> str:
    """A cell in COPY's text format: backslash, tab and line breaks escaped."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                 .replace("\r", "\\r"))  # fmt: skip
    return value


def _number(value: float | None, precision: int) -> str:
    return "–" if value is None else f"{value:.{precision}f}"


def finding_text(
    *,
    node: NodeInfo,
    score: float | None,
    median: float | None,
    threshold: float | None,
    gates: tuple[GateFailure, ...] = (),
    due: date,
    precision: int = 2,
    texts: FindingTexts | None = None,
) -> str:
    """The finding in the active language (Chinese when generated at publication).

    `texts`: the sentences already translated (generation passes them: translating them
    anew for each of 90,000 tasks would cost seconds)."""
    texts = texts or FindingTexts.active()
    params = {
        "node": f"{node.code} {node.name}",
        "score": _number(score, precision),
        "median": _number(median, precision),
        "line": "" if threshold is None else f"{threshold:g}",
        "due": due.isoformat(),
    }
    parts = [(texts.below_line if threshold is not None else texts.scores) % params]
    for gate in gates:
        message = texts.gate_missing if math.isnan(gate.actual) else texts.gate_failed
        parts.append(message % {"level": gate.level, "required": f"{gate.required:g}"})
    parts.append(texts.plan_by % params)
    return texts.separator.join(parts)
