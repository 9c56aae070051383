"""The expert panel on the administrator's round page (collection/round_page.py): whether the
round has one, how far it is, and the way to its page."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest

from assessment.collection.models import Round, RoundStatus
from assessment.collection.round_page import RoundSection
from assessment.panels.models import CellStatus, PanelCell
from assessment.panels.selectors import panel_of


def panel_section(request: HttpRequest, round_: Round) -> dict | None:
    if round_.status == RoundStatus.DRAFT:
        return None
    panel = panel_of(round_)
    counts = (
        PanelCell.objects.filter(panel=panel).aggregate(
            cells=Count("pk"),
            final=Count("pk", filter=Q(status=CellStatus.FINAL)),
            disputed=Count("pk", filter=Q(status=CellStatus.ADJUDICATION)),
        )
        if panel
        else None
    )
    return {"panel": panel, "counts": counts}


SECTION = RoundSection("panels/_round_panel.html", panel_section)
