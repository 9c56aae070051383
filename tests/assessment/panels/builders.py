"""Building expert panels for tests: a closed round of Zhejiang (11 cities and 90 counties)
with the regions' own levels, a panel of its first rubric indicators, experts at home in a
region (or nowhere), and scoring as an expert does."""

from __future__ import annotations

from decimal import Decimal

from assessment.collection.models import RoundStatus
from assessment.panels.models import ExpertScore, Panel, PanelExpert
from assessment.panels.services import score_cell
from indicators.models import ValueType
from tests.assessment.builders import fill_values, make_round
from tests.conftest import make_user

XIHU, BINJIANG, HAISHU = "330106", "330108", "330203"
HANGZHOU, NINGBO = "330100", "330200"


def closed_round(system):
    round_ = make_round(system, status=RoundStatus.CLOSED)
    own = {ValueType.RUBRIC: Decimal(4), ValueType.YESNO: Decimal(1),
           ValueType.PERCENT: Decimal(90)}  # fmt: skip
    fill_values(round_, [XIHU, BINJIANG, HAISHU],
                value=lambda region, leaf: own.get(leaf.value_type, Decimal(10)))  # fmt: skip
    return round_


def rubric_codes(round_, count: int = 2) -> list[str]:
    return list(
        round_.system.indicators.filter(value_type=ValueType.RUBRIC)
        .order_by("order")
        .values_list("code", flat=True)[:count]
    )


def make_panel(round_, codes: list[str], homes: dict[str, str | None], *, per_cell: int = 2,
               **extra) -> Panel:  # fmt: skip
    """A panel with one expert per `homes` entry (username: home region code or None)."""
    panel = Panel.objects.create(round=round_, indicator_codes=codes, experts_per_cell=per_cell,
                                 **extra)  # fmt: skip
    for username, home in homes.items():
        PanelExpert.objects.create(panel=panel, user=make_user(username), home_region_id=home)
    return panel


def seat(panel, username: str) -> PanelExpert:
    return PanelExpert.objects.select_related("user").get(panel=panel, user__username=username)


def own_score(username: str, region: str, code: str) -> ExpertScore:
    return ExpertScore.objects.get(expert__username=username, cell__region_id=region,
                                   cell__indicator__code=code)  # fmt: skip


def give(score: ExpertScore, level: int) -> None:
    """The expert scores the cell (with the version their page showed)."""
    score.refresh_from_db()
    score_cell(score, level=level, justification="依据佐证材料", version=score.version,
               actor=score.expert)  # fmt: skip
