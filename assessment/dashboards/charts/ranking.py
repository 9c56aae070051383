"""Charts of a ranking: the horse race, the progress race, the level distribution, the
regions × dimensions heatmap, and the score trend and rank bump charts."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from assessment.core.charts import (
    DOWN_COLOR,
    NO_LEVEL_COLOR,
    SAME_COLOR,
    SCORE_SCALE,
    UP_COLOR,
    axis,
    figure,
    layout,
    list_height,
    narrow,
    rank_axis,
)
from assessment.dashboards.selectors.ranking import Trend
from assessment.results.models import Standing
from assessment.results.selectors.nodes import LevelInfo, NodeInfo


def _ranked(rows: Sequence[Standing]) -> list[Standing]:
    """Rows with a value to race on, best first."""
    present = [row for row in rows if row.key_score is not None]
    return sorted(present, key=lambda r: (-r.key_score, r.key_rank or 0, r.code))


def horse_race(
    rows: Sequence[Standing],
    labels: dict[str, str],
    levels: Sequence[LevelInfo],
    *,
    title: str,
    score_title: str,
    intervals: bool,
    precision: int,
) -> dict:
    """Regions sorted by score, coloured by maturity level; with `intervals`, a second panel
    shows each rank with its 5–95% interval from the sensitivity analysis as error bars."""
    ranked = _ranked(rows)
    names = [labels[row.code] for row in ranked]
    data = []
    for level in [*levels, None]:
        members = [row for row in ranked if row.maturity_id == (level.pk if level else None)]
        if not members:
            continue
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": level.label if level else _("No level"),
                "y": [labels[row.code] for row in members],
                "x": [row.key_score for row in members],
                "text": [f"{row.key_score:.{precision}f}" for row in members],
                "textposition": "outside",
                "cliponaxis": False,
                "textfont": {"size": 11, "color": "#343a40"},
                "marker": {"color": level.color if level else NO_LEVEL_COLOR},
                "hovertemplate": "%{y}<br>%{x}<extra>%{fullData.name}</extra>",
            }
        )
    order = {"categoryorder": "array", "categoryarray": list(reversed(names))}
    extra = {}
    if intervals:
        with_interval = [row for row in ranked if row.rank_low is not None]
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": _("Rank with its interval"),
                "xaxis": "x2",
                "y": [labels[row.code] for row in with_interval],
                "x": [row.key_rank for row in with_interval],
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "array": [row.rank_high - row.key_rank for row in with_interval],
                    "arrayminus": [row.key_rank - row.rank_low for row in with_interval],
                    "color": "#495057",
                    "thickness": 1.5,
                    "width": 3,
                },
                "marker": {"color": "#212529", "size": 7},
                "hovertemplate": "%{y}<br>" + _("rank") + " %{x}<extra></extra>",
            }
        )
        extra["xaxis2"] = axis(_("Rank interval"), domain=[0.68, 1], anchor="y", rangemode="tozero")
    fig = figure(
        data,
        layout(
            title,
            height=list_height(len(names)),
            barmode="overlay",
            xaxis=axis(
                score_title,
                domain=[0, 0.6] if intervals else [0, 1],
                range=[0, 112],
                tickvals=[0, 20, 40, 60, 80, 100],
            ),
            yaxis=axis("", **order, fixedrange=True),
            **extra,
        ),
    )
    return narrow(fig, traces={"textfont": {"size": 9}})


def progress_race(
    rows: Sequence[Standing], labels: dict[str, str], *, title: str, precision: int
) -> dict:
    """Regions sorted by the change of their score since the previous round."""
    ranked = _ranked(rows)
    colours = [
        UP_COLOR if row.key_score > 0 else DOWN_COLOR if row.key_score < 0 else SAME_COLOR
        for row in ranked
    ]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": _("Score change"),
            "y": [labels[row.code] for row in ranked],
            "x": [row.key_score for row in ranked],
            "text": [_signed(row.key_score, precision) for row in ranked],
            "textposition": "outside",
            "cliponaxis": False,
            "textfont": {"size": 11, "color": "#343a40"},
            "marker": {"color": colours},
            "hovertemplate": "%{y}<br>%{x:+}<extra></extra>",
            "showlegend": False,
        }
    ]
    names = [labels[row.code] for row in ranked]
    return figure(
        data,
        layout(
            title,
            height=list_height(len(names)),
            xaxis=axis(
                _("Change of the overall score (points)"),
                zeroline=True,
                zerolinecolor="#495057",
                range=_padded(row.key_score for row in ranked),
            ),
            yaxis=axis(
                "",
                categoryorder="array",
                categoryarray=list(reversed(names)),
                fixedrange=True,
            ),
        ),
    )


def _signed(value: float, precision: int) -> str:
    return f"{value:+.{precision}f}" if value else f"{0:.{precision}f}"


def _padded(values) -> list[float] | None:
    """An axis range with room for the labels outside the bars, always including 0."""
    values = list(values)
    if not values:
        return None
    low, high = min(0.0, *values), max(0.0, *values)
    room = 0.18 * ((high - low) or 1.0)
    return [low - (room if low < 0 else 0), high + room]


def level_distribution(distribution, levels: Sequence[LevelInfo], *, title: str) -> dict:
    """How many regions reached each maturity level, one stacked bar per round."""
    periods = [round_.period for round_, _counts in distribution]
    data = []
    for level in [*levels, None]:
        key = level.pk if level else None
        counts = [counts.get(key, 0) for _round, counts in distribution]
        if level is None and not any(counts):
            continue
        data.append(
            {
                "type": "bar",
                "name": level.label if level else _("No score"),
                "x": periods,
                "y": counts,
                "text": [str(c) if c else "" for c in counts],
                "textposition": "inside",
                "textangle": 0,
                "marker": {"color": level.color if level else NO_LEVEL_COLOR},
                "hovertemplate": "%{x}: %{y}<extra>%{fullData.name}</extra>",
            }
        )
    return figure(
        data,
        layout(
            title,
            height=340,
            barmode="stack",
            xaxis=axis(_("Round"), type="category"),
            yaxis=axis(_("Regions")),
        ),
    )


def dimension_heatmap(
    rows: Sequence[Standing],
    labels: dict[str, str],
    dimensions: Sequence[NodeInfo],
    scores: dict[str, dict[int, float | None]],
    *,
    title: str,
) -> dict:
    """Regions (in table order) × dimensions, coloured by score."""
    regions = [labels[row.code] for row in rows]
    z = [[scores.get(row.code, {}).get(d.pk) for d in dimensions] for row in rows]
    names = [[d.name for d in dimensions] for _row in rows]
    data = [
        {
            "type": "heatmap",
            "x": [d.code for d in dimensions],
            "y": regions,
            "z": z,
            "customdata": names,
            "zmin": 0,
            "zmax": 100,
            "colorscale": SCORE_SCALE,
            "xgap": 1,
            "ygap": 1,
            "texttemplate": "%{z:.0f}",
            "textfont": {"size": 10},
            "colorbar": {"title": {"text": _("Score")}, "thickness": 10, "len": 0.8},
            "hovertemplate": "%{y}<br>%{x} %{customdata}<br>%{z}<extra></extra>",
        }
    ]
    fig = figure(
        data,
        layout(
            title,
            height=list_height(len(regions), minimum=260, extra=150),
            xaxis=axis(_("Dimension"), tickangle=-45, fixedrange=True),
            yaxis=axis("", autorange="reversed", fixedrange=True),
        ),
    )
    return narrow(
        fig,
        traces={"texttemplate": ""},
        layout={"xaxis": {"tickangle": -90, "tickfont": {"size": 9}}},
    )


def _line(trend: Trend, values: list) -> dict:
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": trend.label,
        "x": [point.round.period for point in trend.points],
        "y": values,
        "connectgaps": False,
        "line": {"width": 4 if trend.focus else 2, "dash": "dot" if trend.focus else "solid"},
        "marker": {"size": 9 if trend.focus else 6},
    }


def score_trend(trends: Sequence[Trend], *, title: str) -> dict:
    """Overall score over the rounds for the race leaders and the chosen region."""
    data = [_line(t, [p.score for p in t.points]) for t in trends]
    return figure(
        data,
        layout(
            title,
            height=360,
            xaxis=axis(_("Round"), type="category"),
            yaxis=axis(_("Overall score")),
        ),
    )


def rank_bump(trends: Sequence[Trend], *, title: str) -> dict:
    """Rank among peers over the rounds (1 on top) for the same regions."""
    data = [_line(t, [p.rank for p in t.points]) for t in trends]
    return figure(
        data,
        layout(
            title,
            height=360,
            xaxis=axis(_("Round"), type="category"),
            yaxis=rank_axis(_("Rank among peers"), (p.rank for t in trends for p in t.points)),
        ),
    )
