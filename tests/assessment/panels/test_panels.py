"""Expert panels (专家评审): an administrator sets a round's panel up and assigns experts; each
expert scores their own cells blind to the others; close levels combine by the panel's rule,
distant ones are adjudicated by an evaluator; compute uses the panel's level and the profile
shows it beside the region's own."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment.collection.models import RoundStatus
from assessment.panels.models import (
    CellStatus,
    ExpertScore,
    Panel,
    PanelCell,
    PanelEvent,
    PanelExpert,
)
from assessment.panels.services import PanelError, assign_automatically, score_cell
from assessment.results.models import Result
from assessment.results.services.compute import ComputeError, compute_round
from indicators.models import ValueType
from tests.assessment.builders import fill_values, make_round
from tests.conftest import make_user

XIHU, BINJIANG, HAISHU = "330106", "330108", "330203"
HANGZHOU = "330100"


@pytest.fixture
def round_(regions, default_system):
    round_ = make_round(default_system, status=RoundStatus.CLOSED)
    # The regions' own levels: L4 everywhere (and plain values elsewhere).
    own = {
        ValueType.RUBRIC: Decimal(4),
        ValueType.YESNO: Decimal(1),
        ValueType.PERCENT: Decimal(90),
    }
    fill_values(round_, [XIHU, BINJIANG, HAISHU],
                value=lambda region, leaf: own.get(leaf.value_type, Decimal(10)))  # fmt: skip
    return round_


@pytest.fixture
def leaves(round_):
    return list(
        round_.system.indicators.filter(value_type=ValueType.RUBRIC)
        .order_by("order")
        .values_list("code", flat=True)[:2]
    )


@pytest.fixture
def experts(regions):
    return [
        make_user("expert-hz", first_name="杭州专家"),
        make_user("expert-nb"),
        make_user("expert-x"),
    ]


@pytest.fixture
def panel(round_, leaves, experts):
    panel = Panel.objects.create(round=round_, indicator_codes=leaves, experts_per_cell=2)
    homes = [HANGZHOU, "330200", None]
    for user, home in zip(experts, homes, strict=True):
        PanelExpert.objects.create(panel=panel, user=user, home_region_id=home)
    return panel


def own_score(user, region, code) -> ExpertScore:
    return ExpertScore.objects.get(expert=user, cell__region_id=region, cell__indicator__code=code)


def score_all(panel, level_of):
    """Every expert scores every cell: `level_of(expert username, region code)`."""
    for score in ExpertScore.objects.filter(cell__panel=panel).select_related("expert", "cell"):
        level = level_of(score.expert.username, score.cell.region_id)
        score_cell(score, level=level, justification="依据佐证材料", version=score.version,
                   actor=score.expert)  # fmt: skip


def test_automatic_assignment_staffs_every_cell_and_keeps_experts_off_their_region(panel, leaves):
    cells = assign_automatically(panel, actor=None)
    regions = panel.round.participating_regions().count()
    assert cells == regions * len(leaves) == PanelCell.objects.filter(panel=panel).count()
    for cell in PanelCell.objects.filter(panel=panel).prefetch_related("scores__expert"):
        names = {score.expert.username for score in cell.scores.all()}
        assert len(names) == 2
        if cell.region_id.startswith("3301"):
            assert "expert-hz" not in names  # 杭州 and everything below it
        if cell.region_id.startswith("3302"):
            assert "expert-nb" not in names
    loads = [ExpertScore.objects.filter(expert__username=u).count()
             for u in ("expert-hz", "expert-nb", "expert-x")]  # fmt: skip
    assert sum(loads) == 2 * cells
    # Assigning again touches nothing: every cell has its experts.
    assert assign_automatically(panel, actor=None) == 0


def test_too_few_experts_is_said_plainly(panel):
    panel.experts_per_cell = 4
    panel.save()
    with pytest.raises(PanelError, match="4"):
        assign_automatically(panel, actor=None)


def test_close_levels_combine_and_distant_ones_wait_for_adjudication(
    client, panel, leaves, experts, evaluator_zhejiang
):
    assign_automatically(panel, actor=None)
    # L3 and L4 in 西湖区 (median of two: the lower), L1 and L5 in 滨江区.
    score_all(panel, lambda user, region: {XIHU: 3, BINJIANG: 1}.get(region, 2)
              if user != "expert-x" else {XIHU: 4, BINJIANG: 5}.get(region, 2))  # fmt: skip
    xihu = PanelCell.objects.get(panel=panel, region_id=XIHU, indicator__code=leaves[0])
    binjiang = PanelCell.objects.get(panel=panel, region_id=BINJIANG, indicator__code=leaves[0])
    levels = sorted(xihu.scores.values_list("level", flat=True))
    assert xihu.status == CellStatus.FINAL and xihu.final_level == levels[0]
    spread = sorted(binjiang.scores.values_list("level", flat=True))
    assert (binjiang.status == CellStatus.ADJUDICATION) is (spread[-1] - spread[0] >= 2)
    disputed = PanelCell.objects.filter(panel=panel, status=CellStatus.ADJUDICATION).first()
    assert disputed is not None
    client.force_login(evaluator_zhejiang)
    queue = client.get(reverse("assessment:panel_adjudication")).content.decode()
    assert f"adjudicate-{disputed.region_id}-{disputed.indicator.code}" in queue
    page = client.get(reverse("assessment:panel_adjudicate", args=[disputed.pk])).content.decode()
    assert page.count("依据佐证材料") == 2  # every expert's justification
    reason = "两位专家分歧较大，按现场核查材料认定"
    response = client.post(reverse("assessment:panel_adjudicate", args=[disputed.pk]),
                           {"level": "3", "reason": reason})  # fmt: skip
    assert response.status_code == 302
    disputed.refresh_from_db()
    assert (disputed.status, disputed.final_level, disputed.adjudicated) == (
        CellStatus.FINAL, 3, True)  # fmt: skip
    assert disputed.adjudicated_by == evaluator_zhejiang
    assert PanelEvent.objects.filter(cell=disputed, action="adjudicated", level=3).exists()
    # An adjudicated level is final: the experts cannot change it any more.
    score = disputed.scores.first()
    with pytest.raises(PanelError):
        score_cell(score, level=5, justification="改", version=score.version, actor=score.expert)


def test_an_expert_sees_only_their_cells_and_nobody_elses_level(client, panel, experts, leaves):
    assign_automatically(panel, actor=None)
    hz, other = experts[0], experts[2]
    client.force_login(hz)
    queue = client.get(reverse("assessment:panel_queue")).content.decode()
    assert f"panel-cell-{HAISHU}-" in queue and f"panel-cell-{XIHU}-" not in queue
    mine = ExpertScore.objects.filter(expert=hz).first()
    theirs = ExpertScore.objects.filter(cell=mine.cell).exclude(expert=hz).get()
    score_cell(theirs, level=5, justification="他人理由", version=0, actor=theirs.expert)
    page = client.get(reverse("assessment:panel_score", args=[mine.pk])).content.decode()
    assert "他人理由" not in page and 'data-testid="expert-levels"' not in page
    assert 'data-testid="self-level"' in page  # the round shows experts the region's own level
    assert client.get(reverse("assessment:panel_score", args=[theirs.pk])).status_code == 404
    panel.show_self_assessment = False
    panel.save()
    page = client.get(reverse("assessment:panel_score", args=[mine.pk])).content.decode()
    assert 'data-testid="self-level"' not in page
    # Scoring: a level and a justification, or the form says what is missing.
    url = reverse("assessment:panel_score", args=[mine.pk])
    bad = client.post(url, {"level": "7", "justification": "", "version": "0"})
    assert bad.status_code == 400 and not ExpertScore.objects.get(pk=mine.pk).scored_at
    assert client.post(url, {"level": "2", "justification": "材料不全", "version": "0"}
                       ).status_code == 302  # fmt: skip
    stale = client.post(url, {"level": "3", "justification": "再评", "version": "0"})
    assert stale.status_code == 302 and ExpertScore.objects.get(pk=mine.pk).level == 2
    # Nobody else may adjudicate as an expert: the cell is out of their reach.
    client.force_login(other)
    assert (
        client.get(reverse("assessment:panel_adjudicate", args=[mine.cell_id])).status_code == 404
    )


def test_compute_waits_for_the_panel_then_scores_its_levels(
    client, panel, leaves, experts, staff_xihu
):
    assign_automatically(panel, actor=None)
    with pytest.raises(ComputeError, match=rf"\b{3 * len(leaves)}\b"):  # cells still open
        compute_round(round_=panel.round, with_sensitivity=False)
    score_all(panel, lambda user, region: 1)  # the panel: L1 everywhere (own: L4)
    compute_round(round_=panel.round, with_sensitivity=False)
    leaf = Result.objects.get(round=panel.round, region_id=XIHU, indicator__code=leaves[0])
    other = Result.objects.get(round=panel.round, region_id=XIHU, indicator__code="DS.1.1")
    assert leaf.score == pytest.approx(20)  # L1 × 20, not the region's own L4
    assert other.score > 0
    assert panel.round.__class__.objects.get(pk=panel.round.pk).compute_notes[
        "panel_levels"] == 3 * len(leaves)  # fmt: skip
    round_ = panel.round
    round_.status = RoundStatus.PUBLISHED
    round_.save()
    client.force_login(staff_xihu)
    page = client.get(reverse("assessment:profile", args=[round_.pk, XIHU])).content.decode()
    row = page.split(f'data-testid="panel-level-{leaves[0]}"')[1].split("</tr>")[0]
    assert "L4" in row and "L1" in row


def test_only_administrators_set_a_panel_up_and_a_published_one_needs_a_reason(
    client, round_, leaves, administrator, supervisor_zhejiang, evaluator_zhejiang, staff_xihu
):
    url = reverse("assessment:panel_setup", args=[round_.pk])
    data = {"indicator_codes": leaves, "experts_per_cell": "2", "rule": "median", "spread": "2",
            "show_self_assessment": "on"}  # fmt: skip
    for user in (supervisor_zhejiang, evaluator_zhejiang, staff_xihu):
        client.force_login(user)
        assert client.post(url, data).status_code == 403
    client.force_login(administrator)
    assert client.post(url, {**data, "experts_per_cell": "9"}).status_code == 400
    assert client.post(url, {**data, "indicator_codes": ["DS.1.1"]}).status_code == 400
    assert client.post(url, data).status_code == 302
    assert Panel.objects.get(round=round_).indicator_codes == leaves
    round_.status = RoundStatus.PUBLISHED
    round_.save()
    refused = client.post(url, {**data, "spread": "3"})
    assert refused.status_code == 400 and Panel.objects.get(round=round_).spread == 2
    assert client.post(url, {**data, "spread": "3", "reason": "复核后统一标准"}).status_code == 302
    assert PanelEvent.objects.filter(text="复核后统一标准").exists()


def test_the_expert_queue_and_the_panel_page_take_the_same_queries_for_more_cells(
    client, panel, experts, administrator, leaves
):
    assign_automatically(panel, actor=None)
    client.force_login(experts[2])
    queue = reverse("assessment:panel_queue")
    client.get(queue)
    with CaptureQueriesContext(connection) as few:
        client.get(queue)
    client.force_login(administrator)
    setup = reverse("assessment:panel_setup", args=[panel.round.pk])
    client.get(setup)
    with CaptureQueriesContext(connection) as setup_few:
        client.get(setup)
    score_all(panel, lambda user, region: 2)
    PanelExpert.objects.create(panel=panel, user=make_user("expert-4"))
    with CaptureQueriesContext(connection) as setup_more:
        client.get(setup)
    assert len(setup_more) == len(setup_few)
    client.force_login(experts[2])
    client.get(queue)
    with CaptureQueriesContext(connection) as more:
        assert client.get(queue, {"page": "2"}).status_code == 200
    assert len(more) == len(few)


def test_an_administrator_assigns_an_expert_by_hand_within_the_rules(
    client, panel, experts, administrator, leaves
):
    client.force_login(administrator)
    url = reverse("assessment:panel_hand_assign", args=[panel.round.pk])
    hz_seat = PanelExpert.objects.get(panel=panel, user=experts[0])
    x_seat = PanelExpert.objects.get(panel=panel, user=experts[2])
    # 杭州's own expert is never given 杭州's regions, even by hand.
    assert client.post(url, {"expert": hz_seat.pk, "region": HANGZHOU}).status_code == 302
    assert not ExpertScore.objects.filter(expert=experts[0]).exists()
    response = client.post(url, {"expert": x_seat.pk, "region": XIHU, "indicators": [leaves[0]]})
    assert response.status_code == 302
    assert list(ExpertScore.objects.filter(expert=experts[2]).values_list(
        "cell__region_id", "cell__indicator__code")) == [(XIHU, leaves[0])]  # fmt: skip
    assert client.post(url, {"expert": x_seat.pk, "region": "999999"}).status_code == 400
    # The automatic assignment later tops the cell up: the hand-assigned expert keeps the
    # seat and one more joins (tests/assessment/panels/test_topup.py).
    assign_automatically(panel, actor=None)
    cell = PanelCell.objects.get(panel=panel, region_id=XIHU, indicator__code=leaves[0])
    assert set(cell.scores.values_list("expert__username", flat=True)) == {"expert-x",
                                                                         "expert-nb"}  # fmt: skip


def test_an_indicator_taken_off_the_panel_is_scored_from_its_own_level_again(panel, leaves):
    assign_automatically(panel, actor=None)
    score_all(panel, lambda user, region: 1)
    panel.indicator_codes = leaves[1:]
    panel.save()
    compute_round(round_=panel.round, with_sensitivity=False)
    off = Result.objects.get(round=panel.round, region_id=XIHU, indicator__code=leaves[0])
    on = Result.objects.get(round=panel.round, region_id=XIHU, indicator__code=leaves[1])
    assert (off.score, on.score) == (pytest.approx(80), pytest.approx(20))  # own L4, panel L1


def test_cells_not_scored_by_the_panels_date_are_overdue_for_the_expert_and_the_administrator(
    client, panel, experts, administrator
):
    assign_automatically(panel, actor=None)
    score = ExpertScore.objects.filter(expert=experts[2]).first()
    score_cell(score, level=2, justification="按期完成", version=0, actor=experts[2])
    client.force_login(experts[2])
    queue = reverse("assessment:panel_queue")
    assert 'data-testid="overdue"' not in client.get(queue).content.decode()
    panel.due_at = timezone.now() - timedelta(hours=1)
    panel.save()
    page = client.get(queue).content.decode()
    assigned = ExpertScore.objects.filter(expert=experts[2]).count()
    assert page.count('data-testid="overdue"') == min(assigned - 1, 50)  # one page of them
    client.force_login(administrator)
    setup = client.get(reverse("assessment:panel_setup", args=[panel.round.pk])).content.decode()
    cell = setup.split('data-testid="overdue-expert-x"')[1].split("</td>")[0]
    assert f">{assigned - 1}<" in cell
    # The date is set on the panel's form (a browser's date-time field).
    data = {"indicator_codes": panel.indicator_codes, "experts_per_cell": "2", "rule": "median",
            "spread": "2", "due_at": "2026-12-31T18:00"}  # fmt: skip
    client.post(reverse("assessment:panel_setup", args=[panel.round.pk]), data)
    panel.refresh_from_db()
    assert timezone.localtime(panel.due_at).strftime("%Y-%m-%d %H:%M") == "2026-12-31 18:00"
