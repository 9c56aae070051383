"""The ranking read from the read model, on small hand-made results
(tests/assessment/dashboards/conftest.py): filters, races, sorting, distribution, trends."""

from __future__ import annotations

from django.db.models import Q

from assessment.collection.models import Round
from assessment.dashboards.filters import ranking_for
from assessment.dashboards.selectors.ranking import (
    RACE_PROGRESS,
    Comparison,
    Race,
    distribution,
    trends,
)
from assessment.dashboards.tables import sorted_rows, table_for
from assessment.results.access import ranking_visibility
from assessment.results.models import Result, ResultKind
from assessment.results.models.standings import area_fields
from tests.assessment.builders import make_round, store_standings
from tests.assessment.dashboards.builders import hand_results, refresh_progress

EVERYONE = Q()
DS, SV, BL, PP = range(4)  # the default system's area slots, in its order


def read(round_: Round, *, visibility: Q = EVERYONE, **params):
    return ranking_for(params, round_, visibility=visibility)


def codes(rows) -> list[str]:
    return [row.code for row in rows]


def test_level_race_ranks_peers_of_one_level_with_rank_changes(rounds):
    _, second = rounds
    counties = read(second, level="county").result
    assert codes(counties.rows) == ["330102", "330105", "330106", "330203", "330108"]
    by_code = {row.code: row for row in counties.rows}
    assert by_code["330102"].rank == 1 and by_code["330102"].rank_change == 1  # 2 → 1
    assert by_code["330105"].rank_change == -1  # 1 → 2
    assert by_code["330106"].rank_change == 0
    assert (by_code["330105"].rank_low, by_code["330105"].rank_high) == (1, 3)
    assert by_code["330108"].score is None and by_code["330108"].missing
    assert by_code["330108"].rank is None and by_code["330108"].change is None
    assert [by_code["330102"].area_score(slot) for slot in (DS, SV, BL, PP)] == [90, 60, 70, 55]
    cities = read(second, level="city").result
    assert codes(cities.rows) == ["330100", "330200"]
    assert [row.change for row in cities.rows] == [2.0, 9.5]
    assert counties.comparison == Comparison.OK and counties.previous.period == "2024"


def test_progress_race_orders_by_the_change_and_ties_share_the_best_rank(rounds):
    first, second = rounds
    result = read(second, level="county", race=RACE_PROGRESS).result
    assert codes(result.rows) == ["330102", "330106", "330203", "330105", "330108"]
    assert [row.key_rank for row in result.rows] == [1, 2, 3, 4, None]
    assert [row.key_score for row in result.rows] == [10.0, 8.0, 5.0, 1.0, None]
    # 海曙区 also gains 8 points: it ties with 西湖区 for second place; the next is fourth.
    hand_results(first, {**_results(first), "330203": (37.0, 4, "L2")})  # 45 − 37 = +8
    refresh_progress(second)
    tied = read(second, level="county", race=RACE_PROGRESS).result
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


def test_level_distribution_counts_each_round_of_the_filtered_set_in_sql(
    rounds, django_assert_num_queries
):
    first, second = rounds
    counties = read(second, level="county")
    levels = {level.code: level.pk for level in counties.result.levels}
    with django_assert_num_queries(1):
        found = distribution(counties.result, counties.filters.region_filter())
    assert [r.pk for r, _ in found] == [first.pk, second.pk]
    before, now = (counts for _, counts in found)
    assert before == {levels["L3"]: 2, levels["L2"]: 2}
    assert now == {levels["L3"]: 2, levels["L2"]: 2, None: 1}
    hangzhou = read(second, level="county", parent="330100")
    found = distribution(hangzhou.result, hangzhou.filters.region_filter())
    assert found[-1][1] == {levels["L3"]: 2, levels["L2"]: 1, None: 1}
    # The maturity filter narrows the table, not the distribution.
    l2 = read(second, level="county", maturity="L2")
    assert distribution(l2.result, l2.filters.region_filter())[-1][1] == now


def test_filters_by_parent_maturity_level_and_area(rounds):
    _, second = rounds
    assert codes(read(second, level="county", parent="330200").result.rows) == ["330203"]
    assert codes(read(second, level="county", maturity="L2").result.rows) == ["330106", "330203"]
    by_ds = read(second, level="county", rank_by="DS").result
    assert [row.key_score for row in by_ds.rows[:4]] == [90.0, 70.0, 50.0, 40.0]
    assert [row.key_rank for row in by_ds.rows] == [1, 2, 3, 4, None]
    assert not by_ds.shows_intervals and read(second, level="county").result.shows_intervals


def test_invalid_filter_values_fall_back_to_the_defaults(rounds):
    _, second = rounds
    page = read(second, level="planet", parent="999999", maturity="L9", rank_by="XX", race="?")
    assert page.result.level == "city"  # the default level of a city + county round
    assert codes(page.result.rows) == ["330100", "330200"]
    assert page.result.race == Race()


def test_sorting_any_column_in_sql_keeps_regions_without_a_value_last(rounds):
    _, second = rounds
    page = read(second, level="county")
    assert codes(sorted_rows(page, "-area_SV")) == [
        "330105", "330102", "330106", "330203", "330108"]  # fmt: skip
    assert codes(sorted_rows(page, "area_SV")) == [
        "330203", "330106", "330102", "330105", "330108"]  # fmt: skip
    assert codes(sorted_rows(page, "score"))[-1] == "330108"
    assert codes(sorted_rows(page, "-score"))[-1] == "330108"
    assert codes(sorted_rows(page, "-change"))[:2] == ["330102", "330106"]
    assert codes(sorted_rows(page, "rank_change"))[0] == "330105"
    assert codes(sorted_rows(page, "-region"))[0] == "330203"
    assert codes(sorted_rows(page, "")) == codes(page.result.rows)


def test_ties_in_a_sorted_column_keep_the_race_order(rounds):
    """Every county scores 60 on DS here: sorted by DS, they stay in rank order, then code."""
    _, second = rounds
    Result.objects.filter(round=second, kind=ResultKind.AREA, indicator__code="DS").update(
        score=60.0, rank=1
    )
    store_standings(second)
    page = read(second, level="county")
    assert codes(sorted_rows(page, "area_DS")) == codes(page.result.rows)
    assert codes(sorted_rows(page, "-area_DS")) == codes(page.result.rows)


def test_area_scores_and_ranks_per_region_with_gaps(rounds):
    """A missing area result reads as None, and a region's areas never land on another's."""
    _, second = rounds
    Result.objects.filter(
        round=second, region_id="330102", kind=ResultKind.AREA, indicator__code="SV"
    ).delete()
    Result.objects.filter(
        round=second, region_id="330105", kind=ResultKind.AREA, indicator__code="DS"
    ).update(score=49.996, rank=3)
    store_standings(second)
    by_code = {row.code: row for row in read(second, level="county", rank_by="SV").result.rows}
    xicheng = by_code["330102"]
    assert [xicheng.area_score(slot) for slot in (DS, SV, BL, PP)] == [90.0, None, 70.0, 55.0]
    assert area_rank(xicheng, SV) is None and xicheng.key_rank is None
    assert by_code["330105"].area_score(DS) == 50.0  # rounded as published
    assert area_rank(by_code["330105"], DS) == 3
    assert {by_code["330108"].area_score(slot) for slot in (DS, SV, BL, PP)} == {None}


def test_a_supervisor_sees_only_their_subtree(rounds, supervisor_hangzhou):
    _, second = rounds
    page = read(second, level="county", visibility=ranking_visibility(supervisor_hangzhou))
    result = page.result
    assert codes(result.rows) == ["330102", "330105", "330106", "330108"]
    # Ranks stay those among all the round's counties: 海曙区 is only hidden, not re-ranked.
    assert [row.rank for row in result.rows] == [1, 2, 3, None]
    assert "330203" not in {trend.code for trend in trends(result, None)}
    found = distribution(result, page.filters.region_filter())
    assert [sum(counts.values()) for _, counts in found] == [3, 4]
    parents = [code for code, _ in page.filters.filters["parent"].extra["choices"]()]
    assert parents == ["330100"]  # Ningbo is not offered


def test_trends_follow_the_leaders_and_the_chosen_region(rounds):
    first, second = rounds
    result = read(second, level="county").result
    followed = trends(result, "330203")
    assert [trend.code for trend in followed][:4] == ["330102", "330105", "330106", "330203"]
    focus = next(t for t in followed if t.code == "330203")
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
    assert read(later, level="county").result.comparison == Comparison.NONE
    # The comparison round is changed after the computation: the stored race is stale.
    second.previous = later
    second.save()
    stale = read(second, level="county")
    assert stale.result.comparison == Comparison.STALE
    columns = [column.name for column in table_for(stale).columns]
    assert "change" not in columns and "rank_change" not in columns
    second.previous = first
    second.save()
    fresh = read(second, level="county")
    assert fresh.result.comparison == Comparison.OK
    assert "change" in [column.name for column in table_for(fresh).columns]


def test_the_public_display_reads_both_races_from_one_filter(rounds):
    _, second = rounds
    result = read(second, level="county").result
    progress = result.for_race(Race(RACE_PROGRESS))
    assert codes(progress)[:2] == ["330102", "330106"]
    assert codes(result.rows)[:2] == ["330102", "330105"]  # the level race keeps its order
    assert result.rows[1].key_score == 66.0


def test_a_city_round_ranks_the_counties_of_its_scope(regions, default_system):
    hangzhou = make_round(default_system, scope="330100")
    hand_results(hangzhou, {"330102": (70.0, 1, "L3"), "330106": (60.0, 2, "L3")})
    result = read(hangzhou, level="county").result
    assert codes(result.rows) == ["330102", "330106"]
    assert result.rows[0].parent_name == "杭州市"


def test_parent_names_show_even_where_only_the_child_is_visible(rounds, supervisor_hangzhou):
    _, second = rounds
    result = read(second, level="city", visibility=ranking_visibility(supervisor_hangzhou)).result
    assert [(row.code, row.parent_name) for row in result.rows] == [("330100", "浙江省")]


def area_rank(row, slot: int) -> int | None:
    """The rank the read model stores for the area in `slot` (the table reads the same field)."""
    return getattr(row, area_fields(slot)[1])
