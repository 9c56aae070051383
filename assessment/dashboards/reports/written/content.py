"""What the written report needs beyond the round report and its summary: the approved
practices of its regions (典型案例) and, per weak indicator, the rectification under way and
the practices to learn from (整改建议). Two queries whatever the number of regions."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from assessment.dashboards.selectors.reports import RoundReport
from assessment.dashboards.selectors.summary import Summary
from assessment.rectification.models import Practice, PracticeStatus, RectificationTask
from assessment.rectification.models.tasks import COMPLETE
from assessment.regions.selectors import range_filter

#: Practices in the 典型案例 chapter, and practices named per suggestion.
PRACTICES = 12
PER_SUGGESTION = 2


@dataclass
class Suggestion:
    """A common weak indicator and what is being done about it."""

    code: str
    name: str
    below: int  # regions below the rectification line
    scored: int
    tasks: int = 0  # the report's regions' tasks on it
    complete: int = 0  # … done or verified
    practices: list[Practice] = field(default_factory=list)  # to learn from

    @property
    def share(self) -> float:
        return self.below / self.scored if self.scored else 0.0


@dataclass
class WrittenContent:
    practices: list[Practice]
    suggestions: list[Suggestion]


def written_content(report: RoundReport, summary: Summary) -> WrittenContent:
    codes = set(report.codes)
    weak = {}
    for level in summary.levels:
        for item in level.weak_indicators:
            known = weak.get(item.node.code)
            if known is None:
                weak[item.node.code] = Suggestion(item.node.code, item.node.name, item.below,
                                                  item.scored)  # fmt: skip
            else:
                known.below += item.below
                known.scored += item.scored
    practices = _practices(report, codes)
    if weak and codes:
        tasks = (
            RectificationTask.objects.filter(
                round=report.round, indicator__code__in=list(weak), **range_filter(codes)
            )
            .values_list("indicator__code", "region_id")
            .annotate(n=Count("id"), done=Count("id", filter=Q(status__in=COMPLETE)))
            .order_by()
        )
        for code, region, n, done in tasks:
            if region in codes:
                weak[code].tasks += n
                weak[code].complete += done
    for suggestion in weak.values():
        suggestion.practices = [p for p in practices if p.indicator.code == suggestion.code][
            :PER_SUGGESTION
        ]
    ordered = sorted(weak.values(), key=lambda s: (-s.share, s.code))
    return WrittenContent(practices=practices[:PRACTICES], suggestions=ordered)


def _practices(report: RoundReport, codes: set[str]) -> list[Practice]:
    """The round's approved practices of the report's regions, best ranked first (one
    query)."""
    if not codes:
        return []
    found = (
        Practice.objects.filter(
            round=report.round, status=PracticeStatus.APPROVED, **range_filter(codes)
        )
        .select_related("region", "indicator")
        .order_by("rank", "-created_at", "-id")
    )
    return [practice for practice in found if practice.region_id in codes]
