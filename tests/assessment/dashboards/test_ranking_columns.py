"""A ranking's regions held column by column (selectors/ranking_columns.py), without a database:
race order, sorting by any column, other races, and rows built only when read."""

from __future__ import annotations

import math

import numpy as np

from assessment.dashboards.selectors.ranking_columns import RankingRows, RegionColumns
from assessment.dashboards.selectors.ranking_rows import RACE_PROGRESS, RACE_SCORE, RankingQuery
from assessment.results.selectors.nodes import LevelInfo

L2 = LevelInfo(pk=2, code="L2", name="发展", color="#aaa", order=2)
L3 = LevelInfo(pk=3, code="L3", name="提升", color="#bbb", order=3)


def columns() -> RegionColumns:
    """Five counties; 鼓楼区 twice (two cities), one region with no score at all."""
    data = RegionColumns(
        codes=["320106", "350102", "330105", "330102", "330108"],
        names=["鼓楼区", "鼓楼区", "拱墅区", "上城区", "滨江区"],
        parent_names=["南京市", "福州市", "杭州市", "杭州市", "杭州市"],
        scores=[70.0, 66.0, 66.0, 80.0, None],
        ranks=[2, 3, 3, 1, None],
        rank_lows=[1, 2, 2, 1, None],
        rank_highs=[3, 4, 4, 2, None],
        levels=[L3, L2, L2, L3, None],
        bands=[L3, L3, L2, L3, None],
        flags=[0, 0, 0, 0, 1],
        repeated_names={"鼓楼区"},
        area_index={"DS": 0, "SV": 1},
        area_scores=np.array(
            [[50.0, 90.0], [60.0, math.nan], [70.0, 10.0], [80.0, 20.0], [math.nan, math.nan]]
        ),
        area_ranks=np.array([[4, 1], [3, -1], [2, 3], [1, 2], [-1, -1]]),
    )
    data.changes[:4] = [1.0, -2.0, 5.0, 5.0]
    data.change_ranks[:4] = [3, 4, 1, 1]
    data.previous_ranks[:4] = [1, 4, 2, 3]
    return data


def rows(query: RankingQuery | None = None) -> RankingRows:
    query = query or RankingQuery(round=None, level="county")
    data = columns()
    return RankingRows(data, list(range(len(data))), data.race_keys(query)).in_race_order()


def codes(sequence) -> list[str]:
    return [row.code for row in sequence]


def test_race_order_is_by_rank_then_code_with_unranked_regions_last():
    assert codes(rows()) == ["330102", "320106", "330105", "350102", "330108"]
    progress = rows(RankingQuery(round=None, level="county", race=RACE_PROGRESS))
    assert codes(progress) == ["330102", "330105", "320106", "350102", "330108"]
    assert [row.key_rank for row in progress] == [1, 1, 3, 4, None]
    by_sv = rows(RankingQuery(round=None, level="county", rank_by="SV"))
    assert codes(by_sv)[:3] == ["320106", "330102", "330105"]
    assert [row.key_score for row in by_sv][:3] == [90.0, 20.0, 10.0]


def test_a_row_carries_every_column_and_a_unique_label():
    row = {row.code: row for row in rows()}
    assert row["320106"].label == "鼓楼区（南京市）" and row["330102"].label == "上城区"
    assert row["350102"].areas == {"DS": 60.0, "SV": None}
    assert row["350102"].area_ranks == {"DS": 3, "SV": None}
    assert row["350102"].held_back and not row["330102"].held_back
    assert row["330105"].rank_change == -1 and row["330102"].rank_change == 2
    assert row["330108"].missing and row["330108"].areas == {"DS": None, "SV": None}


def test_sorting_any_column_keeps_regions_without_a_value_last_and_ties_in_order():
    race = rows()
    assert codes(race.sorted_by("score")) == ["330105", "350102", "320106", "330102", "330108"]
    assert codes(race.sorted_by("-score"))[:3] == ["330102", "320106", "330105"]
    assert codes(race.sorted_by("-area_SV")) == ["320106", "330102", "330105", "350102",
                                                 "330108"]  # fmt: skip
    assert codes(race.sorted_by("rank_change"))[:3] == ["320106", "330105", "350102"]
    assert codes(race.sorted_by("level"))[-1] == "330108"
    assert race.sorted_by("no_such_column") is race


def test_rows_are_built_when_read_and_read_twice_are_the_same_object():
    race = rows()
    page = race[:2]
    assert [row.code for row in page] == ["330102", "320106"]
    assert race[0] is page[0] and list(race)[1] is page[1]
    assert race.sorted_by("-score")[0] is page[0]  # the same rows in another order


def test_another_race_gets_new_rows_and_the_first_keeps_its_keys():
    race = rows()
    progress = race.for_race(RankingQuery(round=None, level="county", race=RACE_PROGRESS))
    assert codes(progress)[:2] == ["330102", "330105"]
    assert progress[0] is not race[0]
    assert race[0].key_score == 80.0 and progress[0].key_score == 5.0
    back = progress.for_race(RankingQuery(round=None, level="county", race=RACE_SCORE))
    assert codes(back) == codes(race)


def test_an_empty_ranking_has_no_rows():
    empty = RegionColumns(*([] for _ in range(10)))
    query = RankingQuery(round=None, level="county")
    race = RankingRows(empty, [], empty.race_keys(query)).in_race_order()
    assert len(race) == 0 and list(race) == [] and race[:50] == []
