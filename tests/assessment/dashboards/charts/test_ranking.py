"""Ranking charts are pure functions of selector rows: check the figures they build."""

from __future__ import annotations

import json

from django.utils import translation

from assessment.collection.models import Round
from assessment.dashboards.charts import ranking as charts
from assessment.dashboards.selectors.ranking import Trend, TrendPoint, unique_labels
from assessment.results.models import Standing
from assessment.results.selectors.nodes import LevelInfo, NodeInfo

L2 = LevelInfo(pk=2, code="L2", name="发展", color="#e67e22", order=2)
L3 = LevelInfo(pk=3, code="L3", name="规范", color="#d4ac0d", order=3)


def row(code, label, score, rank, level=None, low=None, high=None) -> Standing:
    """A standing as the ranking selector reads it (not saved: charts only read it), keyed
    for the level race."""
    standing = Standing(
        region_id=code,
        name=label,
        score=score,
        rank=rank,
        rank_low=low,
        rank_high=high,
        maturity_id=level.pk if level else None,
        flags=0,
    )
    standing.key_score, standing.key_rank = score, rank
    return standing


ROWS = [
    row("330106", "西湖区", 58.0, 3, L2, 2, 4),
    row("330102", "上城区", 70.0, 1, L3, 1, 2),
    row("330105", "拱墅区", 66.0, 2, L3, 1, 3),
    row("330108", "滨江区", None, None),
]


def test_horse_race_sorts_by_score_colours_by_level_and_shows_rank_intervals():
    with translation.override("zh-hans"):
        figure = charts.horse_race(
            ROWS,
            unique_labels(ROWS),
            [L2, L3],
            title="赛马",
            score_title="得分",
            intervals=True,
            precision=2,
        )
    bars = [t for t in figure["data"] if t["type"] == "bar"]
    assert [(t["name"], t["marker"]["color"], t["y"]) for t in bars] == [
        ("L2 发展", "#e67e22", ["西湖区"]),
        ("L3 规范", "#d4ac0d", ["上城区", "拱墅区"]),
    ]
    # Best on top: the category order is the reverse of the ranking.
    assert figure["layout"]["yaxis"]["categoryarray"] == ["西湖区", "拱墅区", "上城区"]
    interval = next(t for t in figure["data"] if t["type"] == "scatter")
    assert interval["name"] == "名次及区间" and interval["xaxis"] == "x2"
    assert interval["x"] == [1, 2, 3]
    assert interval["error_x"]["array"] == [1, 1, 1]  # high − rank
    assert interval["error_x"]["arrayminus"] == [0, 1, 1]  # rank − low
    assert figure["layout"]["xaxis2"]["title"]["text"] == "名次区间"
    json.dumps(figure)  # what json_script will do


def test_horse_race_without_intervals_has_one_panel():
    figure = charts.horse_race(ROWS, unique_labels(ROWS), [L2, L3], title="t", score_title="s",
                               intervals=False, precision=2)  # fmt: skip
    assert "xaxis2" not in figure["layout"]
    assert all(t["type"] == "bar" for t in figure["data"])


def test_progress_race_colours_gains_and_losses():
    rows = [row("a", "甲", 3.5, 1), row("b", "乙", -1.25, 3), row("c", "丙", 0.0, 2)]
    figure = charts.progress_race(rows, unique_labels(rows), title="进步榜", precision=2)
    bars = figure["data"][0]
    assert bars["x"] == [3.5, 0.0, -1.25]
    assert bars["marker"]["color"] == ["#2e7d32", "#9e9e9e", "#c62828"]
    assert bars["text"] == ["+3.50", "0.00", "-1.25"]
    low, high = figure["layout"]["xaxis"]["range"]
    assert low < -1.25 and high > 3.5


def test_level_distribution_stacks_levels_per_round():
    first, second = Round(pk=1, period="2024"), Round(pk=2, period="2025")
    distribution = [(first, {2: 3, 3: 1}), (second, {3: 4, None: 1})]
    with translation.override("zh-hans"):
        figure = charts.level_distribution(distribution, [L2, L3], title="分布")
    assert [(t["name"], t["y"]) for t in figure["data"]] == [
        ("L2 发展", [3, 0]),
        ("L3 规范", [1, 4]),
        ("无得分", [0, 1]),
    ]
    assert figure["layout"]["barmode"] == "stack"
    assert figure["data"][0]["x"] == ["2024", "2025"]


def test_heatmap_has_a_row_per_region_and_a_column_per_dimension():
    dims = [NodeInfo(pk=10, code="DS.1", name="数据目录", kind=2, parent_id=1, points=8),
            NodeInfo(pk=11, code="DS.2", name="供需", kind=2, parent_id=1, points=7)]  # fmt: skip
    scores = {"330106": {10: 80.0, 11: None}, "330102": {10: 95.5, 11: 40.0}}
    figure = charts.dimension_heatmap(
        ROWS[:2], unique_labels(ROWS[:2]), dims, scores, title="热力图"
    )
    heat = figure["data"][0]
    assert heat["x"] == ["DS.1", "DS.2"] and heat["y"] == ["西湖区", "上城区"]
    assert heat["z"] == [[80.0, None], [95.5, 40.0]]
    assert (heat["zmin"], heat["zmax"]) == (0, 100)
    assert figure["narrow"]["traces"] == {"texttemplate": ""}  # no cell labels on a phone


def test_trend_and_bump_follow_each_region_with_ranks_upside_down():
    first, second = Round(pk=1, period="2024"), Round(pk=2, period="2025")
    trends = [
        Trend("330102", "上城区", (TrendPoint(first, 60.0, 2), TrendPoint(second, 70.0, 1))),
        Trend("330203", "海曙区", (TrendPoint(first, None, None), TrendPoint(second, 45.0, 9)),
              focus=True),
    ]  # fmt: skip
    trend = charts.score_trend(trends, title="走势")
    assert [t["y"] for t in trend["data"]] == [[60.0, 70.0], [None, 45.0]]
    assert trend["data"][1]["line"]["width"] > trend["data"][0]["line"]["width"]
    bump = charts.rank_bump(trends, title="名次")
    assert [t["y"] for t in bump["data"]] == [[2, 1], [None, 9]]
    low_end, high_end = bump["layout"]["yaxis"]["range"]
    assert low_end > high_end  # rank 1 on top
    assert bump["layout"]["yaxis"]["tickformat"] == "d"
