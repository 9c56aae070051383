"""The rectification progress chart: the share of tasks done and verified, day by day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.utils.translation import gettext as _

from assessment.core.charts import UP_COLOR, axis, figure, layout, narrow
from assessment.rectification.selectors.task_progress import TimelinePoint

DONE_COLOR = "#0d6efd"


def completion_timeline(points: Sequence[TimelinePoint], *, total: int, title: str) -> dict:
    """Two step lines over the days: done or verified, and verified, in percent of all tasks."""

    def share(count: int) -> float:
        return round(100 * count / total, 1) if total else 0.0

    days = [p.day.isoformat() for p in points]

    def trace(name: str, values: list[float], counts: list[int], colour: str) -> dict:
        return {
            "type": "scatter",
            "mode": "lines+markers",
            "line": {"shape": "hv", "color": colour, "width": 2},
            "name": name,
            "x": days,
            "y": values,
            "customdata": counts,
            "hovertemplate": "%{x}: %{y}% (%{customdata})<extra>%{fullData.name}</extra>",
        }

    data = [
        trace(
            _("Done or verified"),
            [share(p.complete) for p in points],
            [p.complete for p in points],
            DONE_COLOR,
        ),
        trace(
            _("Verified"),
            [share(p.verified) for p in points],
            [p.verified for p in points],
            UP_COLOR,
        ),
    ]
    result = figure(
        data,
        layout(
            title,
            height=340,
            xaxis=axis(_("Date"), **_day_axis(points)),
            yaxis=axis(_("Share of all tasks (%)"), range=[0, 100], ticksuffix="%"),
        ),
    )
    return narrow(result, layout={"font": {"size": 10}, "title": {"font": {"size": 13}}})


DAY_MS = 86_400_000


def _day_axis(points: Sequence[TimelinePoint]) -> dict:
    """Whole days on the axis, a day of margin either side, at most about six ticks (a
    single day would otherwise be labelled in milliseconds)."""
    if not points:
        return {"type": "date"}
    first, last = points[0].day, points[-1].day
    span = (last - first).days + 2
    return {
        "type": "date",
        "tickformat": "%m-%d",
        "dtick": DAY_MS * max(1, -(-span // 6)),
        "range": [(first - timedelta(days=1)).isoformat(), (last + timedelta(days=1)).isoformat()],
    }
