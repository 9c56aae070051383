"""A region's profile: every node against its peers, extremes, level gates and history."""

from __future__ import annotations

import pytest

from assessment.dashboards.selectors.profile import region_profile
from assessment.regions.models import Region
from assessment.results.models import PeerStat, Result, ResultKind
from assessment.results.services.compute import compute_round
from indicators.engine import round_score
from tests.assessment.builders import fill_values, make_round

HANGZHOU = ["330100", "330102", "330105", "330106", "330108", "330109", "330110"]
NINGBO = ["330200", "330203", "330205"]


@pytest.fixture
def computed(regions, default_system):
    first = make_round(default_system, period="2024")
    fill_values(first, HANGZHOU + NINGBO)
    second = make_round(default_system, period="2025", previous=first)
    fill_values(second, HANGZHOU + NINGBO)
    compute_round(round_=first, with_sensitivity=False)
    compute_round(round_=second)
    return first, second


def published(value: float | None) -> float | None:
    return None if value is None else float(round_score(value, 2))


def test_every_node_is_shown_against_the_peer_median_and_best(computed):
    _, round_ = computed
    profile = region_profile(round_=round_, region=Region.objects.get(code="330106"))
    assert (len(profile.areas), len(profile.dimensions), len(profile.leaves)) == (4, 18, 43)
    stats = {s.indicator_id: s for s in PeerStat.objects.filter(round=round_, level="county")}
    own = {r.indicator_id: r for r in Result.objects.filter(round=round_, region_id="330106")}
    for item in [profile.overall, *profile.areas, *profile.dimensions, *profile.leaves]:
        pk = item.node.pk or None
        assert item.score == published(own[pk].score)
        assert item.median == published(stats[pk].median)
        assert item.best == published(stats[pk].best)
        assert item.peers == stats[pk].count == 8
        assert item.rank == own[pk].rank
    assert len(profile.tree()) == 18 + 43


def test_strongest_and_weakest_indicators_are_relative_to_the_peers(computed):
    _, round_ = computed
    profile = region_profile(round_=round_, region=Region.objects.get(code="330106"))
    assert len(profile.strongest) == len(profile.weakest) == 3
    gaps = sorted(leaf.gap for leaf in profile.leaves if leaf.gap is not None)
    assert [leaf.gap for leaf in profile.strongest] == gaps[::-1][:3]
    assert [leaf.gap for leaf in profile.weakest] == gaps[:3]
    assert not {s.node.code for s in profile.strongest} & {w.node.code for w in profile.weakest}


def test_leader_history_and_change(computed):
    first, round_ = computed
    profile = region_profile(round_=round_, region=Region.objects.get(code="330106"))
    best = (
        Result.objects.filter(
            round=round_, kind=ResultKind.OVERALL, region__level="county", score__isnull=False
        )
        .order_by("-score", "region_id")
        .first()
    )
    assert profile.leader.code == best.region_id
    assert set(profile.leader_areas) == {"DS", "SV", "BL", "PP"}
    assert [entry.round.pk for entry in profile.history] == [first.pk, round_.pk]
    earlier, now = profile.history
    assert now.change == pytest.approx(round(now.score - earlier.score, 2))
    assert now.rank_change == earlier.rank - now.rank
    assert profile.rank_low <= profile.overall.rank <= profile.rank_high


def test_the_gate_that_holds_the_level_back_is_explained(computed):
    _, round_ = computed
    overall = Result.objects.get(round=round_, region_id="330106", kind=ResultKind.OVERALL)
    levels = {level.code: level for level in round_.system.levels.all()}
    overall.level, overall.level_by_score = levels["L3"], levels["L4"]
    overall.gate_notes = [
        {"level": "L4", "kind": "area", "node": "BL", "required": 65.0, "actual": 62.0},
        {"level": "L4", "kind": "leaf", "node": "SV.4.2", "required": 80.0, "actual": None},
    ]
    overall.save()
    profile = region_profile(round_=round_, region=Region.objects.get(code="330106"))
    assert profile.held_back
    assert profile.gate_reasons == [
        "L4：领域 BL 得分 62.00 < 65（条块协同）",
        "L4：指标 SV.4.2 缺少数据（要求 ≥ 80）（差评按期整改率）",
    ]


def test_no_profile_without_results(regions, default_system):
    round_ = make_round(default_system)
    assert region_profile(round_=round_, region=Region.objects.get(code="330106")) is None
