"""Mystery shopping (暗访体验): a service tried as a citizen would, step by step, and the level
(L0–L5) that follows from it.

An indicator scored by mystery shopping carries a checklist: the scenario the researcher plays
(an older person renewing a social-security card, say), its steps, and the rule that turns the
steps into a level. For each step the researcher records whether it worked and, where the step
has a time limit, how many minutes it took; a step done but over its limit did not work for the
citizen and counts as failed. The level is the highest band whose share of steps passed is
reached: with the default bands, every step → L5, 80 % → L4, 60 % → L3, 40 % → L2, 20 % → L1,
less → L0. Shares compare in exact fractions (4 of 5 reaches 80 %), never in floats.

The checklist is stored with the indicator as JSON (`as_json` / `parse`), bilingual like the
rest of the system:

    {"scenario_zh": "…", "scenario_en": "…",
     "steps": [{"zh": "…", "en": "…", "minutes": 10}, {"zh": "…", "en": "…"}],
     "bands": [[100, 5], [80, 4], [60, 3], [40, 2], [20, 1], [0, 0]]}

`bands`: [percent of steps passed, level] pairs; optional (the default above).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

MAX_LEVEL = 5
MAX_STEPS = 30
DEFAULT_BANDS: tuple[tuple[int, int], ...] = ((100, 5), (80, 4), (60, 3), (40, 2), (20, 1), (0, 0))


class ChecklistError(ValueError):
    """The stored checklist cannot be used; the message says what is wrong."""


@dataclass(frozen=True)
class Step:
    zh: str
    en: str
    minutes: float | None = None  # the time limit; None: time is not judged


@dataclass(frozen=True)
class Checklist:
    scenario_zh: str
    scenario_en: str
    steps: tuple[Step, ...]
    bands: tuple[tuple[int, int], ...] = DEFAULT_BANDS  # (percent passed, level), descending


@dataclass(frozen=True)
class StepResult:
    """What the researcher recorded for one step."""

    done: bool
    minutes: float | None = None


@dataclass(frozen=True)
class Outcome:
    level: int
    passed: int  # steps that count as passed (done, within their limit)
    total: int
    late: int  # steps done but over their time limit (counted as failed)


def step_passes(step: Step, result: StepResult) -> bool:
    if not result.done:
        return False
    return step.minutes is None or result.minutes is None or result.minutes <= step.minutes


def checklist_level(checklist: Checklist, results: Sequence[StepResult]) -> Outcome:
    """The level `results` (one per step, in order) earn under the checklist's bands."""
    if len(results) != len(checklist.steps):
        raise ChecklistError(
            f"{len(results)} results for {len(checklist.steps)} steps: record every step"
        )
    passed = sum(step_passes(s, r) for s, r in zip(checklist.steps, results, strict=True))
    late = sum(
        r.done and not step_passes(s, r) for s, r in zip(checklist.steps, results, strict=True)
    )
    share = Fraction(passed, len(results)) * 100
    level = next((lvl for percent, lvl in checklist.bands if share >= percent), 0)
    return Outcome(level=level, passed=passed, total=len(results), late=late)


def parse(data: object) -> Checklist | None:
    """The checklist stored as JSON; None when there is none (an empty value)."""
    if not data:
        return None
    if not isinstance(data, dict):
        raise ChecklistError("the checklist must be an object")
    scenario_zh = _text(data.get("scenario_zh"), "scenario_zh")
    steps_data = data.get("steps")
    if not isinstance(steps_data, list) or not 1 <= len(steps_data) <= MAX_STEPS:
        raise ChecklistError(f"steps: a list of 1 to {MAX_STEPS} steps")
    steps = tuple(_step(item, index) for index, item in enumerate(steps_data, 1))
    bands = _bands(data.get("bands"))
    return Checklist(scenario_zh, str(data.get("scenario_en") or ""), steps, bands)


def as_json(checklist: Checklist) -> dict:
    return {
        "scenario_zh": checklist.scenario_zh,
        "scenario_en": checklist.scenario_en,
        "steps": [
            {"zh": s.zh, "en": s.en, **({"minutes": s.minutes} if s.minutes is not None else {})}
            for s in checklist.steps
        ],
        "bands": [list(band) for band in checklist.bands],
    }


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ChecklistError(f"{where}: a text is needed")
    return value.strip()


def _step(item: object, index: int) -> Step:
    if not isinstance(item, dict):
        raise ChecklistError(f"step {index}: an object with zh, en and minutes")
    minutes = item.get("minutes")
    if minutes is not None and (
        isinstance(minutes, bool) or not isinstance(minutes, int | float) or minutes <= 0
    ):
        raise ChecklistError(f"step {index}: minutes must be a positive number")
    return Step(_text(item.get("zh"), f"step {index}"), str(item.get("en") or ""), minutes)


def _bands(value: object) -> tuple[tuple[int, int], ...]:
    if value is None:
        return DEFAULT_BANDS
    if not isinstance(value, list) or not value:
        raise ChecklistError("bands: a list of [percent, level] pairs")
    bands = []
    for pair in value:
        if (
            not isinstance(pair, list | tuple)
            or len(pair) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in pair)
            or not 0 <= pair[0] <= 100
            or not 0 <= pair[1] <= MAX_LEVEL
        ):
            raise ChecklistError("bands: each pair is [percent 0–100, level 0–5]")
        bands.append((pair[0], pair[1]))
    bands.sort(reverse=True)
    if bands[-1][0] != 0:
        raise ChecklistError("bands: the last band must start at 0 %")
    levels = [level for _percent, level in bands]
    if levels != sorted(levels, reverse=True) or len({p for p, _ in bands}) != len(bands):
        raise ChecklistError("bands: a higher share must never give a lower level")
    return tuple(bands)
