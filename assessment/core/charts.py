"""Plotly figures built from selector rows by pure functions (no queries, no request).

Each builder returns `{"data": [...], "layout": {...}}`; templates embed it with
`json_script` and static/js/dashboard-charts.js draws it with our vendored plotly.min.js.
Titles, axes and legends go through gettext, so they are Chinese by default and English when
the reader switches. Layouts are made for phones too: the width follows the container
(`responsive`), long region lists are horizontal bars whose height grows with the list, and
legends sit below the plot.
"""

from __future__ import annotations

import math

FONT = '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
NO_LEVEL_COLOR = "#adb5bd"
UP_COLOR = "#2e7d32"
DOWN_COLOR = "#c62828"
SAME_COLOR = "#9e9e9e"
MEDIAN_COLOR = "#6c757d"
BEST_COLOR = "#2471a3"
REGION_COLOR = "#b3261e"
# Red → amber → green on 0–100, the colours of the maturity badges.
SCORE_SCALE = [[0.0, "#c0392b"], [0.4, "#e67e22"], [0.6, "#d4ac0d"], [0.75, "#27ae60"],
               [1.0, "#1e8449"]]  # fmt: skip
ROW_HEIGHT = 24  # pixels per region in horizontal bar charts


def figure(data: list[dict], layout: dict) -> dict:
    return {"data": data, "layout": layout}


def layout(title: str, *, height: int, **extra) -> dict:
    """The common layout: title top left, legend at the bottom of the figure (below the axis
    titles, whatever the height), small margins, our CJK fonts."""
    base = {
        "title": {"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 15}},
        "height": height,
        "autosize": True,
        "margin": {"l": 8, "r": 12, "t": 44, "b": 64, "pad": 2},
        "font": {"family": FONT, "size": 12},
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 0,
            "yref": "container",
            "yanchor": "bottom",
        },
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hoverlabel": {"font": {"family": FONT}},
    }
    base.update(extra)
    return base


def narrow(figure_: dict, *, layout: dict | None = None, traces: dict | None = None) -> dict:
    """Overrides static/js/dashboard-charts.js applies when the chart is narrower than a
    phone's 576 px: `layout` merged into the layout, `traces` into every trace."""
    figure_["narrow"] = {"layout": layout or {}, "traces": traces or {}}
    return figure_


def list_height(rows: int, *, minimum: int = 260, extra: int = 110) -> int:
    """Height for a horizontal chart with one category per row."""
    return max(minimum, extra + ROW_HEIGHT * rows)


def axis(title: str = "", **extra) -> dict:
    return {
        "title": {"text": title},
        "automargin": True,
        "gridcolor": "#e9ecef",
        "zeroline": False,
        **extra,
    }


def rank_axis(title: str, ranks, **extra) -> dict:
    """A reversed axis (1 on top) with whole-number ticks for ranks."""
    present = [r for r in ranks if r is not None]
    low, high = (min(present), max(present)) if present else (1, 2)
    step = max(1, math.ceil((high - low + 1) / 5))
    return axis(
        title,
        range=[high + 0.5 * step, max(0.5, low - 0.5 * step)],
        dtick=step,
        tick0=1,
        tickformat="d",
        **extra,
    )


def short(text: str, length: int = 8) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
