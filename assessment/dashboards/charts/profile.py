"""Charts of a region profile: the four areas on a radar against the peers, every dimension
against the peer median and best, and the region's history over the rounds."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from assessment.core.charts import (
    BEST_COLOR,
    MEDIAN_COLOR,
    REGION_COLOR,
    axis,
    figure,
    layout,
    list_height,
    narrow,
    rank_axis,
    short,
)
from assessment.dashboards.selectors.profile import HistoryEntry, NodeScore

BEST_LINE = {"width": 3, "color": BEST_COLOR}


def area_radar(
    areas: Sequence[NodeScore],
    *,
    region_name: str,
    leader_name: str | None,
    leader_scores: dict[str, float | None],
    title: str,
) -> dict:
    """The region's area scores against the peer median and the best peer (highest overall)."""
    theta = [f"{a.node.code} {short(a.node.name, 6)}" for a in areas]
    closed = [*theta, theta[0]] if theta else []
    names = [f"{a.node.code} {a.node.name}" for a in areas]
    full = [*names, names[0]] if names else []

    def trace(name: str, values: list, colour: str, *, fill: bool, dash: str = "solid") -> dict:
        return {
            "type": "scatterpolar",
            "name": name,
            "r": [*values, values[0]] if values else [],
            "theta": closed,
            "mode": "lines+markers",
            "fill": "toself" if fill else "none",
            "opacity": 0.85,
            "line": {"color": colour, "dash": dash, "width": 2},
            "customdata": full,
            "hovertemplate": "%{customdata}: %{r}<extra>%{fullData.name}</extra>",
        }

    data = [
        trace(_("Peer median"), [a.median for a in areas], MEDIAN_COLOR, fill=False, dash="dot"),
    ]
    if leader_name:
        best = [leader_scores.get(a.node.code) for a in areas]
        data.append(
            trace(_("Best peer: %(name)s") % {"name": leader_name}, best, BEST_COLOR, fill=False)
        )
    data.append(trace(region_name, [a.score for a in areas], REGION_COLOR, fill=True))
    codes = [a.node.code for a in areas]
    fig = figure(
        data,
        layout(
            title,
            height=400,
            polar={
                "radialaxis": {"range": [0, 100], "angle": 45, "tickfont": {"size": 9}},
                "angularaxis": {"direction": "clockwise", "rotation": 90},
                "domain": {"y": [0.08, 1]},
            },
            margin={"l": 56, "r": 56, "t": 64, "b": 72},
        ),
    )
    # A phone has no room for the area names around the circle: codes only (names in hover).
    return narrow(fig, traces={"theta": [*codes, codes[0]] if codes else []})


def dimension_comparison(dimensions: Sequence[NodeScore], *, title: str) -> dict:
    """Each dimension: the region's score as a bar, the peer median and best as markers."""
    labels = [f"{d.node.code} {short(d.node.name, 10)}" for d in dimensions]
    order = {"categoryorder": "array", "categoryarray": list(reversed(labels))}
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": _("This region"),
            "y": labels,
            "x": [d.score for d in dimensions],
            "marker": {"color": REGION_COLOR, "opacity": 0.8},
            "hovertemplate": "%{y}<br>%{x}<extra>%{fullData.name}</extra>",
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": _("Peer median"),
            "y": labels,
            "x": [d.median for d in dimensions],
            "marker": {"color": MEDIAN_COLOR, "symbol": "diamond", "size": 9},
            "hovertemplate": "%{y}<br>%{x}<extra>%{fullData.name}</extra>",
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": _("Best peer score"),
            "y": labels,
            "x": [d.best for d in dimensions],
            "marker": {
                "color": BEST_COLOR,
                "symbol": "line-ns-open",
                "size": 14,
                "line": BEST_LINE,
            },
            "hovertemplate": "%{y}<br>%{x}<extra>%{fullData.name}</extra>",
        },
    ]
    return figure(
        data,
        layout(
            title,
            height=list_height(len(labels), extra=120),
            xaxis=axis(_("Score"), range=[0, 100]),
            yaxis=axis("", **order, fixedrange=True),
        ),
    )


def history(entries: Sequence[HistoryEntry], *, title: str) -> dict:
    """The region's overall score (bars) and rank among peers (line, right axis) per round."""
    periods = [e.round.period for e in entries]
    data = [
        {
            "type": "bar",
            "name": _("Overall score"),
            "x": periods,
            "y": [e.score for e in entries],
            "marker": {"color": [e.level.color if e.level else "#adb5bd" for e in entries]},
            "text": [e.level.code if e.level else "" for e in entries],
            "textposition": "inside",
            "hovertemplate": "%{x}: %{y}<extra>%{fullData.name}</extra>",
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": _("Rank among peers"),
            "x": periods,
            "y": [e.rank for e in entries],
            "yaxis": "y2",
            "line": {"color": "#212529", "width": 2},
            "marker": {"size": 8},
            "hovertemplate": "%{x}: %{y}<extra>%{fullData.name}</extra>",
        },
    ]
    return figure(
        data,
        layout(
            title,
            height=340,
            xaxis=axis(_("Round"), type="category"),
            yaxis=axis(_("Overall score"), range=[0, 100]),
            yaxis2=rank_axis(
                _("Rank among peers"),
                [e.rank for e in entries],
                overlaying="y",
                side="right",
                showgrid=False,
            ),
        ),
    )
