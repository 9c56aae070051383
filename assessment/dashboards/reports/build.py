"""From a request's ranking filter to a report: the same filter, race and visibility the
ranking page uses (`filters.ranking_for`), so an export holds exactly the page's rows, in the
page's order; plus its title and file name."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.collection.models import Round
from assessment.dashboards.filters import RankingRequest, ranking_for
from assessment.dashboards.reports import labels
from assessment.dashboards.selectors.reports import RoundReport, Section, round_report, section
from assessment.dashboards.tables import sorted_rows
from assessment.regions.models import Region

#: The GET parameters of the ranking page that decide which rows it shows and in what order.
FILTER_PARAMS = ("level", "parent", "maturity", "peer_class", "rank_by", "race", "sort")


def filter_params(data: Mapping) -> dict[str, str]:
    """The ranking filter's parameters out of a request's GET (nothing else is kept)."""
    return {name: str(data.get(name)) for name in FILTER_PARAMS if data.get(name)}


def read_for(round_: Round, params: Mapping, visibility: Q) -> RankingRequest:
    """The ranking the page reads for these parameters."""
    return ranking_for(QueryDict(urlencode(filter_params(params))), round_, visibility=visibility)


def section_for(read: RankingRequest, sort: str = "") -> Section:
    """A report section holding every row of the page's filter, in the page's order."""
    cleaned = read.filters.form.cleaned_data
    return section(read.result, sorted_rows(read, sort), read.filters.region_filter(),
                   maturity=cleaned.get("maturity") or None)  # fmt: skip


def report_for(
    round_: Round, params: Mapping, visibility: Q, *, exported_by: str = ""
) -> RoundReport:
    """The report of the page with these parameters (one section: the page's level)."""
    read = read_for(round_, params, visibility)
    return round_report(
        round_=round_,
        sections=[section_for(read, params.get("sort", ""))],
        parents={read.parent} if read.parent else set(),
        exported_by=exported_by,
    )


#: The kinds of round report, as their names say them: the Excel workbook, the written report.
RESULTS, WRITTEN = "results", "written"


def report_names(
    round_: Round, levels: list[str], parents: list[str], *, kind: str = RESULTS,
    suffix: str = ".xlsx",
) -> tuple[str, str, str]:  # fmt: skip
    """(title, readable file name, ASCII fallback name) of a round report (`kind`: the
    workbook or the written report; `suffix`: the file's)."""
    where_levels = "、".join(labels.level_name(level) for level in levels)
    parents = sorted(set(parents))
    parent_names = list(
        Region.objects.filter(code__in=parents).order_by("code").values_list("name", flat=True)
    )
    where = f"{'、'.join(parent_names)}{where_levels}" if parent_names else where_levels
    params = {"round": round_.name, "where": where}
    if kind == WRITTEN:
        title = _("%(round)s · %(where)s · assessment report") % params
        word = _("assessment report")  # outside the f-string, where makemessages finds it
    else:
        title = _("%(round)s · %(where)s · results report") % params
        word = _("results report")
    today = timezone.localdate().strftime("%Y%m%d")
    readable = f"{round_.name}-{where}-{word}-{today}{suffix}"
    fallback = "-".join(["round", str(round_.pk), round_.period, *levels, *parents, kind,
                         "report", today])  # fmt: skip
    return title, readable, f"{fallback}{suffix}"
