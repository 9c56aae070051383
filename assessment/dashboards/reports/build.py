"""From a request's ranking filter to a report: the same `RankingFilter` and visibility the
ranking page uses, so an export holds exactly the page's rows; plus its title and file name."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.collection.models import Round
from assessment.dashboards.filters import RankingFilter
from assessment.dashboards.reports import labels
from assessment.dashboards.selectors.ranking import RankingQuery
from assessment.dashboards.selectors.reports import RoundReport, round_report
from assessment.regions.models import Region
from assessment.results.selectors.nodes import LevelInfo, SystemNodes, maturity_levels, system_nodes

#: The GET parameters of the ranking page that decide which rows it shows and in what order.
FILTER_PARAMS = ("level", "parent", "maturity", "rank_by", "race", "sort")


def filter_params(data: Mapping) -> dict[str, str]:
    """The ranking filter's parameters out of a request's GET (nothing else is kept)."""
    return {name: str(data.get(name)) for name in FILTER_PARAMS if data.get(name)}


def ranking_filter(
    round_: Round,
    params: Mapping,
    visibility: Q,
    *,
    nodes: SystemNodes | None = None,
    levels: list[LevelInfo] | None = None,
) -> RankingFilter:
    nodes = nodes or system_nodes(round_.system)
    return RankingFilter(
        QueryDict(urlencode(filter_params(params))),
        round_=round_,
        visibility=visibility,
        areas=nodes.areas,
        levels=maturity_levels(round_.system) if levels is None else levels,
    )


def query_for(round_: Round, params: Mapping, visibility: Q) -> RankingQuery:
    """The RankingQuery the ranking page builds from these parameters."""
    return ranking_filter(round_, params, visibility).to_query(sort=params.get("sort", ""))


def report_for(
    round_: Round, params: Mapping, visibility: Q, *, exported_by: str = ""
) -> RoundReport:
    return round_report(
        queries=[query_for(round_, params, visibility)],
        visibility=visibility,
        exported_by=exported_by,
    )


def report_names(round_: Round, queries: list[RankingQuery]) -> tuple[str, str, str]:
    """(title, readable file name, ASCII fallback name) of a round report."""
    levels = "、".join(labels.level_name(q.level) for q in queries)
    parents = sorted({q.parent for q in queries if q.parent})
    parent_names = list(
        Region.objects.filter(code__in=parents).order_by("code").values_list("name", flat=True)
    )
    where = f"{'、'.join(parent_names)}{levels}" if parent_names else levels
    title = _("%(round)s · %(where)s · results report") % {"round": round_.name, "where": where}
    today = timezone.localdate().strftime("%Y%m%d")
    readable = f"{round_.name}-{where}-{_('results report')}-{today}.xlsx"
    fallback = "-".join(
        ["round", str(round_.pk), round_.period, *(q.level for q in queries), *parents,
         "report", today]
    )  # fmt: skip
    return title, readable, f"{fallback}.xlsx"
