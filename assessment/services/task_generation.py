"""Findings → tasks (发现): when a round is published, its weak points become rectification tasks.

A region gets a task for every indicator and every area whose published score is below the
round's threshold (`Round.task_threshold`, default 60), and for every indicator or area that
fails a maturity gate holding its level back (`Result.gate_notes` of its overall row), with
its score, the median of its peers (same level, `PeerStat`), a Chinese finding the supervisor
may edit, and a due date 60 days after publication.

National scale (3,213 regions × 43 indicators + 4 areas) is read in four queries whatever the
number of regions: the tree, the peer medians, the low Results with the gate notes, and the
tasks that already exist; the new tasks and their first log entries go in with `bulk_create`.
Publishing again adds only what is missing: existing (round, region, node) tasks are skipped,
and a partial unique constraint on generated tasks backs that up.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from assessment.models import (
    PeerStat,
    RectificationTask,
    Result,
    ResultKind,
    Round,
    TaskAction,
    TaskEvent,
    TaskOrigin,
    TaskStatus,
)
from assessment.models.regions import level_for_code
from assessment.selectors.dashboards import (
    NodeInfo,
    fetch_all,
    precision_of,
    published,
    system_nodes,
)
from indicators.engine import GateFailure

#: Days from publication to a generated task's due date.
TASK_DUE_DAYS = 60
BATCH = 2000
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
            RectificationTask.objects.filter(round=round_).values_list("region_id", "indicator_id")
        )
        medians = _peer_medians(round_, precision)
        due = due_date_for(round_)
        now = timezone.now()
        tasks = [
            _task(round_, finding, medians, due, precision, now)
            for finding in findings
            if (finding.region_id, finding.node.pk) not in existing
        ]
        created = RectificationTask.objects.bulk_create(tasks, batch_size=BATCH)
        note = str(FOUND)
    TaskEvent.objects.bulk_create(
        [
            TaskEvent(task=task, at=now, action=TaskAction.CREATED, to_status=TaskStatus.OPEN,
                      text=note)
            for task in created
        ],
        batch_size=BATCH,
    )  # fmt: skip
    return len(created)


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


def _task(round_, finding: Finding, medians, due: date, precision: int, now) -> RectificationTask:
    node = finding.node
    median = medians.get((level_for_code(finding.region_id), node.pk))
    gate = "；".join(g.describe("zh", precision) for g in finding.gates)
    return RectificationTask(
        round=round_,
        region_id=finding.region_id,
        indicator_id=node.pk,
        origin=TaskOrigin.GENERATED,
        title=f"{node.code} {node.name}"[:200],
        finding=finding_text(
            node=node,
            score=finding.score,
            median=median,
            threshold=round_.task_threshold if finding.below else None,
            gates=finding.gates,
            due=due,
            precision=precision,
        ),
        score=finding.score,
        peer_median=median,
        threshold=round_.task_threshold,
        gate=gate[:200],
        due_date=due,
        status=TaskStatus.OPEN,
        created_at=now,
    )


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
) -> str:
    """The finding in the active language (Chinese when generated at publication)."""
    params = {
        "node": f"{node.code} {node.name}",
        "score": _number(score, precision),
        "median": _number(median, precision),
        "line": "" if threshold is None else f"{threshold:g}",
        "due": due.isoformat(),
    }
    parts = [(BELOW_LINE if threshold is not None else SCORES) % params]
    for gate in gates:
        message = GATE_MISSING if math.isnan(gate.actual) else GATE_FAILED
        parts.append(message % {"level": gate.level, "required": f"{gate.required:g}"})
    parts.append(PLAN_BY % params)
    separator = "" if translation.get_language() == FINDING_LANGUAGE else " "
    return separator.join(str(part) for part in parts)
