"""Hand-made results for dashboard tests: Result rows with chosen scores, ranks and levels,
written the way the compute step writes them, so pages can be checked against known numbers."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import timezone

from assessment.models import Result, ResultKind, Round
from assessment.services.dashboard_stats import (
    change_rows,
    peer_groups_of,
    replace_dashboard_rows,
    stored_standing,
)
from indicators.models import Indicator, MaturityLevel

# code → (overall score, rank among peers, maturity level code); None score = no result
Overall = Mapping[str, tuple[float | None, int | None, str | None]]


def hand_results(
    round_: Round,
    overall: Overall,
    *,
    areas: Mapping[str, Mapping[str, float]] | None = None,
    intervals: Mapping[str, tuple[int, int]] | None = None,
) -> None:
    """Store these results for the round (replacing any) and mark it computed."""
    system = round_.system
    levels = {level.code: level for level in MaturityLevel.objects.filter(system=system)}
    area_nodes = {a.code: a for a in Indicator.objects.filter(system=system, parent=None)}
    Result.objects.filter(round=round_).delete()
    rows = []
    for code, (score, rank, level) in overall.items():
        low, high = (intervals or {}).get(code, (rank, rank))
        rows.append(
            Result(
                round=round_,
                region_id=code,
                kind=ResultKind.OVERALL,
                score=score,
                rank=rank,
                rank_low=low,
                rank_high=high,
                level=levels.get(level),
                level_by_score=levels.get(level),
                flags=0 if score is not None else 1,
            )
        )
        for area, area_score in (areas or {}).get(code, {}).items():
            rows.append(
                Result(
                    round=round_,
                    region_id=code,
                    indicator=area_nodes[area],
                    kind=ResultKind.AREA,
                    score=area_score,
                    rank=None,
                )
            )
    Result.objects.bulk_create(rows)
    round_.computed_at = timezone.now()
    round_.save(update_fields=["computed_at"])


def refresh_progress(round_: Round) -> None:
    """Derive the round's progress race from the stored results, as the compute step does."""
    current = stored_standing(round_)
    previous = stored_standing(round_.previous)
    rows = change_rows(current=current, previous=previous, peers=peer_groups_of(current.codes))
    replace_dashboard_rows(round_id=round_.pk, peer_stats=[], changes={round_.pk: rows})
