"""What the ranking page and the public display share: the filter, the table, the charts."""

from __future__ import annotations

from functools import wraps

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from assessment.collection.models import Round
from assessment.core.db import bulk_read
from assessment.dashboards.charts import ranking as ranking_charts
from assessment.dashboards.filters import RankingFilter
from assessment.dashboards.selectors.ranking import (
    RACE_PROGRESS,
    Ranking,
    RankingRow,
    as_race,
    dimension_scores,
    ranking,
)
from assessment.dashboards.tables import LevelRaceTable, ProgressRaceTable, RankingTable
from assessment.regions.models import RegionLevel
from assessment.results.selectors.methodology import methodology
from assessment.results.selectors.nodes import maturity_levels, system_nodes

PER_PAGE = 50
PER_PAGE_MAX = 500


class BoundedPaginator(Paginator):
    """django-tables2 takes `?per_page=` from the query string as any integer; a negative or
    huge one is clamped to 1–PER_PAGE_MAX here instead of failing in the paginator."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, min(max(int(per_page), 1), PER_PAGE_MAX), *args, **kwargs)


HEATMAP_LIMIT = 120  # regions: up to this many, the heatmap shows the whole filtered set


def paused_gc(view):
    """Run a results view with the cyclic garbage collector paused (`bulk_read`) from the
    first read to the rendered response.

    A national ranking keeps tens of thousands of objects alive until its template is
    rendered (ranking rows, the table, the charts' data); with the collector running, each
    young collection during the request traverses them again and every tenth one promotes
    them further (measured: 13–18 ms of collection per request, up to 75 ms in one). Paused,
    they are freed by reference counting when the view returns and the collector then finds
    only the few reference cycles the table and form leave behind.
    """

    @wraps(view)
    def paused(request, *args, **kwargs):
        with bulk_read():
            return view(request, *args, **kwargs)

    return paused


def released(response: HttpResponse, result: Ranking, *tables: RankingTable) -> HttpResponse:
    """The rendered response, after dropping the rows of the ranking and of its tables.

    The rendered template's context is a reference cycle that still holds `result` and the
    tables: their columns and the rows built from them would stay alive until the
    collector's next pass, which would then traverse them all. Dropped here, they are freed
    at once; nothing reads them after rendering (8.6 → 1.3 ms of collection per national
    ranking when a row was built per region; docs/BENCHMARKS.md).
    """
    result.rows = []
    for table in tables:
        table.data.data = []
    return response


def ranking_for_request(
    request: HttpRequest, round_: Round, *, visibility: Q, public: bool = False
) -> tuple[Ranking, RankingFilter]:
    """Parse the filter, read the ranking (selectors only)."""
    nodes = system_nodes(round_.system)
    levels = maturity_levels(round_.system)
    filters = RankingFilter(
        request.GET, round_=round_, visibility=visibility, areas=nodes.areas, levels=levels
    )
    query = filters.to_query(sort=request.GET.get("sort", ""))
    result = ranking(query=query, visibility=visibility, public=public, nodes=nodes, levels=levels)
    return result, filters


def ranking_table(
    request: HttpRequest,
    result: Ranking,
    *,
    race: str | None = None,
    profile_links: bool = True,
    **options,
) -> RankingTable:
    """The table of `race` (the query's by default), paginated, or everything with
    ?show=all (for projection and printing)."""
    table = build_table(result, race=race, profile_links=profile_links, **options)
    show_all = request.GET.get("show") == "all"
    paginate = False if show_all else {"per_page": PER_PAGE, "paginator_class": BoundedPaginator}
    RequestConfig(request, paginate=paginate).configure(table)
    return table


def build_table(
    result: Ranking, *, race: str | None = None, profile_links: bool = True, **options
) -> RankingTable:
    """The table of `race` over every row of the ranking (the CSV export uses it as is)."""
    race = race or result.query.race
    progress = race == RACE_PROGRESS
    table_class = ProgressRaceTable if progress else LevelRaceTable
    own_race = race == result.query.race
    return table_class(
        result.rows if own_race else as_race(result, race),
        round_id=result.round.pk,
        precision=result.precision,
        change_precision=result.change_precision,
        areas=[] if progress else result.nodes.areas,
        intervals=result.shows_intervals,
        profile_links=profile_links,
        order_by=result.query.sort if own_race else "",
        **options,
    )


def page_rows(table: RankingTable) -> list[RankingRow]:
    """The rows the reader sees on this page of the table."""
    if getattr(table, "page", None) is None:
        return [row.record for row in table.rows]
    return [row.record for row in table.page.object_list]


def race_chart(result: Ranking, rows: list[RankingRow], race: str) -> dict:
    """The horse race (level race) or the progress race of the regions in `rows`."""
    level = _level_name(result)
    if race == RACE_PROGRESS:
        period = result.previous.period if result.previous else "–"
        return ranking_charts.progress_race(
            rows,
            title=_("Progress race: change since %(period)s (%(level)s)")
            % {"period": period, "level": level},
            precision=result.change_precision,
        )
    node = result.rank_by_node
    what = f"{node.code} {node.name}" if node else _("overall score")
    return ranking_charts.horse_race(
        rows,
        result.levels,
        title=_("Level race: %(what)s (%(level)s)") % {"what": what, "level": level},
        score_title=_("Score"),
        intervals=result.shows_intervals,
        precision=result.precision,
    )


def charts(
    result: Ranking, rows: list[RankingRow], *, heatmap: bool = True, trends: bool = True
) -> dict:
    """The page's charts: the race and the heatmap of this table page's regions; the level
    distribution and the trends of the whole filtered set."""
    figures = {
        "race": race_chart(result, rows, result.query.race),
        "distribution": ranking_charts.level_distribution(
            result.distribution,
            result.levels,
            title=_("Maturity levels per round (%(level)s)") % {"level": _level_name(result)},
        ),
    }
    if trends:
        figures["trend"] = ranking_charts.score_trend(
            result.trends, title=_("Score over the rounds: leaders and chosen region")
        )
        figures["bump"] = ranking_charts.rank_bump(
            result.trends, title=_("Rank over the rounds (bump chart)")
        )
    if heatmap:
        # The whole filtered set while it stays readable (a province's 90 counties); beyond
        # that, the regions on this page of the table (2,846 rows would be a texture).
        whole = len(result.rows) <= HEATMAP_LIMIT
        shown = result.rows if whole else rows
        scores = dimension_scores(
            round_=result.round, codes=[row.code for row in shown], precision=result.precision
        )
        title = (
            _("Dimension scores of all %(n)s regions") if whole
            else _("Dimension scores of the %(n)s regions on this page")
        ) % {"n": len(shown)}  # fmt: skip
        figures["heatmap"] = ranking_charts.dimension_heatmap(
            shown,
            result.nodes.dimensions,
            scores,
            title=title,
        )
    return figures


def _level_name(result: Ranking) -> str:
    return str(dict(RegionLevel.choices).get(result.query.level, ""))


def panel(result: Ranking):
    """The methodology panel of the ranking's round."""
    return methodology(round_=result.round, nodes=result.nodes)
