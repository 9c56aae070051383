"""What a round report holds, read once: the page's rankings, the score matrices, the raw
values, the indicator tree and the maturity levels.

Each section is a ranking read with the page's own filter and race from the same GET
parameters and the same visibility (`reports/build.py`), with all of its rows in the page's
order, so a report holds exactly the rows the page shows. Result rows for the matrices are
read by (round, kind) and a region-code range, without joins, and mapped in Python.

Queries (fixed, whatever the number of regions): per section its rows and its level
distribution; dimension results, leaf results, the full indicator tree and the levels with
their gates for the 说明 sheet, the parent region's name when filtered by one, and the raw
values (read while the 原始数据 sheet is written, see `raw_values`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import FloatField, Q
from django.db.models.functions import Cast
from django.utils import timezone

from assessment.collection.models import Round, SubmissionStatus, Value
from assessment.core.db import fetch_all, fetch_chunks
from assessment.dashboards.selectors.ranking import (
    Comparison,
    Race,
    Ranking,
    distribution,
)
from assessment.regions.models import Region
from assessment.regions.selectors import range_filter
from assessment.results.models import Result, ResultKind, Standing
from assessment.results.selectors.methodology import Methodology, methodology
from assessment.results.selectors.nodes import (
    LevelInfo,
    NodeInfo,
    SystemNodes,
    published,
)
from assessment.results.services.classes import scheme_names
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
class Section:
    """One ranking of a report (one region level) with every row, in the page's order."""

    ranking: Ranking
    rows: list[Standing]
    distribution: list[tuple[Round, dict[int | None, int]]]
    maturity: str | None = None  # the maturity level the filter narrows to (code)

    @property
    def level(self) -> str:
        return self.ranking.level

    @property
    def race(self) -> Race:
        return self.ranking.race

    @property
    def precision(self) -> int:
        return self.ranking.precision

    @property
    def change_precision(self) -> int:
        return self.ranking.change_precision

    @property
    def comparison(self) -> Comparison:
        return self.ranking.comparison

    @property
    def previous(self) -> Round | None:
        return self.ranking.previous

    @property
    def rank_by_node(self) -> NodeInfo | None:
        return self.ranking.rank_by_node


def section(ranking_: Ranking, rows, regions: Q, maturity: str | None = None) -> Section:
    """A report section: every row of `rows` (the ranking's, in the page's order) and the
    level distribution of the filter's regions (`regions`, a Q on Standing)."""
    return Section(
        ranking=ranking_,
        rows=list(rows.select_related("maturity", "maturity_by_score")),
        distribution=distribution(ranking_, regions),
        maturity=maturity,
    )


@dataclass
class RoundReport:
    round: Round
    sections: list[Section]  # one ranking per region level, in the order asked for
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
    schemes: list[str] = field(default_factory=list)  # classification schemes, slot order

    @property
    def precision(self) -> int:
        return self.sections[0].precision

    @property
    def rows(self) -> list[Standing]:
        return [row for section in self.sections for row in section.rows]

    @property
    def codes(self) -> list[str]:
        return [row.code for row in self.rows]

    @property
    def scope_name(self) -> str:
        """The area this report covers: the parent region it was filtered by; else the one
        region every row lies in or is (杭州市 for a Hangzhou supervisor's report of 杭州市
        and its counties); else the round's scope."""
        if self.parent_name:
            return self.parent_name
        return common_region(self.rows) or self.round.scope_name


def common_region(rows: list[Standing]) -> str:
    """The name of the region each of `rows` is or lies directly below, if there is one
    (no query: the rows carry their parents' names)."""
    if not rows:
        return ""
    names = {}
    for row in rows:
        names.setdefault(row.region_id, row.name)
        if row.parent_id:
            names.setdefault(row.parent_id, row.parent_name)
    candidates = {rows[0].region_id, rows[0].parent_id} - {None}
    for row in rows[1:]:
        candidates &= {row.region_id, row.parent_id}
        if not candidates:
            return ""
    if len(candidates) == 2:  # one region only: the report covers it
        candidates = {rows[0].region_id}
    return names[candidates.pop()]


def round_report(
    *, round_: Round, sections: list[Section], parents: set[str], exported_by: str = ""
) -> RoundReport:
    """The report of one or more rankings of the same round (one per region level)."""
    first = sections[0].ranking
    nodes, levels = first.nodes, first.levels
    codes = [row.code for s in sections for row in s.rows]
    precision = first.precision
    dimensions = score_matrix(round_, ResultKind.DIMENSION, nodes.dimensions, codes, precision)
    leaves = score_matrix(round_, ResultKind.LEAF, nodes.leaves, codes, precision)
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
        schemes=scheme_names(round_),
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


def raw_values(*, round_: Round, codes: list[str]) -> Iterator[tuple[str, int, float | None, str]]:
    """(region code, indicator id, value, note) of the approved submissions of `codes`,
    by region code: one query, streamed in chunks so a national round is never held whole.
    The values come as floats, cast in SQL, through a plain cursor: a report shows them as
    numbers, and a national round's 138,000 Decimals built by the driver and quantised by
    Django's converters cost more than the rest of reading them."""
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
        .annotate(number=Cast("value", FloatField()))
        .values_list("submission__region_id", "indicator_id", "number", "note")
    )
    for row in fetch_chunks(values):
        if row[0] in wanted:
            yield row
