"""Profile charts: the area radar, the dimension comparison and the history."""

from __future__ import annotations

from assessment.collection.models import Round
from assessment.dashboards.charts import profile as charts
from assessment.dashboards.selectors.profile import HistoryEntry, NodeScore
from assessment.results.selectors.nodes import LevelInfo, NodeInfo


def node_score(code: str, name: str, score, median, best) -> NodeScore:
    node = NodeInfo(pk=len(code), code=code, name=name, kind=1, parent_id=None, points=25)
    return NodeScore(node, score, 1, 1, 0, 10, median, best)


AREAS = [
    node_score("DS", "数据共享", 90.0, 70.0, 95.0),
    node_score("SV", "融合服务", 60.0, 65.0, 99.0),
    node_score("BL", "条块协同", 70.0, 60.0, 90.0),
]


def test_radar_closes_each_polygon_and_shows_the_best_peer():
    figure = charts.area_radar(
        AREAS,
        region_name="西湖区",
        leader_name="临平区",
        leader_scores={"DS": 95.0, "SV": 99.0, "BL": 80.0},
        title="雷达",
    )
    names = [t["name"] for t in figure["data"]]
    assert names[1:] == ["同级第一：临平区", "西湖区"]
    region = figure["data"][-1]
    assert region["r"] == [90.0, 60.0, 70.0, 90.0] and region["fill"] == "toself"
    assert region["theta"][0] == region["theta"][-1]
    assert figure["data"][1]["r"] == [95.0, 99.0, 80.0, 95.0]
    without_leader = charts.area_radar(
        AREAS, region_name="西湖区", leader_name=None, leader_scores={}, title="雷达"
    )
    assert len(without_leader["data"]) == 2


def test_dimension_comparison_marks_median_and_best():
    figure = charts.dimension_comparison(AREAS, title="维度")
    bar, median, best = figure["data"]
    assert bar["x"] == [90.0, 60.0, 70.0]
    assert median["x"] == [70.0, 65.0, 60.0] and best["x"] == [95.0, 99.0, 90.0]
    assert figure["layout"]["yaxis"]["categoryarray"][-1].startswith("DS")  # first on top


def test_history_shows_score_bars_and_the_rank_line():
    level = LevelInfo(pk=3, code="L3", name="规范", color="#d4ac0d", order=3)
    entries = [
        HistoryEntry(Round(pk=1, period="2024"), 60.0, 12, level),
        HistoryEntry(Round(pk=2, period="2025"), 70.0, 5, level, change=10.0),
    ]
    figure = charts.history(entries, title="历史")
    bars, ranks = figure["data"]
    assert bars["y"] == [60.0, 70.0] and bars["marker"]["color"] == ["#d4ac0d", "#d4ac0d"]
    assert ranks["y"] == [12, 5] and ranks["yaxis"] == "y2"
    top, bottom = figure["layout"]["yaxis2"]["range"][1], figure["layout"]["yaxis2"]["range"][0]
    assert top < bottom
