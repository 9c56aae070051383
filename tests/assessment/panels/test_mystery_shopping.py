"""Mystery shopping (暗访体验): an expert scores SV.5.1 (适老化、无障碍与帮办代办) by trying the
service as an older citizen would, step by step; the level follows from the steps by the
indicator's stored rule; screenshots follow the evidence rules and stay blind to the other
expert; the adjudicator sees every expert's steps."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.collection.models import RoundStatus
from assessment.panels.models import (
    CellStatus,
    ChecklistStep,
    ExpertScore,
    Panel,
    PanelCell,
    PanelExpert,
    StepScreenshot,
)
from assessment.panels.services import assign_automatically
from indicators.models import Indicator, SystemStatus, ValueType
from indicators.services import validate_system
from tests.assessment.builders import fill_values, make_round
from tests.assessment.files import PDF_BYTES, PNG_BYTES
from tests.conftest import make_user

XIHU = "330106"
CODE = "SV.5.1"


@pytest.fixture
def round_(regions, default_system):
    round_ = make_round(default_system, status=RoundStatus.CLOSED)
    fill_values(round_, [XIHU], value=lambda region, leaf: Decimal(3) if leaf.value_type ==
                ValueType.RUBRIC else Decimal(50))  # fmt: skip
    return round_


@pytest.fixture
def experts(regions):
    return [make_user("shopper-1"), make_user("shopper-2")]


@pytest.fixture
def scores(round_, experts):
    panel = Panel.objects.create(round=round_, indicator_codes=[CODE], experts_per_cell=2)
    for user in experts:
        PanelExpert.objects.create(panel=panel, user=user)
    assign_automatically(panel, actor=experts[0])
    cell = PanelCell.objects.get(panel=panel, region_id=XIHU)
    return [ExpertScore.objects.get(cell=cell, expert=user) for user in experts]


def steps(*outcomes, **extra) -> dict:
    """The form's data: each outcome "yes" / "no" / "yes:12" (worked, 12 minutes)."""
    data = {"justification": "按场景实地体验", "version": "0", **extra}
    for position, outcome in enumerate(outcomes, 1):
        done, _, minutes = outcome.partition(":")
        data[f"done_{position}"] = done
        data[f"minutes_{position}"] = minutes
        data[f"note_{position}"] = ""
    return data


def url(score) -> str:
    return reverse("assessment:panel_score", args=[score.pk])


def test_the_default_system_scores_sv_5_1_by_a_checklist(default_system):
    leaf = Indicator.objects.get(system=default_system, code=CODE)
    checklist = leaf.mystery_shopping
    assert checklist is not None and len(checklist.steps) == 6
    assert "老年人" in checklist.scenario_zh
    assert [s.minutes for s in checklist.steps if s.minutes] == [5, 20]  # 12345, the hall
    assert validate_system(default_system) == []


def test_the_expert_records_the_steps_and_the_level_follows(client, scores, experts):
    mine = scores[0]
    client.force_login(experts[0])
    page = client.get(url(mine)).content.decode()
    assert 'data-testid="scenario"' in page and "老年人" in page
    assert 'name="level"' not in page  # the level is not chosen: it follows from the steps
    assert all(f'data-testid="step-{n}"' in page for n in range(1, 7))
    response = client.post(url(mine), steps("yes", "yes", "yes:3", "yes:15", "yes", "yes"))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.level == 5 and mine.version == 1
    saved = list(ChecklistStep.objects.filter(score=mine).order_by("position"))
    assert [s.done for s in saved] == [True] * 6 and saved[2].minutes == Decimal("3.0")
    # Again, with the hall taking 35 minutes (limit 20) and no elder mode: 4 of 6 → L3.
    client.post(url(mine), steps("no", "yes", "yes:3", "yes:35", "yes", "yes", version="1"))
    mine.refresh_from_db()
    assert mine.level == 3
    page = client.get(reverse("assessment:panel_queue")).content.decode()
    assert 'data-testid="mystery-shopping"' in page  # marked in the queue


def test_a_timed_step_needs_its_minutes_and_nothing_is_lost(client, scores, experts):
    mine = scores[0]
    client.force_login(experts[0])
    response = client.post(url(mine), steps("yes", "yes", "yes", "yes:10", "no", "no"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "5 分钟" in page  # the limit of step 3, which has no minutes
    assert 'value="10"' in page or 'value="10.0"' in page  # what was typed is still there
    mine.refresh_from_db()
    assert mine.level is None and not ChecklistStep.objects.filter(score=mine).exists()
    missing = steps("yes", "yes", "yes:3", "yes:10", "no")  # step 6 not answered
    response = client.post(url(mine), missing)
    assert response.status_code == 400 and "请说明该步骤是否办通" in response.content.decode()


def test_screenshots_follow_the_evidence_rules_and_stay_blind(
    client, scores, experts, evaluator_zhejiang
):
    mine = scores[0]
    client.force_login(experts[0])
    data = steps("yes", "yes", "yes:2", "yes:5", "no", "no")
    data["screenshot_4"] = SimpleUploadedFile("hall.png", PNG_BYTES, content_type="image/png")
    assert client.post(url(mine), data).status_code == 302
    shot = StepScreenshot.objects.get(score=mine)
    assert shot.position == 4 and shot.original_name == "hall.png"
    download = reverse("assessment:panel_step_screenshot", args=[shot.pk])
    assert client.get(download).status_code == 200
    # a PDF is not a screenshot: refused, and the saved one stays
    data = steps("yes", "yes", "yes:2", "yes:5", "no", "no", version="1")
    data["screenshot_4"] = SimpleUploadedFile("hall.pdf", PDF_BYTES, content_type="image/png")
    response = client.post(url(mine), data)
    assert response.status_code == 400 and "PNG" in response.content.decode()
    assert StepScreenshot.objects.filter(score=mine).count() == 1
    # the other expert of the cell does not see it; the adjudicator does
    client.force_login(experts[1])
    assert client.get(download).status_code == 404
    client.force_login(evaluator_zhejiang)
    assert client.get(download).status_code == 200


def test_distant_checklists_go_to_adjudication_with_every_experts_steps(
    client, scores, experts, evaluator_zhejiang
):
    mine, theirs = scores
    client.force_login(experts[0])
    client.post(url(mine), steps("yes", "yes", "yes:2", "yes:5", "yes", "yes"))  # L5
    client.force_login(experts[1])
    client.post(url(theirs), steps("no", "yes", "no", "yes:45", "no", "yes"))  # 2 of 6: L1
    cell = PanelCell.objects.get(pk=mine.cell_id)
    assert cell.status == CellStatus.ADJUDICATION
    client.force_login(evaluator_zhejiang)
    page = client.get(reverse("assessment:panel_adjudicate", args=[cell.pk])).content.decode()
    assert page.count('data-testid="expert-steps"') == 2
    assert "超时" in page and "45" in page  # the hall took 45 minutes against 20
    assert 'data-testid="checklist-rule"' in page


def test_a_checklist_belongs_on_a_level_indicator_only(default_system):
    leaf = Indicator.objects.get(system=default_system, code="SV.5.2")  # a percentage
    leaf.checklist = {"scenario_zh": "体验", "steps": [{"zh": "打开移动端"}]}
    assert "L0–L5" in leaf.checklist_problem()
    leaf.system.status = SystemStatus.DRAFT  # a published system refuses every change anyway
    with pytest.raises(ValidationError) as error:
        leaf.clean()
    assert "checklist" in error.value.message_dict
    broken = Indicator.objects.get(system=default_system, code=CODE)
    broken.checklist = {"scenario_zh": "体验", "steps": []}
    assert broken.checklist_problem().startswith("检查单无法读取")
    assert broken.mystery_shopping is None
    Indicator.objects.filter(pk=broken.pk).update(checklist=broken.checklist)
    assert any(p.startswith(f"{CODE}: 检查单无法读取") for p in validate_system(default_system))


@pytest.mark.parametrize(
    ("field", "value"),
    [("minutes_3", "²"), ("minutes_3", "١٢"), ("minutes_3", "1e309"), ("minutes_3", "-1"),
     ("minutes_3", "99999999"), ("note_2", "x" * 1_000_000), ("justification", "a\x00b"),
     ("done_1", "maybe"), ("version", "²")],
)  # fmt: skip
def test_bad_input_is_a_form_error_and_saves_nothing(client, scores, experts, field, value):
    mine = scores[0]
    client.force_login(experts[0])
    data = steps("yes", "yes", "yes:3", "yes:15", "yes", "yes")
    data[field] = value
    response = client.post(url(mine), data)
    assert response.status_code == 400
    assert "按场景实地体验" in response.content.decode() or field == "justification"
    mine.refresh_from_db()
    assert mine.level is None and not ChecklistStep.objects.filter(score=mine).exists()
