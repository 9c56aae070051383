"""What the panel pages read: an expert's queue, one cell with the region's evidence, progress,
agreement between experts, the adjudication queue, a region's panel levels."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, F, Q

from assessment.collection.models import Evidence, Submission, Value
from assessment.collection.services.values import canonical
from assessment.panels.models import CellStatus, ExpertScore, Panel, PanelCell
from assessment.regions.access import is_administrator, own_region_codes, visibility_filter
from assessment.regions.models import Role
from indicators.engine.reliability import agreement, krippendorff_alpha, rater_deviation
from indicators.models import Indicator, ValueType


def panel_of(round_) -> Panel | None:
    return Panel.objects.filter(round=round_).first()


def rubric_leaves(round_) -> list[Indicator]:
    """The round's indicators a panel may score: rubric levels L0–L5."""
    return list(
        Indicator.objects.filter(system_id=round_.system_id, value_type=ValueType.RUBRIC).order_by(
            "order"
        )
    )


def expert_queue(user):
    """The expert's assignments, those still to score first (a queryset, for a paginator)."""
    return (
        ExpertScore.objects.filter(expert=user)
        .select_related("cell__region", "cell__indicator", "cell__panel__round")
        .order_by(
            F("scored_at").asc(nulls_first=True), "cell__panel__round_id", "cell__region_id",
            "cell__indicator__order",
        )
    )  # fmt: skip


def queue_counts(user) -> tuple[int, int]:
    """(assigned, scored) of the expert, over every round."""
    counts = ExpertScore.objects.filter(expert=user).aggregate(
        assigned=Count("pk"), scored=Count("pk", filter=Q(scored_at__isnull=False))
    )
    return counts["assigned"], counts["scored"]


@dataclass
class CellContext:
    """What an expert (or adjudicator) sees of the region for one cell."""

    submission: Submission | None
    self_level: str
    self_note: str
    evidence: list[Evidence]


def cell_context(cell: PanelCell) -> CellContext:
    """The region's own level, note and evidence for the cell's indicator (three queries)."""
    submission = Submission.objects.filter(
        round_id=cell.panel.round_id, region_id=cell.region_id
    ).first()
    if submission is None:
        return CellContext(None, "", "", [])
    value = Value.objects.filter(submission=submission, indicator_id=cell.indicator_id).first()
    evidence = list(
        Evidence.objects.filter(submission=submission, indicator_id=cell.indicator_id).order_by(
            "pk"
        )
    )
    return CellContext(
        submission,
        canonical(value.value) if value and value.value is not None else "",
        value.note if value else "",
        evidence,
    )


@dataclass
class ProgressRow:
    key: str
    label: str
    assigned: int = 0
    scored: int = 0
    final: int = 0
    adjudication: int = 0
    deviation: float | None = None  # experts: mean level above (+) or below the others'
    overdue: int = 0  # cells not scored by the panel's date
    alpha: float | None = None  # indicators: Krippendorff's alpha, ordinal (None: undefined)
    exact: float | None = None  # ... share of pairs of levels in a cell that are equal
    adjacent: float | None = None  # ... at most one level apart

    @property
    def percent(self) -> int:
        return round(100 * self.scored / self.assigned) if self.assigned else 0


@dataclass
class PanelOverview:
    by_expert: list[ProgressRow] = field(default_factory=list)
    by_indicator: list[ProgressRow] = field(default_factory=list)
    cells: int = 0
    adjudication: int = 0
    final: int = 0


def panel_overview(panel: Panel) -> PanelOverview:
    """Progress per expert and per indicator, and agreement per indicator (four queries: the
    scores are read once, in long format, and pivoted in NumPy)."""
    overview = PanelOverview()
    statuses = dict(
        PanelCell.objects.filter(panel=panel)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    overview.cells = sum(statuses.values())
    overview.adjudication = statuses.get(CellStatus.ADJUDICATION, 0)
    overview.final = statuses.get(CellStatus.FINAL, 0)
    experts: dict[int, ProgressRow] = {}
    leaves: dict[str, ProgressRow] = {}
    names = {leaf.code: leaf.name for leaf in rubric_leaves(panel.round)}
    rows = ExpertScore.objects.filter(cell__panel=panel).values_list(
        "expert_id", "expert__username", "cell_id", "cell__indicator__code", "cell__status",
        "level",
    )  # fmt: skip
    levels: dict[str, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    seen_cells: dict[str, set[int]] = defaultdict(set)
    for expert_id, username, cell_id, code, status, level in rows.iterator(chunk_size=5000):
        expert = experts.setdefault(expert_id, ProgressRow(str(expert_id), username))
        leaf = leaves.setdefault(code, ProgressRow(code, names.get(code, code)))
        expert.assigned += 1
        if cell_id not in seen_cells[code]:
            seen_cells[code].add(cell_id)
            leaf.assigned += 1
            leaf.final += int(status == CellStatus.FINAL)
            leaf.adjudication += int(status == CellStatus.ADJUDICATION)
        if level is not None:
            expert.scored += 1
            levels[code][cell_id][expert_id] = level
    for code, leaf in leaves.items():
        leaf.scored = sum(1 for c in seen_cells[code] if levels[code].get(c))
    if panel.overdue:
        for row in experts.values():
            row.overdue = row.assigned - row.scored
    overview.by_expert = sorted(experts.values(), key=lambda r: r.label)
    overview.by_indicator = [leaves[c] for c in names if c in leaves]
    all_cells: dict[int, dict[int, int]] = {}
    for code in names:
        if code not in levels:
            continue
        data = _matrix(levels[code])
        exact, adjacent = agreement(data)
        alpha = krippendorff_alpha(data)
        leaves[code].alpha, leaves[code].exact, leaves[code].adjacent = (
            _defined(alpha),
            _defined(exact),
            _defined(adjacent),
        )
        all_cells.update({(code, c): v for c, v in levels[code].items()})
    if all_cells:
        data = _matrix(all_cells)
        ids = sorted({e for cell in all_cells.values() for e in cell})
        deviation = dict(zip(ids, rater_deviation(data).tolist(), strict=True))
        for row in overview.by_expert:
            row.deviation = _defined(deviation.get(int(row.key), float("nan")))
    return overview


def _defined(value: float) -> float | None:
    return None if value != value else float(value)  # NaN: undefined (too few pairs)


def _matrix(cells: dict) -> np.ndarray:
    """Raters × units levels (NaN: the expert did not score the cell), raters by id."""
    raters = sorted({e for cell in cells.values() for e in cell})
    index = {e: i for i, e in enumerate(raters)}
    data = np.full((len(raters), len(cells)), np.nan)
    for j, cell in enumerate(cells.values()):
        for expert_id, level in cell.items():
            data[index[expert_id], j] = level
    return data


def adjudication_queue(user, round_=None):
    """Cells whose experts disagree, in regions the user evaluates (not their own)."""
    cells = PanelCell.objects.filter(status=CellStatus.ADJUDICATION)
    if not is_administrator(user):
        cells = cells.filter(visibility_filter(user, field="region__code",
                                               roles=[Role.EVALUATOR]))  # fmt: skip
    cells = cells.exclude(region_id__in=own_region_codes(user))
    if round_ is not None:
        cells = cells.filter(panel__round=round_)
    return cells.select_related("region", "indicator", "panel__round").order_by(
        "panel__round_id", "region_id", "indicator__order"
    )


@dataclass(frozen=True)
class PanelLevel:
    """A region's panel indicator on its profile: its own level beside the panel's."""

    indicator: Indicator
    self_level: str
    final_level: int | None
    adjudicated: bool
    experts: int


def region_panel(round_, region_code: str) -> list[PanelLevel]:
    """The region's panel cells with their final levels (two queries; none without a panel)."""
    cells = list(
        PanelCell.objects.filter(panel__round=round_, region_id=region_code)
        .select_related("indicator")
        .annotate(experts=Count("scores"))
        .order_by("indicator__order")
    )
    if not cells:
        return []
    own = dict(
        Value.objects.filter(
            submission__round=round_, submission__region_id=region_code,
            indicator_id__in=[c.indicator_id for c in cells],
        ).values_list("indicator_id", "value")
    )  # fmt: skip
    return [
        PanelLevel(c.indicator, canonical(own.get(c.indicator_id)) or "—", c.final_level,
                   c.adjudicated, c.experts)
        for c in cells
    ]  # fmt: skip
