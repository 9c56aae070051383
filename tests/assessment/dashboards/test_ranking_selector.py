"""The ranking selector on small hand-made results (tests/assessment/dashboards/conftest.py)."""

from __future__ import annotations

from django.db.models import Q

from assessment.collection.models import Round
from assessment.dashboards.selectors.ranking import (
    RACE_PROGRESS,
    Comparison,
    RankingQuery,
    as_race,
    ranking,
)
from assessment.results.access import ranking_visibility
from assessment.results.models import Result, ResultKind
from tests.assessment.builders import make_round
from tests.assessment.dashboards.builders import hand_results, refresh_progress

EVERYONE = Q()


def read(round_: Round, *, visibility: Q = EVERYONE, **filters):
    return ranking(query=RankingQuery(round=round_, **filters), visibility=visibility)


def codes(result) -> list[str]:
    return [row.code for row in result.rows]


def test_level_race_ranks_peers_of_one_level_with_rank_changes(rounds):
    _, second = rounds
    counties = read(second, level="county")
    assert codes(counties) == ["330102", "330105", "330106", "330203", "330108"]
    by_code = {row.code: row for row in counties.rows}
    assert by_code["330102"].rank == 1 and by_code["330102"].rank_change == 1  # 2 → 1
    assert by_code["330105"].rank_change == -1  # 1 → 2
    assert by_code["330106"].rank_change == 0
    assert (by_code["330105"].rank_low, by_code["330105"].rank_high) == (1, 3)
    assert by_code["330108"].score is None and by_code["330108"].missing
    assert by_code["330108"].rank is None and by_code["330108"].change is None
    assert by_code["330102"].areas == {"DS": 90.0, "SV": 60.0, "BL": 70.0, "PP": 55.0}
    cities = read(second, level="city")
    assert codes(cities) == ["330100", "330200"]
    assert [row.change for row in cities.rows] == [2.0, 9.5]
    assert counties.comparison == Comparison.OK and counties.previous.period == "2024"


def test_progress_race_orders_by_the_change_and_ties_share_the_best_rank(rounds):
    first, second = rounds
    result = read(second, level="county", race=RACE_PROGRESS)
    assert codes(result) == ["330102", "330106", "330203", "330105", "330108"]
    assert [row.key_rank for row in result.rows] == [1, 2, 3, 4, None]
    assert [row.key_score for row in result.rows] == [10.0, 8.0, 5.0, 1.0, None]
    # 海曙区 also gains 8 points: it ties with 西湖区 for second place; the next is fourth.
    hand_results(first, {**_results(first), "330203": (42.0, 4, "L2")})  # 45 − 42 = +3
    hand_results(first, {**_results(first), "330203": (37.0, 4, "L2")})  # 45 − 37 = +8
    refresh_progress(second)
    tied = read(second, level="county", race=RACE_PROGRESS)
    assert [(row.code, row.key_rank) for row in tied.rows[:4]] == [
        ("330102", 1),
        ("330106", 2),
        ("330203", 2),
        ("330105", 4),
    ]


def _results(round_: Round) -> dict:
    return {
        r.region_id: (r.score, r.rank, r.level.code if r.level else None)
        for r in round_.results.filter(kind=0).select_related("level")
    }


def test_level_distribution_counts_each_round_of_the_filtered_set(rounds):
    first, second = rounds
    result = read(second, level="county")
    levels = {level.code: level.pk for level in result.levels}
    assert [r.pk for r, _ in result.distribution] == [first.pk, second.pk]
    before, now = (counts for _, counts in result.distribution)
    assert before == {levels["L3"]: 2, levels["L2"]: 2}
    assert now == {levels["L3"]: 2, levels["L2"]: 2, None: 1}
    hangzhou = read(second, level="county", parent="330100")
    assert dict(hangzhou.distribution[-1][1]) == {levels["L3"]: 2, levels["L2"]: 1, None: 1}


def test_filters_by_parent_maturity_level_and_area(rounds):
    _, second = rounds
    assert codes(read(second, level="county", parent="330200")) == ["330203"]
    assert codes(read(second, level="county", maturity="L2")) == ["330106", "330203"]
    by_ds = read(second, level="county", rank_by="DS")
    assert [row.key_score for row in by_ds.rows[:4]] == [90.0, 70.0, 50.0, 40.0]
    assert [row.key_rank for row in by_ds.rows] == [1, 2, 3, 4, None]
    assert not by_ds.shows_intervals and read(second, level="county").shows_intervals


def test_sorting_any_column_keeps_regions_without_a_value_last(rounds):
    _, second = rounds
    rows = read(second, level="county").rows
    assert [r.code for r in rows.sorted_by("-area_SV")] == [
        "330105", "330102", "330106", "330203", "330108"]  # fmt: skip
    assert [r.code for r in rows.sorted_by("score")][-1] == "330108"
    assert [r.code for r in rows.sorted_by("-change")][:2] == ["330102", "330106"]
    assert rows.sorted_by("rank_change")[0].code == "330105"
    assert rows.sorted_by("no_such_column") == rows
    sorted_by_query = read(second, level="county", sort="-area_SV")
    assert codes(sorted_by_query)[0] == "330105"


def test_area_scores_and_ranks_per_region_with_gaps(rounds):
    """Area results are placed per region and area; a missing one reads as None, and a
    region's results never land on another region (cities share the counties' code range)."""
    _, second = rounds
    sv = Result.objects.get(
        round=second, region_id="330102", kind=ResultKind.AREA, indicator__code="SV"
    )
    Result.objects.filter(pk=sv.pk).delete()
    Result.objects.filter(
        round=second, region_id="330105", kind=ResultKind.AREA, indicator__code="DS"
    ).update(score=49.996, rank=3)
    by_code = {row.code: row for row in read(second, level="county", rank_by="SV").rows}
    assert by_code["330102"].areas == {"DS": 90.0, "SV": None, "BL": 70.0, "PP": 55.0}
    assert by_code["330102"].area_ranks["SV"] is None and by_code["330102"].key_rank is None
    assert by_code["330105"].areas["DS"] == 50.0  # rounded as published
    assert by_code["330105"].area_ranks["DS"] == 3
    assert by_code["330203"].areas == {"DS": 40.0, "SV": 45.0, "BL": 50.0, "PP": 48.0}
    assert set(by_code["330108"].areas.values()) == {None}  # no results at all
    cities = {row.code: row for row in read(second, level="city").rows}
    assert set(cities["330100"].areas.values()) == {None}


def test_a_supervisor_sees_only_their_subtree(rounds, supervisor_hangzhou):
    _, second = rounds
    result = read(second, level="county", visibility=ranking_visibility(supervisor_hangzhou))
    assert codes(result) == ["330102", "330105", "330106", "330108"]
    # Ranks stay those among all the round's counties: 海曙区 is only hidden, not re-ranked.
    assert [row.rank for row in result.rows] == [1, 2, 3, None]
    trend_codes = {trend.code for trend in result.trends}
    assert "330203" not in trend_codes
    assert [sum(counts.values()) for _, counts in result.distribution] == [3, 4]


def test_trends_follow_the_leaders_and_the_chosen_region(rounds):
    first, second = rounds
    result = read(second, level="county", focus="330203")
    followed = [trend.code for trend in result.trends]
    assert followed[:4] == ["330102", "330105", "330106", "330203"]
    focus = next(t for t in result.trends if t.code == "330203")
    assert focus.focus
    assert [(p.round.pk, p.score, p.rank) for p in focus.points] == [
        (first.pk, 40.0, 4),
        (second.pk, 45.0, 4),
    ]


def test_changes_are_withheld_when_the_comparison_is_not_valid(rounds, default_system):
    first, second = rounds
    later = Round.objects.create(
        system=default_system, name="2026", period="2026", scope=second.scope, previous=None
    )
    hand_results(later, {"330102": (71.0, 1, "L3")})
    assert read(later, level="county").comparison == Comparison.NONE
    # The comparison round is changed after the computation: the stored race is stale.
    second.previous = later
    second.save()
    stale = read(second, level="county")
    assert stale.comparison == Comparison.STALE
    assert all(row.change is None for row in stale.rows)
    second.previous = first
    second.save()
    assert read(second, level="county").comparison == Comparison.OK


def test_the_public_display_reads_both_races_from_one_ranking(rounds):
    _, second = rounds
    result = read(second, level="county")
    progress = as_race(result, RACE_PROGRESS)
    assert [row.code for row in progress][:2] == ["330102", "330106"]
    assert codes(result)[:2] == ["330102", "330105"]  # the level race keeps its order
    assert result.rows[1].key_score == 66.0


def test_a_city_round_ranks_only_its_own_regions(regions, default_system):
    hangzhou = make_round(default_system, scope="330100")
    hand_results(hangzhou, {"330102": (70.0, 1, "L3"), "330203": (90.0, 1, "L4")})
    result = read(hangzhou, level="county")
    assert codes(result) == ["330102"]
    assert result.rows[0].parent_name == "杭州市"


def test_parent_names_show_even_where_only_the_child_is_visible(rounds, supervisor_hangzhou):
    _, second = rounds
    result = read(second, level="city", visibility=ranking_visibility(supervisor_hangzhou))
    assert [(row.code, row.parent_name) for row in result.rows] == [("330100", "浙江省")]
