"""Mystery shopping (暗访体验) in a panel: an expert scores a cell whose indicator carries a
checklist by recording each step; the level follows from the steps by the indicator's rule
(indicators.engine.checklist) and is stored like any expert's level (`score_cell`: the
version check, the audit event, the combination with the other experts)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.db import transaction

from assessment.core.attachments import remove_attachment, store_attachments
from assessment.core.evidence import CheckedFile
from assessment.panels.models import ChecklistStep, ExpertScore, StepScreenshot
from assessment.panels.services import Scored, score_cell
from indicators.engine.checklist import Checklist, StepResult, checklist_level
from indicators.language import localized


@dataclass(frozen=True)
class RecordedStep:
    """What the expert recorded for one step (position: 1-based)."""

    position: int
    done: bool
    minutes: Decimal | None = None
    note: str = ""
    screenshot: CheckedFile | None = None


def score_by_checklist(
    score: ExpertScore, *, checklist: Checklist, steps: list[RecordedStep], justification: str,
    version: int, actor,
) -> Scored:  # fmt: skip
    """Store the steps and the level they earn, in one transaction; nothing when the page was
    stale (another window saved meanwhile). A new screenshot of a step replaces its old one;
    a step with no new upload keeps its screenshot."""
    outcome = checklist_level(
        checklist,
        [StepResult(s.done, None if s.minutes is None else float(s.minutes)) for s in steps],
    )
    with transaction.atomic():
        done = score_cell(score, level=outcome.level, justification=justification,
                          version=version, actor=actor)  # fmt: skip
        if not done.saved:
            return done
        ChecklistStep.objects.filter(score=score).delete()
        ChecklistStep.objects.bulk_create(
            ChecklistStep(
                score=score, position=s.position, done=s.done, minutes=s.minutes, note=s.note
            )
            for s in steps
        )
        replaced = {s.position for s in steps if s.screenshot is not None}
        if replaced:
            old = StepScreenshot.objects.filter(score=score, position__in=replaced)
            for shot in old.select_related("score__cell__panel"):
                remove_attachment(shot)
        for step in steps:
            if step.screenshot is not None:
                store_attachments(partial(StepScreenshot, score=score, position=step.position),
                                  files=[step.screenshot], user=actor)  # fmt: skip
    return done


@dataclass(frozen=True)
class StepRecord:
    """One step as the pages show it: the checklist's text beside what an expert recorded."""

    position: int
    text: str
    limit: float | None
    record: ChecklistStep | None
    screenshot: StepScreenshot | None

    @property
    def late(self) -> bool:
        record = self.record
        return bool(
            record and record.done and self.limit is not None and record.minutes is not None
            and float(record.minutes) > self.limit
        )  # fmt: skip


def step_records(checklist: Checklist, score: ExpertScore) -> list[StepRecord]:
    """The steps of `score` with the checklist's texts (two queries)."""
    records = {r.position: r for r in ChecklistStep.objects.filter(score=score)}
    shots = {s.position: s for s in StepScreenshot.objects.filter(score=score)}
    return [
        StepRecord(
            position=position,
            text=localized(step.zh, step.en),
            limit=step.minutes,
            record=records.get(position),
            screenshot=shots.get(position),
        )
        for position, step in enumerate(checklist.steps, 1)
    ]
