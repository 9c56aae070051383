"""The demo seed: Zhejiang rounds and users, idempotent."""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.auth import get_user_model

from assessment.collection.models import Round, Submission, Value
from assessment.demo.demo import DEMO_PASSWORD, seed_demo
from assessment.panels.models import CellStatus, ChecklistStep, ExpertScore, Panel, PanelCell
from assessment.rectification.models import Practice, RectificationTask, TaskEvent
from assessment.regions.models import Membership
from assessment.results.models import Result, ResultFlag, Standing
from assessment.verification.models import Verification
from indicators.engine.checklist import StepResult, checklist_level


def snapshot() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "memberships": Membership.objects.count(),
        "rounds": Round.objects.count(),
        "submissions": Submission.objects.count(),
        "values": Value.objects.count(),
        "tasks": RectificationTask.objects.count(),
        "task_events": TaskEvent.objects.count(),
        "practices": Practice.objects.count(),
        "verifications": Verification.objects.count(),
    }


@pytest.mark.django_db
def test_seed_builds_the_demo_and_is_idempotent():
    seed_demo()
    first = snapshot()
    seed_demo()
    assert snapshot() == first
    # admin, evaluator, supervisors; staff; experts; department staff
    assert first["users"] == 4 + 101 + 4 + 2
    assert first["rounds"] == 4


@pytest.mark.django_db
def test_demo_users_log_in_with_their_roles(client):
    logins = seed_demo()
    assert {"admin", "evaluator", "supervisor", "supervisor-330100", "staff-330106"} <= {
        login.username for login in logins
    }
    User = get_user_model()
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="staff-330106").check_password(DEMO_PASSWORD)
    assert Membership.objects.get(user__username="supervisor-330100").region_id == "330100"
    assert Membership.objects.get(user__username="staff-330106").role == "staff"
    response = client.post("/accounts/login/", {"username": "evaluator", "password": DEMO_PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_past_rounds_are_complete_and_varied_and_2026_is_open():
    seed_demo()
    for period in ("2024", "2025"):
        round_ = Round.objects.get(period=period)
        assert round_.status == "published"
        subs = Submission.objects.filter(round=round_)
        assert subs.count() == 101 and set(subs.values_list("status", flat=True)) == {"approved"}
        assert Value.objects.filter(submission__round=round_).count() == 101 * 43
    current = Round.objects.get(period="2026")
    assert current.status == "open" and current.previous.period == "2025"
    statuses = Counter(Submission.objects.filter(round=current).values_list("status", flat=True))
    assert statuses["draft"] >= 3 and statuses["not_started"] > 80
    # Values differ between regions and between years (so rankings are interesting).
    hangzhou = Value.objects.filter(submission__region_id="330100", indicator__code="SV.3.1")
    lishui = Value.objects.filter(submission__region_id="331100", indicator__code="SV.3.1")
    assert set(hangzhou.values_list("value", flat=True)) != set(
        lishui.values_list("value", flat=True)
    )
    assert len(set(hangzhou.values_list("value", flat=True))) == 2


@pytest.mark.django_db
def test_a_nationwide_round_takes_every_region_of_its_levels(regions, default_system):
    national = Round.objects.create(
        system=default_system,
        name="全国",
        period="2026",
        scope=None,
        levels=["province", "city", "county"],
    )
    assert national.participating_regions().count() == 3214  # no exclusions: every region
    assert national.scope_name == "全国"


@pytest.mark.django_db
def test_the_2025_round_has_tasks_in_several_states_and_shared_practices():
    seed_demo()
    round_ = Round.objects.get(period="2025")
    statuses = Counter(
        RectificationTask.objects.filter(round=round_).values_list("status", flat=True)
    )
    assert set(statuses) == {"open", "in_progress", "done", "verified", "reopened"}
    assert statuses["open"] > 1000  # every weak node of 101 regions
    practices = Counter(Practice.objects.filter(round=round_).values_list("status", flat=True))
    assert practices == {"approved": 2, "pending": 1}
    # 西湖区's staff (a named demo login) has tasks to look at
    assert RectificationTask.objects.filter(round=round_, region_id="330106").exists()


@pytest.mark.django_db
def test_the_2025_round_was_verified_with_one_value_overstated():
    seed_demo()
    round_ = Round.objects.get(period="2025")
    verified = Verification.objects.filter(submission__round=round_)
    assert sorted(set(verified.values_list("submission__region_id", flat=True))) == [
        "330106",
        "330281",
        "331126",
    ]
    assert verified.filter(corrected=True).count() == 4
    leaves = Result.objects.filter(round=round_, indicator__isnull=False).exclude(
        indicator__value_type=""
    )
    overstated = [r for r in leaves if r.flags & ResultFlag.OVERSTATED]
    assert [(r.region_id, r.indicator.code, r.score) for r in overstated] == [
        ("330106", "DS.1.1", 0)
    ]
    # The flag is carried up to 西湖区's total, which the ranking shows with the score effect.
    standing = Standing.objects.get(round=round_, region_id="330106")
    assert standing.flags & ResultFlag.OVERSTATED
    assert (standing.corrected, standing.overstated) == (2, 1) and standing.verification_effect < 0
    assert round_.compute_notes["overstated"] == 1


@pytest.mark.django_db
def test_the_2025_round_has_an_expert_panel_with_adjudicated_cells():
    seed_demo()
    round_ = Round.objects.get(period="2025")
    panel = Panel.objects.get(round=round_)
    cells = PanelCell.objects.filter(panel=panel)
    assert cells.count() == 101 * len(panel.indicator_codes) == 303
    assert not cells.exclude(status=CellStatus.FINAL).exists()  # compute could run
    adjudicated = cells.filter(adjudicated=True)
    assert 1 <= adjudicated.count() <= 5
    assert adjudicated.filter(region__code="330106").exists()
    # Nobody scored their own region (expert-1 is at home in 杭州).
    assert not ExpertScore.objects.filter(
        expert__username="expert-1", cell__region__code__startswith="3301"
    ).exists()
    # Compute used the panel's levels.
    assert round_.compute_notes["panel_levels"] == 303
    # SV.5.1 was scored by mystery shopping: six steps per expert score, the level theirs.
    shopped = ExpertScore.objects.filter(cell__panel=panel, cell__indicator__code="SV.5.1")
    assert shopped.count() == 101 * 2
    assert ChecklistStep.objects.filter(score__in=shopped).count() == 101 * 2 * 6
    checklist = shopped.first().cell.indicator.mystery_shopping
    for score in shopped.prefetch_related("steps")[:20]:
        results = [StepResult(s.done, s.minutes and float(s.minutes)) for s in score.steps.all()]
        assert checklist_level(checklist, results).level == score.level


@pytest.mark.django_db
def test_a_round_is_in_its_appeal_window_with_appeals_in_every_state():
    from assessment.appeals.models import Appeal, DepartmentTask
    from assessment.appeals.services import window_is_open

    seed_demo()
    round_ = Round.objects.get(period="2026H1")
    assert round_.is_provisional and window_is_open(round_)
    appeals = Appeal.objects.filter(round=round_)
    assert set(appeals.values_list("status", flat=True)) == {"open", "accepted", "rejected"}
    assert set(appeals.values_list("outcome", flat=True)) == {"", "corrected", "exempted"}
    tasks = DepartmentTask.objects.filter(round=round_)
    assert tasks.values("department").distinct().count() == 2
    assert set(tasks.values_list("status", flat=True)) == {"open", "resolved"}
    assert round_.compute_notes["exempted"] > 0
    exempt = Result.objects.filter(round=round_, region_id="330105", indicator__code="BL.1.1")
    assert exempt.get().flags & ResultFlag.EXEMPT


@pytest.mark.django_db
def test_published_demo_rounds_were_computed_before_they_were_published():
    seed_demo()
    for round_ in Round.objects.filter(status="published"):
        assert round_.computed_at is not None and round_.computed_at < round_.published_at
    schemes = Round.objects.get(period="2025").classifications.values_list("code", flat=True)
    assert set(schemes) == {"zj-mountain-26", "zj-city-type"}
    assert Round.objects.get(period="2026").system.version == 2
