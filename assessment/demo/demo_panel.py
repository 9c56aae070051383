"""The demo's expert panel (专家评审) on the 2025 round: four outside experts score three rubric
indicators of every region, through the same services people use; their levels mostly agree
with each other (near the region's own level, often a little below it), a few cells are two
levels apart and were adjudicated by the evaluator. SV.5.1 carries a mystery-shopping
checklist (暗访体验): its experts record the six steps, and the level follows from them."""

from __future__ import annotations

import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from assessment.collection.models import Round, Value
from assessment.panels.checklists import RecordedStep, score_by_checklist
from assessment.panels.models import CellStatus, ExpertScore, Panel, PanelCell, PanelExpert
from assessment.panels.services import adjudicate, assign_automatically, score_cell
from indicators.engine.checklist import Checklist
from indicators.models import ValueType

#: (username, home region: never scored by them, with everything below it)
EXPERTS = (("expert-1", "330100"), ("expert-2", "330200"), ("expert-3", "330300"),
           ("expert-4", None))  # fmt: skip
INDICATORS = 3  # the system's first rubric indicators
#: Cells where the second expert saw it very differently (region, indicator position).
DISPUTED = (("330106", 0), ("331126", 1), ("330281", 2))
ADJUDICATION_REASON = "两位专家评分相差较大，复核佐证材料后按中间等级认定。"


def ensure_experts(password: str) -> list[tuple[str, str | None]]:
    """The demo's expert accounts (no role on any region: experts see only their cells)."""
    User = get_user_model()
    hashed = make_password(password)
    for username, _home in EXPERTS:
        User.objects.get_or_create(
            username=username,
            defaults={"password": hashed, "email": f"{username}@demo.invalid"},
        )
    return list(EXPERTS)


def ensure_panel(round_: Round) -> None:
    """Set up, assign, score and settle the round's panel once (nothing if it has one)."""
    if Panel.objects.filter(round=round_).exists():
        return
    leaves = list(
        round_.system.indicators.filter(value_type=ValueType.RUBRIC).order_by("order")[:INDICATORS]
    )
    panel = Panel.objects.create(
        round=round_, indicator_codes=[leaf.code for leaf in leaves], experts_per_cell=2
    )
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="expert-")}
    for username, home in EXPERTS:
        PanelExpert.objects.create(panel=panel, user=users[username], home_region_id=home)
    admin = get_user_model().objects.get(username="admin")
    assign_automatically(panel, actor=admin)
    own = {
        (region, indicator): value
        for region, indicator, value in Value.objects.filter(
            submission__round=round_, indicator__in=leaves
        ).values_list("submission__region_id", "indicator_id", "value")
    }
    disputed = {(code, leaves[position].pk) for code, position in DISPUTED}
    checklists = {leaf.pk: leaf.mystery_shopping for leaf in leaves if leaf.mystery_shopping}
    rng = random.Random(2025)
    scores = ExpertScore.objects.filter(cell__panel=panel).select_related("cell", "expert")
    for n, score in enumerate(scores.order_by("cell_id", "expert__username")):
        key = (score.cell.region_id, score.cell.indicator_id)
        base = int(own.get(key) or Decimal(2))
        if key in disputed and n % 2:
            level = min(5, base + 2) if base <= 3 else base - 3
        else:  # experts are a little stricter than the regions' own choice
            level = max(0, min(5, base - rng.choice((0, 0, 1))))
        checklist = checklists.get(score.cell.indicator_id)
        if checklist is None:
            score_cell(score, level=level, justification=_justification(level), version=0,
                       actor=score.expert)  # fmt: skip
        else:
            steps = _steps(checklist, level, rng)
            score_by_checklist(score, checklist=checklist, steps=steps, version=0,
                               justification=SHOPPING_NOTE, actor=score.expert)  # fmt: skip
    evaluator = get_user_model().objects.get(username="evaluator")
    for cell in PanelCell.objects.filter(panel=panel, status=CellStatus.ADJUDICATION):
        levels = sorted(cell.scores.values_list("level", flat=True))
        adjudicate(cell, level=levels[0] + 1, reason=ADJUDICATION_REASON, actor=evaluator)


def _justification(level: int) -> str:
    if level >= 4:
        return "制度健全，有运行记录和成效数据佐证。"
    if level >= 2:
        return "已建立相关机制，但覆盖面和运行记录不足。"
    return "佐证材料不足，未见常态化运行。"


#: Steps that must work for a level under the default bands (of six steps).
PASSED_FOR_LEVEL = {5: 6, 4: 5, 3: 4, 2: 3, 1: 2, 0: 1}


def _steps(checklist: Checklist, level: int, rng: random.Random) -> list[RecordedStep]:
    """Six steps that earn `level`: the failing ones picked at random; now and then a failing
    timed step that did work, but after twice its limit (not in time for the citizen)."""
    count = len(checklist.steps)
    failing = set(rng.sample(range(count), count - min(count, PASSED_FOR_LEVEL[level])))
    steps = []
    for index, step in enumerate(checklist.steps):
        passes = index not in failing
        done, minutes, note = passes, None, ""
        if step.minutes is not None:
            limit = Decimal(str(step.minutes))
            if passes:
                minutes = (limit * Decimal(rng.randint(3, 9)) / 10).quantize(Decimal("0.5"))
            elif rng.random() < 0.5:
                done, minutes, note = True, limit * 2, "排队等候过长"
        steps.append(RecordedStep(position=index + 1, done=done, minutes=minutes, note=note))
    return steps


SHOPPING_NOTE = "按场景实地暗访，逐项记录办理情况。"
