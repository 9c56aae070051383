"""Automatic assignment tops cells up: a cell left short (by a hand assignment, an expert
removed, or more experts per cell asked for) gets exactly the missing experts, never one
already on it nor one at home in its region; full cells and the levels given stay; a cell
decided without adjudication is scored again; loads count the seats already held."""

from __future__ import annotations

import pytest
from django.db.models import Count
from django.utils import translation

from assessment.panels.models import CellStatus, ExpertScore, PanelCell, PanelEvent, PanelExpert
from assessment.panels.services import (
    PanelError,
    adjudicate,
    assign_automatically,
    assign_by_hand,
)
from tests.assessment.panels.builders import (
    BINJIANG,
    HAISHU,
    HANGZHOU,
    NINGBO,
    XIHU,
    closed_round,
    give,
    make_panel,
    own_score,
    rubric_codes,
    seat,
)
from tests.conftest import make_user

HOMES = {"expert-hz": HANGZHOU, "expert-nb": NINGBO, "expert-x": None}


@pytest.fixture
def round_(regions, default_system):
    return closed_round(default_system)


@pytest.fixture
def leaves(round_):
    return rubric_codes(round_)


@pytest.fixture
def panel(round_, leaves):
    return make_panel(round_, leaves, HOMES)


def experts_on(cell: PanelCell) -> set[str]:
    return set(cell.scores.values_list("expert__username", flat=True))


def cell_of(panel, region, code) -> PanelCell:
    return PanelCell.objects.get(panel=panel, region_id=region, indicator__code=code)


def loads(panel) -> dict[str, int]:
    rows = ExpertScore.objects.filter(cell__panel=panel).values("expert__username")
    return {row["expert__username"]: row["n"] for row in rows.annotate(n=Count("pk"))}


def test_a_short_cell_gets_the_missing_expert_an_empty_one_all_and_a_full_one_none(panel, leaves):
    code = leaves[0]
    by_hand = {"region_code": XIHU, "indicator_codes": [code], "actor": None}
    assign_by_hand(panel, expert=seat(panel, "expert-x"), **by_hand)  # 西湖区: 1 of 2
    give(own_score("expert-x", XIHU, code), 3)
    for name in ("expert-x", "expert-hz"):  # 海曙区: full, and decided
        assign_by_hand(panel, expert=seat(panel, name), **{**by_hand, "region_code": HAISHU})
        give(own_score(name, HAISHU, code), 2)
    haishu = cell_of(panel, HAISHU, code)
    assert haishu.status == CellStatus.FINAL and haishu.final_level == 2
    total = PanelCell.objects.filter(panel=panel).count()

    with translation.override("en"):
        assigned = assign_automatically(panel, actor=None)

    assert assigned == total - 1  # every cell but the full one
    xihu = cell_of(panel, XIHU, code)
    # The one missing: not the expert already on it, not 杭州's own expert.
    assert experts_on(xihu) == {"expert-x", "expert-nb"}
    kept = own_score("expert-x", XIHU, code)
    assert (kept.level, kept.justification, kept.version) == (3, "依据佐证材料", 1)
    assert xihu.status == CellStatus.SCORING
    haishu.refresh_from_db()  # untouched: its experts, levels and decision
    assert experts_on(haishu) == {"expert-x", "expert-hz"}
    assert (haishu.status, haishu.final_level) == (CellStatus.FINAL, 2)
    assert sorted(haishu.scores.values_list("level", flat=True)) == [2, 2]
    empty = cell_of(panel, BINJIANG, code)
    assert experts_on(empty) == {"expert-nb", "expert-x"}  # 2 new, none from 杭州
    seats = dict(PanelCell.objects.filter(panel=panel).annotate(n=Count("scores"))
                 .values_list("pk", "n"))  # fmt: skip
    assert set(seats.values()) == {2}
    for cell in PanelCell.objects.filter(panel=panel).prefetch_related("scores__expert"):
        names = {score.expert.username for score in cell.scores.all()}
        assert len(names) == 2
        assert not (cell.region_id.startswith("3301") and "expert-hz" in names)
        assert not (cell.region_id.startswith("3302") and "expert-nb" in names)
    event = PanelEvent.objects.filter(panel=panel, action=PanelEvent.Action.ASSIGNED).last()
    assert event.text == (
        f"{assigned} cells assigned automatically to 3 experts ({assigned - 1} had none; "
        "1 topped up to 2 experts each)."
    )
    assert assign_automatically(panel, actor=None) == 0  # nothing left to staff


def test_more_experts_per_cell_tops_every_cell_up_and_scores_decided_cells_again(round_, leaves):
    panel = make_panel(round_, leaves, {**HOMES, "expert-y": None})
    assign_automatically(panel, actor=None)
    for score in ExpertScore.objects.filter(cell__panel=panel):
        give(score, 2)
    assert not PanelCell.objects.filter(panel=panel).exclude(status=CellStatus.FINAL).exists()
    settled = cell_of(panel, XIHU, leaves[1])
    adjudicate(settled, level=4, reason="现场核查后认定", actor=None)
    before = {(s.cell_id, s.expert_id): s.level
              for s in ExpertScore.objects.filter(cell__panel=panel)}  # fmt: skip
    held = loads(panel)
    panel.experts_per_cell = 3
    panel.save()

    assert assign_automatically(panel, actor=None) == PanelCell.objects.filter(
        panel=panel).count() - 1  # fmt: skip

    for cell in PanelCell.objects.filter(panel=panel).exclude(pk=settled.pk):
        names = experts_on(cell)
        assert len(names) == 3
        assert not (cell.region_id.startswith("3301") and "expert-hz" in names)
        assert not (cell.region_id.startswith("3302") and "expert-nb" in names)
        # decided by the rule, not adjudicated: scored again, with the new expert's level
        assert (cell.status, cell.final_level, cell.decided_at) == (CellStatus.SCORING, None,
                                                                   None)  # fmt: skip
    settled.refresh_from_db()  # an adjudicated level is final: nobody added
    assert (settled.status, settled.final_level, settled.adjudicated) == (
        CellStatus.FINAL, 4, True)  # fmt: skip
    assert len(experts_on(settled)) == 2
    after = {(s.cell_id, s.expert_id): s.level
             for s in ExpertScore.objects.filter(cell__panel=panel)}  # fmt: skip
    assert all(after[key] == level for key, level in before.items())  # every level kept
    new = {key: level for key, level in after.items() if key not in before}
    assert len(new) == len(after) - len(before) and set(new.values()) == {None}
    # Balanced over the seats held before and the new ones.
    now = loads(panel)
    assert max(now.values()) - min(now.values()) <= 1
    assert sum(now.values()) - sum(held.values()) == len(new)
    # The cell's levels combine again once the new expert has scored.
    cell = cell_of(panel, HAISHU, leaves[0])
    newcomer = cell.scores.get(level__isnull=True)
    give(newcomer, 2)
    cell.refresh_from_db()
    assert (cell.status, cell.final_level) == (CellStatus.FINAL, 2)


def test_an_expert_removed_leaves_cells_that_the_next_assignment_fills(panel, leaves):
    assign_automatically(panel, actor=None)
    gone = seat(panel, "expert-x")
    gone.user.panel_scores.filter(cell__panel=panel).delete()  # as the setup page removes one
    gone.delete()
    short = set(PanelCell.objects.filter(panel=panel).annotate(n=Count("scores"))
                .filter(n__lt=2).values_list("pk", flat=True))  # fmt: skip
    assert short
    # 杭州's cells now have no eligible expert left for their second seat: said plainly, and
    # nothing is saved.
    seats = ExpertScore.objects.filter(cell__panel=panel).count()
    with pytest.raises(PanelError, match=rf"region '{HANGZHOU}'.*0 eligible .*1 needed"):
        assign_automatically(panel, actor=None)
    assert ExpertScore.objects.filter(cell__panel=panel).count() == seats
    PanelExpert.objects.create(panel=panel, user=make_user("expert-z"))
    assert assign_automatically(panel, actor=None) == len(short)
    counts = PanelCell.objects.filter(panel=panel).annotate(n=Count("scores"))
    assert set(counts.values_list("n", flat=True)) == {2}
    assert set(ExpertScore.objects.filter(cell__panel=panel, expert__username="expert-z")
               .values_list("cell_id", flat=True)) <= short  # fmt: skip
