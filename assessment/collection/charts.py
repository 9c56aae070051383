"""The completeness dashboard's chart: submissions by status per city (or province)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from assessment.collection.models import SubmissionStatus
from assessment.collection.selectors.review import STATUS_ORDER, GroupProgress
from assessment.core.charts import FONT

STATUS_COLOURS = {
    SubmissionStatus.NOT_STARTED: "#adb5bd",
    SubmissionStatus.DRAFT: "#6c757d",
    SubmissionStatus.RETURNED: "#fd7e14",
    SubmissionStatus.SUBMITTED: "#0dcaf0",
    SubmissionStatus.APPROVED: "#198754",
}


def progress_chart(groups: list[GroupProgress], *, group_level: str) -> dict:
    """A stacked horizontal bar per city (or province): submissions by status."""
    names = [group.name for group in groups]
    labels = dict(SubmissionStatus.choices)
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "name": str(labels[status]),
            "y": names,
            "x": [group.counts.get(status, 0) for group in groups],
            "marker": {"color": STATUS_COLOURS[status]},
            "hovertemplate": "%{y}: %{x}<extra>" + str(labels[status]) + "</extra>",
        }
        for status in STATUS_ORDER
    ]
    by = {"province": _("by province"), "city": _("by city")}.get(group_level, _("by region"))
    return {
        "data": traces,
        "layout": {
            "title": {"text": _("Submission progress %(by)s") % {"by": by}},
            "barmode": "stack",
            "xaxis": {"title": {"text": _("Number of regions")}, "rangemode": "tozero"},
            "yaxis": {"title": {"text": ""}, "autorange": "reversed", "automargin": True},
            "legend": {"orientation": "h", "y": -0.15, "traceorder": "normal"},
            "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
            "height": max(320, 28 * len(groups) + 160),
            "font": {"family": FONT},
        },
    }
