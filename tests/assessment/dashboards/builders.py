"""Hand-made results for dashboard tests: Result rows and the ranking read model (Standing)
with chosen scores, ranks and levels, written through the compute step's own writers, so pages
can be checked against known numbers."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import timezone

from assessment.collection.models import Round
from assessment.regions.models import Region, level_for_code
from assessment.results.models import Result, ResultKind
from assessment.results.services.standings import (
    refresh_successors,
    stored_overall,
)
from indicators.models import Indicator, MaturityLevel
from tests.assessment.builders import make_round, store_standings

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
                    rank=_area_rank(areas, code, area),
                )
            )
    Result.objects.bulk_create(rows)
    store_standings(round_)
    round_.computed_at = timezone.now()
    round_.save(update_fields=["computed_at"])


def _area_rank(areas, code: str, area: str) -> int | None:
    """Rank of the region's area score among the same level's (ties share the best rank)."""
    if area not in areas.get(code, {}):
        return None
    level = level_for_code(code)
    mine = areas[code][area]
    peers = [scores[area] for other, scores in areas.items() if level_for_code(other) == level]
    return 1 + sum(score > mine for score in peers)


def refresh_progress(round_: Round) -> None:
    """Derive the round's progress race from the stored results, as the compute step does
    when the round it compares with is computed again."""
    refresh_successors(round_.previous, stored_overall(round_.previous))
    round_.refresh_from_db()


def round_of_counties(system, count: int, *, status: str = "published") -> Round:
    """A Zhejiang round (and its previous round) with results for `count` counties, half of
    them in Hangzhou where possible, for query-count tests."""

    codes = list(
        Region.objects.filter(code__startswith="33", level="county")
        .order_by("code")
        .values_list("code", flat=True)[:count]
    )
    previous = make_round(system, period="2024", status=status)
    hand_results(previous, {code: (50.0 + i % 40, i + 1, "L2") for i, code in enumerate(codes)})
    current = make_round(system, period="2025", status=status, previous=previous)
    areas = {code: {"DS": 60.0, "SV": 70.0, "BL": 65.0, "PP": 55.0} for code in codes}
    hand_results(
        current,
        {code: (55.0 + i % 40, i + 1, "L3") for i, code in enumerate(codes)},
        areas=areas,
    )
    refresh_progress(current)
    return current
