"""Writes on indicator systems: load from JSON, validate, publish, copy to a new version."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import (
    Indicator,
    IndicatorSystem,
    LevelGate,
    MaturityLevel,
    ScoringRule,
    SystemStatus,
    ValueType,
)

DEFAULT_SYSTEM_PATH = Path(settings.BASE_DIR) / "fixtures" / "default-system.json"
#: Version 2 (sourced basis figures, applicability, the review's fixes): new rounds use it;
#: version 1 stays for the rounds scored with it.
DEFAULT_SYSTEM_V2_PATH = Path(settings.BASE_DIR) / "fixtures" / "default-system-v2.json"

# Which scoring rules make sense for which value types.
RULES_FOR_TYPE = {
    ValueType.PERCENT: {ScoringRule.GOALPOSTS, ScoringRule.BANDS, ScoringRule.PEER_PERCENTILE},
    ValueType.NUMBER: {ScoringRule.GOALPOSTS, ScoringRule.BANDS, ScoringRule.PEER_PERCENTILE},
    ValueType.COUNT: {ScoringRule.GOALPOSTS, ScoringRule.BANDS, ScoringRule.PEER_PERCENTILE},
    ValueType.YESNO: {ScoringRule.YESNO},
    ValueType.RUBRIC: {ScoringRule.RUBRIC, ScoringRule.BANDS},
}

_LEAF_FIELDS = (
    "value_type", "unit_zh", "unit_en", "direction", "min_value", "max_value", "rule", "floor",
    "target", "bands", "rubric", "checklist", "review_below", "review_above", "evidence_required",
    "source", "evidence_kinds", "evidence_note_zh", "evidence_note_en", "guidance_zh",
    "guidance_en", "basis", "applies_to", "policy_ref",
)  # fmt: skip


@dataclass(frozen=True)
class TreeRow:
    """One indicator as the admin and pages show it: depth, share among siblings, points."""

    indicator: Indicator
    depth: int
    share: float  # weight ÷ sum of sibling weights
    points: float  # share of 100 across the whole system


def tree_rows(system: IndicatorSystem) -> list[TreeRow]:
    """All indicators in pre-order with their sibling share and global points (one query)."""
    nodes = list(system.indicators.order_by("order", "code"))
    children: dict[int | None, list[Indicator]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    rows: list[TreeRow] = []

    def walk(parent_id: int | None, depth: int, parent_points: float) -> None:
        siblings = children.get(parent_id, [])
        total = sum(float(n.weight) for n in siblings) or 1.0
        for node in siblings:
            share = float(node.weight) / total
            rows.append(TreeRow(node, depth, share, parent_points * share))
            walk(node.pk, depth + 1, parent_points * share)

    walk(None, 0, 100.0)
    return rows


def leaf_points(system: IndicatorSystem) -> dict[str, float]:
    return {row.indicator.code: row.points for row in tree_rows(system) if row.indicator.is_leaf}


def validate_system(system: IndicatorSystem) -> list[str]:
    """Everything that must hold before a system can be published, as readable messages."""
    problems: list[str] = []
    nodes = list(system.indicators.all())
    if not nodes:
        return [_("The system has no indicators.")]
    has_children = {n.parent_id for n in nodes if n.parent_id}
    if not any(n.parent_id is None for n in nodes):
        problems.append(_("The system has no top-level area."))
    for node in nodes:
        if node.pk in has_children:
            if node.value_type:
                problems.append(
                    _("%(code)s has sub-indicators, so it cannot have a value type.")
                    % {"code": node.code}
                )
            continue
        problems.extend(_leaf_problems(node))
    levels = list(system.levels.order_by("order"))
    if not levels:
        problems.append(_("The system has no maturity levels."))
    for lower, higher in pairwise(levels):
        if higher.min_score <= lower.min_score:
            problems.append(
                _("Level %(higher)s must need a higher score than %(lower)s.")
                % {"higher": higher.code, "lower": lower.code}
            )
    return problems


def _leaf_problems(node: Indicator) -> list[str]:
    code = node.code
    if not node.value_type:
        return [_("%(code)s is a leaf but has no value type.") % {"code": code}]
    if node.rule not in RULES_FOR_TYPE[node.value_type]:
        return [_("%(code)s: the scoring rule does not suit its value type.") % {"code": code}]
    problems: list[str] = []
    if node.rule == ScoringRule.GOALPOSTS and (
        node.floor is None or node.target is None or node.floor == node.target
    ):
        problems.append(
            _("%(code)s: goalposts need a floor and a different target.") % {"code": code}
        )
    if node.rule == ScoringRule.BANDS:
        thresholds = [pair[0] for pair in node.bands] if node.bands else []
        if not thresholds or thresholds != sorted(thresholds):
            problems.append(_("%(code)s: bands need ascending thresholds.") % {"code": code})
    if node.value_type == ValueType.RUBRIC and len(node.rubric) != 6:
        problems.append(
            _("%(code)s: a rubric needs six level descriptions (L0–L5).") % {"code": code}
        )
    checklist = node.checklist_problem()
    if checklist:
        problems.append(f"{code}: {checklist}")
    return problems


@transaction.atomic
def system_publish(*, system: IndicatorSystem) -> IndicatorSystem:
    if system.status != SystemStatus.DRAFT:
        raise ValidationError(_("Only a draft system can be published."))
    problems = validate_system(system)
    if problems:
        raise ValidationError(problems)
    system.status = SystemStatus.PUBLISHED
    system.published_at = timezone.now()
    system.save(update_fields=["status", "published_at"])
    return system


@transaction.atomic
def system_new_version(*, system: IndicatorSystem) -> IndicatorSystem:
    """A draft copy of `system` (indicators, levels, gates) with the next version number."""
    latest = IndicatorSystem.objects.filter(code=system.code).aggregate(v=Max("version"))["v"]
    copy = IndicatorSystem.objects.create(
        code=system.code,
        version=(latest or 0) + 1,
        name_zh=system.name_zh,
        name_en=system.name_en,
        description_zh=system.description_zh,
        description_en=system.description_en,
        references=system.references,
        based_on=system,
    )
    new_ids: dict[int, Indicator] = {}
    for node in system.indicators.order_by("depth", "order"):
        old_pk = node.pk
        node.pk = None
        node.system = copy
        node.parent = new_ids[node.parent_id] if node.parent_id else None
        node.save()
        new_ids[old_pk] = node
    for level in system.levels.prefetch_related("gates"):
        gates = list(level.gates.all())
        level.pk = None
        level.system = copy
        level.save()
        for gate in gates:
            LevelGate.objects.create(
                level=level, indicator=new_ids[gate.indicator_id], min_score=gate.min_score
            )
    return copy


def load_system(data: dict[str, Any], *, publish: bool = True) -> tuple[IndicatorSystem, bool]:
    """Create a system from its JSON description; an existing code+version is left as it is."""
    existing = IndicatorSystem.objects.filter(code=data["code"], version=data["version"]).first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        system = IndicatorSystem.objects.create(
            code=data["code"],
            version=data["version"],
            name_zh=data["name_zh"],
            name_en=data.get("name_en", ""),
            description_zh=data.get("description_zh", ""),
            description_en=data.get("description_en", ""),
            references=data.get("references", []),
            changes=data.get("changes", []),
        )
        by_code: dict[str, Indicator] = {}
        counter = iter(range(1, 100_000))
        for node in data["nodes"]:
            _create_node(system, None, node, counter, by_code)
        for level in data.get("levels", []):
            _create_level(system, level, by_code)
        if publish:
            system_publish(system=system)
    return system, True


def load_system_file(path: Path = DEFAULT_SYSTEM_PATH, *, publish: bool = True):
    with open(path, encoding="utf-8") as handle:
        return load_system(json.load(handle), publish=publish)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _create_node(system, parent, data, counter, by_code) -> None:
    fields = {key: data[key] for key in _LEAF_FIELDS if key in data}
    for key in ("min_value", "max_value", "floor", "target", "review_below", "review_above"):
        if key in fields:
            fields[key] = _decimal(fields[key])
    node = Indicator(
        system=system,
        parent=parent,
        code=data["code"],
        name_zh=data["name_zh"],
        name_en=data.get("name_en", ""),
        weight=_decimal(data["weight"]),
        order=next(counter),
        **fields,
    )
    node.full_clean()
    node.save()
    by_code[node.code] = node
    for child in data.get("children", []):
        _create_node(system, node, child, counter, by_code)


def _create_level(system, data, by_code) -> None:
    level = MaturityLevel.objects.create(
        system=system,
        code=data["code"],
        name_zh=data["name_zh"],
        name_en=data.get("name_en", ""),
        order=data["order"],
        min_score=_decimal(data["min_score"]),
        gate_min_area=_decimal(data.get("gate_min_area")),
        color=data.get("color", "#6c757d"),
        description_zh=data.get("description_zh", ""),
        description_en=data.get("description_en", ""),
    )
    for gate in data.get("gates", []):
        LevelGate.objects.create(
            level=level, indicator=by_code[gate["indicator"]], min_score=_decimal(gate["min_score"])
        )
