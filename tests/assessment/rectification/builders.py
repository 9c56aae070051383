"""Hand-made results for the loop's tests: chosen node scores, gate notes and peer medians,
stored the way the compute step stores them, and a published round with its tasks."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import timezone

from assessment.collection.models import Round, RoundStatus
from assessment.regions.models import level_for_code
from assessment.results.models import PeerStat, Result, ResultKind
from indicators.models import Indicator
from tests.assessment.builders import make_round, store_standings

# region code → node code → score (areas and indicators)
Scores = Mapping[str, Mapping[str, float | None]]


def store_results(
    round_: Round,
    scores: Scores,
    *,
    gates: Mapping[str, list[dict]] | None = None,
    medians: Mapping[str, float] | None = None,
) -> None:
    """An overall row per region (with its gate notes), a row per given node, and the peers'
    medians per node for every level present; the round is marked computed."""
    nodes = {n.code: n for n in Indicator.objects.filter(system=round_.system)}
    rows = []
    for code, by_node in scores.items():
        rows.append(
            Result(
                round=round_,
                region_id=code,
                kind=ResultKind.OVERALL,
                score=60.0,
                rank=1,
                gate_notes=(gates or {}).get(code),
            )
        )
        for node_code, score in by_node.items():
            node = nodes[node_code]
            rows.append(
                Result(
                    round=round_,
                    region_id=code,
                    indicator=node,
                    kind=ResultKind.AREA if node.parent_id is None else ResultKind.LEAF,
                    score=score,
                    rank=1,
                )
            )
    Result.objects.bulk_create(rows)
    levels = {level_for_code(code) for code in scores}
    PeerStat.objects.bulk_create(
        PeerStat(
            round=round_,
            level=level,
            indicator=nodes[node_code],
            kind=ResultKind.AREA if nodes[node_code].parent_id is None else ResultKind.LEAF,
            count=len(scores),
            median=median,
        )
        for level in levels
        for node_code, median in (medians or {}).items()
    )
    store_standings(round_)
    round_.computed_at = timezone.now()
    round_.save(update_fields=["computed_at"])


def gate(node: str, actual: float | None, *, level: str = "L4", required: float = 80) -> dict:
    kind = "leaf" if "." in node else "area"
    return {"level": level, "kind": kind, "node": node, "required": required, "actual": actual}


def closed_round(system, *, period: str = "2025") -> Round:
    return make_round(system, period=period, status=RoundStatus.CLOSED)
