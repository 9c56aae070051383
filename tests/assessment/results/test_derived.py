"""What the compute step derives for the pages: peer statistics, and the ranking read model
(Standing) with the progress race it carries."""

from __future__ import annotations

import statistics
from itertools import pairwise

import numpy as np
import pytest

from assessment.collection.models import Value
from assessment.regions.models import Region
from assessment.results.models import PeerStat, Result, ResultKind, Standing
from assessment.results.models.standings import area_fields
from assessment.results.services.compute import compute_round
from assessment.results.services.standings import Overall, progress
from indicators.services import system_new_version
from tests.assessment.builders import fill_values, make_round

HANGZHOU = ["330100", "330102", "330105", "330106", "330108", "330109", "330110"]
NINGBO = ["330200", "330203", "330205"]


def overall(round_id: int, scores: dict[str, float | None], precision: int = 2) -> Overall:
    codes = list(scores)
    return Overall(
        round_id=round_id,
        precision=precision,
        codes=codes,
        scores=np.array([np.nan if s is None else s for s in scores.values()]),
        ranks=np.arange(1, len(codes) + 1, dtype=float),
    )


def as_dict(race, codes) -> dict[str, tuple]:
    """region → (previous score, change, progress rank)."""

    def value(number: float):
        return None if number != number else float(number)

    return {
        code: (value(score), value(change), value(rank))
        for code, score, change, rank in zip(
            codes, race.previous_scores, race.changes, race.change_ranks, strict=True
        )
    }


def test_change_is_taken_between_published_scores_and_ranked_within_the_level():
    # Two cities and three counties; the previous round has a county the new one lacks.
    before = overall(1, {"330100": 80.004, "330200": 70.0, "330102": 50.0, "330105": 60.0,
                          "330106": 60.0, "330108": 40.0})  # fmt: skip
    now = overall(2, {"330100": 80.006, "330200": 75.5, "330102": 55.0, "330105": 65.0,
                       "330106": 58.0, "330109": 90.0})  # fmt: skip
    peers = np.array([1, 1, 2, 2, 2, 2])
    rows = as_dict(progress(current=now, previous=before, peers=peers), now.codes)
    # 80.004 → 80.00 and 80.006 → 80.01: the published scores differ by 0.01.
    assert rows["330100"] == (80.0, 0.01, 2)
    assert rows["330200"] == (70.0, 5.5, 1)
    # Counties: +5 and +5 share rank 1, −2 is third; a region new this round has no change.
    assert rows["330102"][1:] == (5.0, 1)
    assert rows["330105"][1:] == (5.0, 1)
    assert rows["330106"][1:] == (-2.0, 3)
    assert rows["330109"] == (None, None, None)


def test_change_uses_each_rounds_own_precision():
    before = overall(1, {"330102": 60.25}, precision=1)  # published as 60.3
    now = overall(2, {"330102": 61.0}, precision=2)  # published as 61.00
    rows = as_dict(progress(current=now, previous=before, peers=np.array([2])), now.codes)
    assert rows["330102"][1] == pytest.approx(0.7)


@pytest.fixture
def two_rounds(regions, default_system):
    first = make_round(default_system, period="2024")
    fill_values(first, HANGZHOU + NINGBO)
    second = make_round(default_system, period="2025", previous=first)
    fill_values(second, HANGZHOU + NINGBO)
    return first, second


def test_peer_statistics_match_the_stored_results(two_rounds):
    _, round_ = two_rounds
    compute_round(round_=round_, with_sensitivity=False)
    for level in ("city", "county"):
        rows = Result.objects.filter(
            round=round_, kind=ResultKind.LEAF, region__level=level, score__isnull=False
        )
        by_node: dict[int, list[tuple[float, str]]] = {}
        for result in rows:
            by_node.setdefault(result.indicator_id, []).append((result.score, result.region_id))
        stats = {s.indicator_id: s for s in PeerStat.objects.filter(round=round_, level=level)}
        for node, scored in by_node.items():
            scores = [score for score, _ in scored]
            stat = stats[node]
            assert stat.count == len(scores)
            assert stat.median == pytest.approx(statistics.median(scores), abs=1e-6)
            assert stat.mean == pytest.approx(statistics.fmean(scores), abs=1e-6)
            assert stat.best == pytest.approx(max(scores), abs=1e-6)
            best_codes = sorted(code for score, code in scored if score == max(scores))
            assert stat.best_region_id == best_codes[0]
    # One row per (level, node): 66 nodes (overall included) for cities and for counties.
    assert PeerStat.objects.filter(round=round_).count() == 2 * 66
    overall = PeerStat.objects.get(round=round_, level="county", indicator=None)
    assert overall.kind == ResultKind.OVERALL and overall.count == 8  # 6 Hangzhou + 2 Ningbo


def test_the_read_model_holds_what_the_results_say(two_rounds):
    """One standing per region: the overall result as published, its ranks and interval, its
    levels, and each area's score and rank in the system's order."""
    first, _ = two_rounds
    compute_round(round_=first)
    results = {r.region_id: r for r in Result.objects.filter(round=first, kind=0)}
    areas = {
        (r.region_id, r.indicator.code): r
        for r in Result.objects.filter(round=first, kind=1).select_related("indicator")
    }
    standings = {s.region_id: s for s in Standing.objects.filter(round=first)}
    assert set(standings) == set(results) and len(standings) == 101
    for code, standing in standings.items():
        result = results[code]
        assert standing.score == (None if result.score is None else round(result.score, 2))
        assert (standing.rank, standing.rank_in_parent) == (result.rank, result.rank_in_parent)
        assert (standing.rank_low, standing.rank_high) == (result.rank_low, result.rank_high)
        assert (standing.maturity_id, standing.maturity_by_score_id) == (
            result.level_id, result.level_by_score_id)  # fmt: skip
        assert standing.held_back == (result.level_id != result.level_by_score_id)
        assert standing.region_level == ("city" if code.endswith("00") else "county")
        for slot, area in enumerate(("DS", "SV", "BL", "PP")):
            score_field, rank_field = area_fields(slot)
            area_result = areas[(code, area)]
            expected = None if area_result.score is None else round(area_result.score, 2)
            assert getattr(standing, score_field) == expected
            assert getattr(standing, rank_field) == area_result.rank
        assert standing.area_5 is None and standing.area_6 is None  # four areas only
    assert Standing.objects.get(round=first, region_id="330106").parent_id == "330100"


def test_the_read_model_names_each_region_and_its_parent_as_computed(two_rounds):
    """Names are written with the standings (pages and reports join no divisions): the
    region's and its parent's, whatever characters they hold (COPY's text format escapes a
    backslash, tab and line break); a rename shows once the round is computed again."""
    first, _ = two_rounds
    odd = "西湖\\区\t(旧)\n名\r称"
    Region.objects.filter(code="330100").update(name=odd)
    compute_round(round_=first, with_sensitivity=False)
    names = dict(Region.objects.values_list("code", "name"))
    standings = list(Standing.objects.filter(round=first))
    assert len(standings) == 101
    for standing in standings:
        assert standing.name == names[standing.region_id]
        assert standing.parent_name == (names[standing.parent_id] if standing.parent_id else "")
    assert Standing.objects.get(round=first, region_id="330106").parent_name == odd
    Region.objects.filter(code="330106").update(name="西湖新区")
    assert Standing.objects.get(round=first, region_id="330106").name == "西湖区"  # as computed
    compute_round(round_=first, with_sensitivity=False)
    assert Standing.objects.get(round=first, region_id="330106").name == "西湖新区"


def test_progress_race_is_stored_against_the_previous_round(two_rounds):
    first, second = two_rounds
    compute_round(round_=first, with_sensitivity=False)
    compute_round(round_=second, with_sensitivity=False)
    changes = {s.region_id: s for s in Standing.objects.filter(round=second)}
    before = {r.region_id: r for r in Result.objects.filter(round=first, kind=0)}
    now = {r.region_id: r for r in Result.objects.filter(round=second, kind=0)}
    for code in HANGZHOU + NINGBO:
        change = changes[code]
        assert change.previous_round_id == first.pk
        assert change.previous_rank == before[code].rank
        assert change.rank_change == before[code].rank - now[code].rank
        expected = round(round(now[code].score, 2) - round(before[code].score, 2), 2)
        assert change.change == pytest.approx(expected, abs=1e-9)
    counties = sorted(
        (c for c in changes.values() if c.change is not None and c.region_id[4:] != "00"),
        key=lambda c: -c.change,
    )
    assert counties[0].change_rank == 1
    assert all(a.change_rank <= b.change_rank for a, b in pairwise(counties))
    assert second.compute_notes["compared_with"] == first.pk


def test_recomputing_the_previous_round_refreshes_the_progress_race(two_rounds):
    first, second = two_rounds
    compute_round(round_=second, with_sensitivity=False)  # the previous round has no results
    assert not Standing.objects.filter(round=second, previous_round__isnull=False).exists()
    compute_round(round_=first, with_sensitivity=False)
    assert Standing.objects.filter(round=second, change__isnull=False).count() == 10
    second.refresh_from_db()
    assert second.compute_notes["compared_with"] == first.pk
    Value.objects.filter(submission__round=first, submission__region_id="330106").update(value=0)
    compute_round(round_=first, with_sensitivity=False)
    worse_before = Standing.objects.get(round=second, region_id="330106")
    assert worse_before.change > 30  # from almost nothing to a normal score
    assert Standing.objects.filter(round=second).count() == 101  # updated, not added


def test_no_progress_race_without_a_comparable_previous_round(regions, default_system):
    first = make_round(default_system, period="2024")
    fill_values(first, HANGZHOU)
    compute_round(round_=first, with_sensitivity=False)
    other_system = system_new_version(system=default_system)
    second = make_round(other_system, period="2025", previous=first)
    fill_values(second, HANGZHOU)
    compute_round(round_=second, with_sensitivity=False)
    assert not Standing.objects.filter(round=second, previous_round__isnull=False).exists()
    standalone = make_round(default_system, period="2026")
    fill_values(standalone, HANGZHOU)
    compute_round(round_=standalone, with_sensitivity=False)
    assert not Standing.objects.filter(round=standalone, change__isnull=False).exists()
    assert standalone.compute_notes["compared_with"] is None


def test_a_failed_computation_keeps_the_previous_figures(two_rounds, monkeypatch):
    first, second = two_rounds
    compute_round(round_=first, with_sensitivity=False)
    compute_round(round_=second, with_sensitivity=False)
    stats_before = sorted(PeerStat.objects.filter(round=second).values_list("median", flat=True))
    standings_before = sorted(
        Standing.objects.filter(round=second).values_list("region_id", "score", "change")
    )

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("assessment.results.services.compute.replace_standings", broken)
    Value.objects.filter(submission__round=second).update(value=1)
    with pytest.raises(RuntimeError):
        compute_round(round_=second, with_sensitivity=False)
    assert sorted(PeerStat.objects.filter(round=second).values_list("median", flat=True)) == (
        stats_before
    )
    assert (
        sorted(Standing.objects.filter(round=second).values_list("region_id", "score", "change"))
        == standings_before
    )
