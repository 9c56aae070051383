"""One region's results in a round, against its peers (regions of the same level in the round).

Reads the region's own Result rows, the peer statistics the compute step stored (PeerStat),
its progress (Standing) and its overall results in the earlier comparable rounds: a fixed
number of queries, never the peers' leaf rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from assessment.collection.models import Round
from assessment.dashboards.selectors.explain import Explanation, explanation
from assessment.rectification.models import Practice, PracticeStatus, RectificationTask
from assessment.rectification.selectors.tasks import open_tasks
from assessment.regions.models import Region
from assessment.results.models import PeerStat, Result, ResultFlag, ResultKind, Standing
from assessment.results.selectors.nodes import (
    LevelInfo,
    NodeInfo,
    SystemNodes,
    history_rounds,
    maturity_levels,
    one_published,
    precision_of,
    published,
    system_nodes,
)
from assessment.results.services.classes import scheme_names
from indicators.engine import GateFailure
from indicators.language import in_english

#: How many strongest and weakest indicators the profile lists.
EXTREMES = 3


@dataclass(frozen=True)
class NodeScore:
    """The region's published score on one node, beside its peers' median and best."""

    node: NodeInfo
    score: float | None
    rank: int | None
    rank_in_parent: int | None
    flags: int
    peers: int  # peers with a score on this node
    median: float | None
    best: float | None

    @property
    def gap(self) -> float | None:
        """Points above (+) or below (−) the peer median."""
        if self.score is None or self.median is None:
            return None
        return self.score - self.median

    @property
    def missing(self) -> bool:
        return bool(self.flags & ResultFlag.MISSING)

    @property
    def flagged_overstated(self) -> bool:
        """The score was reduced for an overstated value (虚报) at or below this node. (Not
        `overstated`: data_flags reads that name as a Standing's count of overstated values.)"""
        return bool(self.flags & ResultFlag.OVERSTATED)

    @property
    def imputed(self) -> bool:
        return bool(self.flags & ResultFlag.IMPUTED)

    @property
    def partial(self) -> bool:
        return bool(self.flags & ResultFlag.PARTIAL)

    @property
    def exempt(self) -> bool:
        """Taken out of the region's score by an accepted appeal (leaf), or above one."""
        return bool(self.flags & ResultFlag.EXEMPT)


@dataclass(frozen=True)
class HistoryEntry:
    round: Round
    score: float | None
    rank: int | None
    level: LevelInfo | None
    change: float | None = None
    change_rank: int | None = None
    previous_rank: int | None = None
    #: What verification's corrections changed in the score (None: nothing corrected).
    verification_effect: float | None = None

    @property
    def rank_change(self) -> int | None:
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


@dataclass
class RegionProfile:
    round: Round
    region: Region
    precision: int
    nodes: SystemNodes
    levels: list[LevelInfo]
    overall: NodeScore
    level: LevelInfo | None
    level_by_score: LevelInfo | None
    gate_reasons: list[str]
    rank_low: int | None
    rank_high: int | None
    areas: list[NodeScore]
    dimensions: list[NodeScore]
    leaves: list[NodeScore]
    strongest: list[NodeScore]
    weakest: list[NodeScore]
    history: list[HistoryEntry]  # oldest first, this round last
    leader: Region | None  # the best peer (highest overall score)
    leader_areas: dict[str, float | None] = field(default_factory=dict)
    #: Rectification tasks (整改) of this region in the round that are not verified yet.
    rectification_tasks: list[RectificationTask] | None = None
    #: Indicator code → approved practices of other regions on it (for the open tasks).
    task_practices: dict[str, int] = field(default_factory=dict)
    #: Approved practices this region shared (典型案例), in any round.
    shared_practices: list[Practice] = field(default_factory=list)
    #: (scheme, class, rank in class) for each classification scheme the round ranks within.
    classes: list[tuple[str, str, int | None]] = field(default_factory=list)
    #: Values, rules and points per indicator, and what the next maturity level needs.
    explanation: Explanation = field(default_factory=Explanation)

    @property
    def current(self) -> HistoryEntry:
        return self.history[-1]

    @property
    def held_back(self) -> bool:
        return self.level_by_score is not None and self.level != self.level_by_score

    def tree(self) -> list[NodeScore]:
        """Dimensions with their indicators below each, in the system's order."""
        by_pk = {s.node.pk: s for s in (*self.dimensions, *self.leaves)}
        return [by_pk[n.pk] for n in self.nodes.nodes if n.pk in by_pk]


def region_profile(
    *, round_: Round, region: Region, published_only: bool = False
) -> RegionProfile | None:
    """The region's profile, or None when it has no results in the round.

    `published_only` (regional staff) keeps unpublished rounds out of the history.
    Queries (fixed): tree, levels, comparable rounds, peer statistics with the best peer,
    the region's and the best peer's results, the region's earlier overall results and its
    score changes, its open tasks, the practices on their indicators and its own practices,
    and for the explanations the leaves with the region's values and the levels' gates.
    """
    nodes = system_nodes(round_.system)
    levels = maturity_levels(round_.system)
    history = history_rounds(round_, published_only=published_only)
    precision = precision_of(round_)
    stats = {
        stat.indicator_id: stat
        for stat in PeerStat.objects.filter(round=round_, level=region.level).select_related(
            "best_region"
        )
    }
    leader = stats[None].best_region if None in stats else None
    codes = {region.code} | ({leader.code} if leader else set())
    results = list(
        Result.objects.filter(
            round=round_,
            kind__in=[ResultKind.OVERALL, ResultKind.AREA, ResultKind.DIMENSION, ResultKind.LEAF],
            region_id__in=codes,
        )
    )
    own = {r.indicator_id: r for r in results if r.region_id == region.code}
    if None not in own:
        return None
    scores = _node_scores(nodes, own, stats, precision, region.level)
    overall = own[None]
    by_pk = {level.pk: level for level in levels}
    leaves = [s for s in scores if s.node.kind == ResultKind.LEAF]
    strongest, weakest = _extremes(leaves)
    area_codes = {a.pk: a.code for a in nodes.areas}
    leader_code = leader.code if leader else None
    leader_rows = [
        r for r in results if r.region_id == leader_code and r.indicator_id in area_codes
    ]
    leader_areas = dict(
        zip(
            [area_codes[r.indicator_id] for r in leader_rows],
            published((r.score for r in leader_rows), precision),
            strict=True,
        )
    )
    return RegionProfile(
        round=round_,
        region=region,
        precision=precision,
        nodes=nodes,
        levels=levels,
        overall=next(s for s in scores if s.node.kind == ResultKind.OVERALL),
        level=by_pk.get(overall.level_id),
        level_by_score=by_pk.get(overall.level_by_score_id),
        gate_reasons=_gate_reasons(overall.gate_notes or [], nodes, precision),
        rank_low=overall.rank_low,
        rank_high=overall.rank_high,
        areas=[s for s in scores if s.node.kind == ResultKind.AREA],
        dimensions=[s for s in scores if s.node.kind == ResultKind.DIMENSION],
        leaves=leaves,
        strongest=strongest,
        weakest=weakest,
        history=_history(region, history, overall, by_pk, precision),
        leader=leader,
        leader_areas=leader_areas,
        classes=_classes(round_, region),
        explanation=explanation(round_=round_, region=region, nodes=nodes, own=own),
        **_loop(round_, region),
    )


def _classes(round_: Round, region: Region) -> list[tuple[str, str, int | None]]:
    """The region's class and rank in class per scheme (one query; none without schemes)."""
    schemes = scheme_names(round_)
    if not schemes:
        return []
    standing = Standing.objects.filter(round=round_, region=region).first()
    if standing is None:
        return []
    return [
        (name, standing.class_in_scheme(slot), standing.rank_in_scheme(slot))
        for slot, name in enumerate(schemes)
        if standing.class_in_scheme(slot)
    ]


def _loop(round_: Round, region: Region) -> dict:
    """Open tasks, practices of other regions on their indicators, and the region's own
    approved practices (three queries)."""
    tasks = open_tasks(round_=round_, region=region)
    codes = {task.indicator.code for task in tasks}
    counts = dict(
        Practice.objects.filter(status=PracticeStatus.APPROVED, indicator__code__in=codes)
        .exclude(region=region)
        .values_list("indicator__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    shared = list(
        Practice.objects.filter(region=region, status=PracticeStatus.APPROVED)
        .select_related("indicator", "round")
        .order_by("-created_at", "-id")
    )
    return {"rectification_tasks": tasks, "task_practices": counts, "shared_practices": shared}


OVERALL_NODE = NodeInfo(pk=0, code="", name="", kind=ResultKind.OVERALL, parent_id=None, points=100)


def _node_scores(
    nodes: SystemNodes, own: dict, stats: dict, precision: int, level: str
) -> list[NodeScore]:
    """The region's scores per node, leaving out the indicators that do not apply to it."""
    applicable = (n for n in nodes.nodes if n.applies_to(level))
    order = [(None, OVERALL_NODE), *((n.pk, n) for n in applicable)]
    present = [(pk, node) for pk, node in order if pk in own]
    values = published([v for pk, _ in present for v in _triple(own[pk], stats.get(pk))], precision)
    out = []
    for i, (pk, node) in enumerate(present):
        result, stat = own[pk], stats.get(pk)
        score, median, best = values[3 * i : 3 * i + 3]
        out.append(
            NodeScore(
                node=node,
                score=score,
                rank=result.rank,
                rank_in_parent=result.rank_in_parent,
                flags=result.flags,
                peers=stat.count if stat else 0,
                median=median,
                best=best,
            )
        )
    return out


def _triple(result: Result, stat: PeerStat | None) -> tuple:
    return (result.score, stat.median if stat else None, stat.best if stat else None)


def _extremes(leaves: list[NodeScore]) -> tuple[list[NodeScore], list[NodeScore]]:
    """The indicators furthest above and below the peer median (ties: the better rank)."""
    scored = [s for s in leaves if s.gap is not None]
    ordered = sorted(scored, key=lambda s: (-s.gap, s.rank or 0, s.node.code))
    strongest = ordered[:EXTREMES]
    rest = ordered[len(strongest) :]
    weakest = sorted(rest, key=lambda s: (s.gap, -(s.rank or 0), s.node.code))[:EXTREMES]
    return strongest, weakest


def _gate_reasons(notes: list[dict], nodes: SystemNodes, precision: int) -> list[str]:
    """Why the level is lower than the score alone would give, one sentence per gate."""
    lang = "en" if in_english() else "zh"
    names = {n.code: n.name for n in nodes.nodes}
    reasons = []
    for note in notes:
        actual = note.get("actual")
        failure = GateFailure(
            level=note["level"],
            kind=note["kind"],
            node=note["node"],
            required=float(note["required"]),
            actual=float("nan") if actual is None else float(actual),
        )
        name = names.get(note["node"])
        text = failure.describe(lang, precision)
        reasons.append(f"{text}（{name}）" if name and lang == "zh" else text)
    return reasons


def _history(region, history, overall, by_pk, precision) -> list[HistoryEntry]:
    """The region's overall result and progress in each comparable round (two queries)."""
    earlier = {
        r.round_id: r
        for r in Result.objects.filter(
            round__in=history[:-1], kind=ResultKind.OVERALL, region_id=region.code
        )
    }
    standings = {
        s.round_id: s
        for s in Standing.objects.filter(round__in=history, region_id=region.code).only(
            "round_id", "previous_round_id", "previous_rank", "change", "change_rank",
            "verification_effect",
        )
    }  # fmt: skip
    changes = {
        round_id: s
        for round_id, s in standings.items()
        if s.previous_round_id and s.previous_round_id == _previous_id(history, round_id)
    }
    entries = []
    for round_ in history:
        result = overall if round_ is history[-1] else earlier.get(round_.pk)
        change = changes.get(round_.pk)
        decimals = precision if round_ is history[-1] else precision_of(round_)
        entries.append(
            HistoryEntry(
                round=round_,
                score=one_published(result.score, decimals) if result else None,
                rank=result.rank if result else None,
                level=by_pk.get(result.level_id) if result else None,
                change=change.change if change else None,
                change_rank=change.change_rank if change else None,
                previous_rank=change.previous_rank if change else None,
                verification_effect=getattr(standings.get(round_.pk), "verification_effect", None),
            )
        )
    return entries


def _previous_id(history: list[Round], round_id: int) -> int | None:
    """A stored change counts only if it compares with the round's current `previous`."""
    return next((r.previous_id for r in history if r.pk == round_id), None)
