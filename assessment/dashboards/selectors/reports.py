"""What a round report holds, read once: the page's rankings, the score matrices, the raw
values, the indicator tree and the maturity levels.

The rankings come from `selectors.ranking.ranking()` with the same `RankingQuery` the page
builds from the same GET parameters and the same visibility, so a report holds exactly the
rows the page shows (all of them, not one table page). Result rows are read by (round, kind)
and a region-code range, without joins, and mapped in Python, like the pages do.

Queries (fixed, whatever the number of regions): indicator tree and maturity levels once,
six per ranking section (comparable rounds, regions, overall, area results, score changes,
earlier rounds), dimension results, leaf results, the full indicator tree and the levels with
their gates for the 说明 sheet, the parent region's name when filtered by one, and the raw
values (read while the 原始数据 sheet is written, see `raw_values`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from assessment.collection.models import Round, SubmissionStatus, Value
from assessment.core.db import bulk_read, fetch_all
from assessment.dashboards.selectors.ranking import Ranking, RankingQuery, RankingRow, ranking
from assessment.regions.models import Region
from assessment.regions.selectors import range_filter
from assessment.results.models import Result, ResultKind
from assessment.results.selectors.methodology import Methodology, methodology
from assessment.results.selectors.nodes import (
    LevelInfo,
    NodeInfo,
    SystemNodes,
    maturity_levels,
    published,
    system_nodes,
)
from indicators.models import MaturityLevel
from indicators.services import TreeRow, tree_rows


@dataclass
class ScoreMatrix:
    """Published scores of regions × nodes (dimensions or leaves)."""

    nodes: list[NodeInfo]
    scores: dict[str, list[float | None]]  # region code → one score per node, in node order

    def row(self, code: str) -> list[float | None]:
        return self.scores.get(code) or [None] * len(self.nodes)


@dataclass
class RoundReport:
    round: Round
    sections: list[Ranking]  # one ranking per region level, in the order asked for
    nodes: SystemNodes
    levels: list[LevelInfo]
    methodology: Methodology
    dimensions: ScoreMatrix
    leaves: ScoreMatrix
    tree: list[TreeRow]  # every indicator, for 说明 and the raw values' units
    maturity: list[MaturityLevel]  # with their gates (prefetched), for 说明
    parent_name: str = ""
    exported_by: str = ""
    exported_at: datetime = field(default_factory=timezone.now)

    @property
    def precision(self) -> int:
        return self.sections[0].precision

    @property
    def rows(self) -> list[RankingRow]:
        return [row for section in self.sections for row in section.rows]

    @property
    def codes(self) -> list[str]:
        return [row.code for row in self.rows]


def round_report(
    *,
    queries: list[RankingQuery],
    visibility: Q,
    exported_by: str = "",
    nodes: SystemNodes | None = None,
    levels: list[LevelInfo] | None = None,
) -> RoundReport:
    """The report of one or more rankings of the same round (one per region level).
    `nodes` and `levels` may be passed when the caller has them (the filter needs them)."""
    round_ = queries[0].round
    nodes = nodes or system_nodes(round_.system)
    levels = maturity_levels(round_.system) if levels is None else levels
    sections = [
        ranking(query=query, visibility=visibility, nodes=nodes, levels=levels) for query in queries
    ]
    codes = [row.code for section in sections for row in section.rows]
    precision = sections[0].precision
    with bulk_read():
        dimensions = score_matrix(round_, ResultKind.DIMENSION, nodes.dimensions, codes, precision)
        leaves = score_matrix(round_, ResultKind.LEAF, nodes.leaves, codes, precision)
    parents = {q.parent for q in queries if q.parent}
    parent_name = ", ".join(
        Region.objects.filter(code__in=parents).order_by("code").values_list("name", flat=True)
    )
    return RoundReport(
        round=round_,
        sections=sections,
        nodes=nodes,
        levels=levels,
        methodology=methodology(round_=round_, nodes=nodes),
        dimensions=dimensions,
        leaves=leaves,
        tree=tree_rows(round_.system),
        maturity=list(
            MaturityLevel.objects.filter(system=round_.system)
            .prefetch_related("gates__indicator")
            .order_by("order")
        ),
        parent_name=parent_name,
        exported_by=exported_by,
    )


def score_matrix(
    round_: Round, kind: int, nodes: list[NodeInfo], codes: list[str], precision: int
) -> ScoreMatrix:
    """One query: the round's results of `kind` in the codes' range, kept for `codes`."""
    position = {node.pk: index for index, node in enumerate(nodes)}
    wanted = set(codes)
    if not wanted:
        return ScoreMatrix(nodes=nodes, scores={})
    results = Result.objects.filter(round=round_, kind=kind, **range_filter(wanted)).order_by()
    found = [
        row
        for row in fetch_all(results.values_list("region_id", "indicator_id", "score"))
        if row[0] in wanted and row[1] in position
    ]
    scores: dict[str, list[float | None]] = {code: [None] * len(nodes) for code in codes}
    for (code, node, _), score in zip(
        found, published([r[2] for r in found], precision), strict=True
    ):
        scores[code][position[node]] = score
    return ScoreMatrix(nodes=nodes, scores=scores)


def raw_values(
    *, round_: Round, codes: list[str]
) -> Iterator[tuple[str, int, Decimal | None, str]]:
    """(region code, indicator id, value, note) of the approved submissions of `codes`,
    by region code: one query, streamed in chunks so a national round is never held whole."""
    wanted = set(codes)
    if not wanted:
        return
    values = (
        Value.objects.filter(
            submission__round=round_,
            submission__status=SubmissionStatus.APPROVED,
            **range_filter(wanted, "submission__region_id"),
        )
        .order_by("submission__region_id", "indicator_id")
        .values_list("submission__region_id", "indicator_id", "value", "note")
    )
    for row in values.iterator(chunk_size=5000):
        if row[0] in wanted:
            yield row
