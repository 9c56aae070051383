"""The sibling groups AHP can weight, what experts' judgements give, and writing the weights.

Stored weights keep the group's total (a system whose weights read as points keeps doing
so): each member gets its AHP share of the total, in units of 0.0001 (the field's precision),
by the largest remainder so that they add up to the total exactly, and never below 0.0001.
The total is kept between 1 and 10,000 so that four decimals hold the AHP precision and every
weight fits the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators.engine.ahp import (
    MAX_SIZE,
    GroupPriorities,
    Judgement,
    group_priorities,
    inconsistent_judgements,
    scale_label,
)
from indicators.models import Indicator, IndicatorSystem
from indicators.services import tree_rows

AREAS = "areas"
UNIT = Decimal("0.0001")
LOWEST_TOTAL, HIGHEST_TOTAL = Decimal(1), Decimal(10_000)
SHOWN_JUDGEMENTS = 3  # inconsistent comparisons named on the page

GROUP_CHANGED = _(
    "The indicators of this group changed since the page was shown; "
    "check the comparisons and calculate again."
)
NOT_CONSISTENT = _(
    "The weights were not applied: the judgements are not consistent enough (CR ≥ 0.1)."
)


@dataclass(frozen=True)
class SiblingGroup:
    """Indicators with the same parent (None: the areas), in tree order, and the parent's
    points of 100 in the system."""

    key: str
    parent: Indicator | None
    members: tuple[Indicator, ...]
    parent_points: float

    @property
    def label(self) -> str:
        if self.parent is None:
            return gettext("Areas (top level, %(count)d)") % {"count": len(self.members)}
        return gettext("%(code)s %(name)s: its %(count)d sub-indicators") % {
            "code": self.parent.code,
            "name": self.parent.name,
            "count": len(self.members),
        }

    @property
    def signature(self) -> str:
        """The members' ids in order: a form posted for another membership is refused."""
        return ",".join(str(member.pk) for member in self.members)


@dataclass(frozen=True)
class WeightRow:
    indicator: Indicator
    share: float  # current share among the siblings
    points: float  # current points of 100
    new_share: float  # the AHP weight
    new_points: float
    stored: Decimal  # what "apply" writes

    @property
    def percent(self) -> float:
        return 100 * self.share

    @property
    def new_percent(self) -> float:
        return 100 * self.new_share


@dataclass(frozen=True)
class NamedJudgement:
    """A comparison with the two indicators it compares (``first`` is row i)."""

    judgement: Judgement
    first: Indicator
    second: Indicator
    experts: tuple[str, ...] = ()  # each expert's own judgement of the pair (group only)

    @property
    def judged(self) -> str:
        return scale_label(self.judgement.judged)

    @property
    def suggested(self) -> str:
        return scale_label(self.judgement.suggested)


@dataclass(frozen=True)
class ExpertCheck:
    number: int  # 1-based
    cr: float
    consistent: bool
    worst: NamedJudgement


@dataclass(frozen=True, eq=False)
class AhpOutcome:
    group: SiblingGroup
    result: GroupPriorities
    rows: tuple[WeightRow, ...]
    experts: tuple[ExpertCheck, ...]
    inconsistent: tuple[NamedJudgement, ...]  # the group's worst comparisons, when CR ≥ 0.1

    @property
    def consistent(self) -> bool:
        return self.result.consistent


def ahp_groups(system: IndicatorSystem) -> list[SiblingGroup]:
    """Every sibling group of 2 … 15 indicators, the areas first, then in tree order (one
    query)."""
    rows = tree_rows(system)
    members: dict[int | None, list[Indicator]] = {}
    for row in rows:
        members.setdefault(row.indicator.parent_id, []).append(row.indicator)
    parents: list[tuple[str, Indicator | None, float]] = [(AREAS, None, 100.0)]
    parents += [(str(row.indicator.pk), row.indicator, row.points) for row in rows]
    return [
        SiblingGroup(key, parent, tuple(members[parent.pk if parent else None]), points)
        for key, parent, points in parents
        if 2 <= len(members.get(parent.pk if parent else None, ())) <= MAX_SIZE
    ]


def ahp_outcome(*, group: SiblingGroup, matrices: Sequence[np.ndarray]) -> AhpOutcome:
    """The experts' aggregated weights for ``group``, how they change its points, and which
    judgements are inconsistent."""
    result = group_priorities(matrices)
    members = group.members
    current = [float(member.weight) for member in members]
    total = sum(current) or 1.0
    stored = stored_weights(result.group.weights.tolist(), group_total(members))
    rows = tuple(
        WeightRow(member, weight / total, group.parent_points * weight / total, float(new),
                  group.parent_points * float(new), kept)
        for member, weight, new, kept in zip(
            members, current, result.group.weights, stored, strict=True)
    )  # fmt: skip
    experts = tuple(
        ExpertCheck(k, own.cr, own.consistent, _named(inconsistent_judgements(m)[0], members))
        for k, (own, m) in enumerate(zip(result.experts, matrices, strict=True), start=1)
    )
    shown = () if result.consistent else result.judgements[:SHOWN_JUDGEMENTS]
    inconsistent = tuple(_named(judgement, members, matrices) for judgement in shown)
    return AhpOutcome(group, result, rows, experts, inconsistent)


def _named(
    judgement: Judgement, members: Sequence[Indicator], matrices: Sequence[np.ndarray] = ()
) -> NamedJudgement:
    i, j = judgement.i, judgement.j
    own = tuple(scale_label(matrix[i, j]) for matrix in matrices)
    return NamedJudgement(judgement, members[i], members[j], own)


def group_total(members: Sequence[Indicator]) -> Decimal:
    total = sum((member.weight for member in members), Decimal(0))
    return min(max(total, LOWEST_TOTAL), HIGHEST_TOTAL).quantize(UNIT, rounding=ROUND_DOWN)


def stored_weights(shares: Sequence[float], total: Decimal) -> list[Decimal]:
    """``shares`` (summing to 1) of ``total`` in units of 0.0001 that add up to ``total``
    exactly (largest remainder), none below one unit."""
    units_total = int(total / UNIT)
    raw = [share * units_total for share in shares]
    units = [max(1, int(value)) for value in raw]
    by_remainder = sorted(range(len(raw)), key=lambda k: (int(raw[k]) - raw[k], k))
    missing = units_total - sum(units)
    for k in by_remainder[: max(missing, 0)]:
        units[k] += 1
    while missing < 0:  # a share raised to one unit is taken back from the largest weight
        units[units.index(max(units))] -= 1
        missing += 1
    return [Decimal(count) * UNIT for count in units]


@transaction.atomic
def ahp_apply(*, system: IndicatorSystem, outcome: AhpOutcome) -> list[Indicator]:
    """Write the outcome's weights into the draft ``system`` (the system row is locked while
    it is checked and written). ValidationError when the system is no longer a draft, the
    group changed, or the judgements are not consistent."""
    locked = IndicatorSystem.objects.select_for_update().get(pk=system.pk)
    if not locked.is_editable:
        raise locked.locked_error()
    if not outcome.consistent:
        raise ValidationError(NOT_CONSISTENT, code="not_consistent")
    group = outcome.group
    parent_id = group.parent.pk if group.parent else None
    members = list(
        Indicator.objects.filter(system=locked, parent_id=parent_id)
        .select_related("system", "parent")
        .order_by("order", "code")
    )
    if [member.pk for member in members] != [member.pk for member in group.members]:
        raise ValidationError(GROUP_CHANGED, code="group_changed")
    for member, row in zip(members, outcome.rows, strict=True):
        member.weight = row.stored
        member.save(update_fields=["weight"])
    return members
