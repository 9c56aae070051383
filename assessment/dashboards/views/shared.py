"""What the ranking page and the public display share: the filter, the table, the charts."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from assessment.dashboards.charts import ranking as ranking_charts
from assessment.dashboards.filters import RankingRequest
from assessment.dashboards.selectors.ranking import (
    RACE_PROGRESS,
    Race,
    Ranking,
    dimension_scores,
    distribution,
    trends,
    unique_labels,
)
from assessment.dashboards.tables import RankingTable, table_for
from assessment.regions.models import RegionLevel
from assessment.results.models import Standing
from assessment.results.selectors.methodology import methodology

PER_PAGE = 50
PER_PAGE_MAX = 500
HEATMAP_LIMIT = 120  # regions: up to this many, the heatmap shows the whole filtered set


class BoundedPaginator(Paginator):
    """django-tables2 takes `?per_page=` from the query string as any integer; a negative or
    huge one is clamped to 1–PER_PAGE_MAX here instead of failing in the paginator."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, min(max(int(per_page), 1), PER_PAGE_MAX), *args, **kwargs)


def ranking_table(
    request: HttpRequest, read: RankingRequest, *, race: Race | None = None, **options
) -> RankingTable:
    """The table, sorted by the request's `sort` and paginated, or everything with ?show=all
    (for projection and printing)."""
    table = table_for(read, race=race, **options)
    show_all = request.GET.get("show") == "all"
    paginate = False if show_all else {"per_page": PER_PAGE, "paginator_class": BoundedPaginator}
    RequestConfig(request, paginate=paginate).configure(table)
    return table


def page_rows(table: RankingTable) -> list[Standing]:
    """The rows the reader sees on this page of the table."""
    if getattr(table, "page", None) is None:
        return [row.record for row in table.rows]
    return [row.record for row in table.page.object_list]


def race_chart(result: Ranking, rows: list[Standing], race: Race) -> dict:
    """The horse race (level race) or the progress race of the regions in `rows`."""
    level = _level_name(result)
    labels = unique_labels(rows)
    if race.race == RACE_PROGRESS:
        period = result.previous.period if result.previous else "–"
        return ranking_charts.progress_race(
            rows,
            labels,
            title=_("Progress race: change since %(period)s (%(level)s)")
            % {"period": period, "level": level},
            precision=result.change_precision,
        )
    node = result.rank_by_node
    what = f"{node.code} {node.name}" if node else _("overall score")
    return ranking_charts.horse_race(
        rows,
        labels,
        result.levels,
        title=_("Level race: %(what)s (%(level)s)") % {"what": what, "level": level},
        score_title=_("Score"),
        intervals=result.shows_intervals,
        precision=result.precision,
    )


def charts(
    read: RankingRequest,
    rows: list[Standing],
    *,
    total: int,
    heatmap: bool = True,
    with_trends: bool = True,
) -> dict:
    """The page's charts: the race and the heatmap of this table page's regions (the whole
    filter for the heatmap while it stays readable); the level distribution and the trends of
    the whole filtered set. `total`: how many regions the filter holds."""
    result = read.result
    figures = {
        "race": race_chart(result, rows, result.race),
        "distribution": ranking_charts.level_distribution(
            distribution(result, read.filters.region_filter()),
            result.levels,
            title=_("Maturity levels per round (%(level)s)") % {"level": _level_name(result)},
        ),
    }
    if with_trends:
        followed = trends(result, read.focus)
        figures["trend"] = ranking_charts.score_trend(
            followed, title=_("Score over the rounds: leaders and chosen region")
        )
        figures["bump"] = ranking_charts.rank_bump(
            followed, title=_("Rank over the rounds (bump chart)")
        )
    if heatmap:
        # The whole filtered set while it stays readable (a province's 90 counties); beyond
        # that, the regions on this page of the table (2,846 rows would be a texture).
        whole = total <= HEATMAP_LIMIT
        shown = list(result.rows) if whole and total > len(rows) else rows
        scores = dimension_scores(
            round_=result.round, codes=[row.code for row in shown], precision=result.precision
        )
        title = (
            _("Dimension scores of all %(n)s regions") if whole
            else _("Dimension scores of the %(n)s regions on this page")
        ) % {"n": len(shown)}  # fmt: skip
        figures["heatmap"] = ranking_charts.dimension_heatmap(
            shown, unique_labels(shown), result.nodes.dimensions, scores, title=title
        )
    return figures


def _level_name(result: Ranking) -> str:
    return str(dict(RegionLevel.choices).get(result.level, ""))


def panel(result: Ranking):
    """The methodology panel of the ranking's round."""
    return methodology(round_=result.round, nodes=result.nodes)
