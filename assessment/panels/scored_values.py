"""What compute takes from a panel: the final level of each cell of the approved submissions,
in place of the region's own level; and whether any such cell is not final yet."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from assessment.collection.models import SubmissionStatus
from assessment.panels.models import CellStatus, Panel, PanelCell


@dataclass(frozen=True)
class PanelInput:
    levels: list[tuple[str, str, int]]  # (region code, indicator code, final level)
    adjudicated: int
    open_cells: int  # cells of approved submissions still being scored
    disputed: int  # ... waiting for adjudication


def panel_input(round_) -> PanelInput | None:
    """None when the round has no panel (one query); otherwise two more. Cells of indicators
    taken off the panel since they were made do not count."""
    panel = Panel.objects.filter(round=round_).first()
    if panel is None:
        return None
    cells = PanelCell.objects.filter(panel=panel, indicator__code__in=panel.indicator_codes)
    approved = cells.filter(
        region__submissions__round=round_, region__submissions__status=SubmissionStatus.APPROVED
    )
    counts = approved.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=CellStatus.SCORING)),
        disputed=Count("pk", filter=Q(status=CellStatus.ADJUDICATION)),
        adjudicated=Count("pk", filter=Q(adjudicated=True)),
    )
    if not counts["total"]:
        return None
    levels = list(
        approved.filter(status=CellStatus.FINAL).values_list(
            "region_id", "indicator__code", "final_level"
        )
    )
    return PanelInput(levels, counts["adjudicated"], counts["open"], counts["disputed"])
