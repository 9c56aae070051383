"""Small builders for rounds, submissions, values and results (instead of big JSON fixtures)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from decimal import Decimal

import numpy as np
from django.utils import timezone

from assessment.collection.models import Round, RoundStatus, Submission, SubmissionStatus, Value
from assessment.collection.services.rounds import round_create, round_open
from assessment.demo.demo import demo_value
from assessment.regions.models import Region, level_for_code
from assessment.results.models import Result, ResultKind, Standing
from assessment.results.selectors.nodes import precision_of
from assessment.results.services.result_writer import NULL
from assessment.results.services.standings import StandingInput, replace_standings
from indicators.models import Indicator, IndicatorSystem


def leaves_of(system: IndicatorSystem) -> list[Indicator]:
    return list(system.indicators.exclude(value_type="").order_by("order"))


def make_round(
    system: IndicatorSystem,
    *,
    scope: str | None = "330000",
    levels: Iterable[str] = ("city", "county"),
    period: str = "2025",
    status: str = RoundStatus.CLOSED,
    previous: Round | None = None,
    method: dict | None = None,
) -> Round:
    return Round.objects.create(
        system=system,
        name=f"测试轮次 {period}",
        period=period,
        scope=Region.objects.get(code=scope) if scope else None,
        levels=list(levels),
        status=status,
        previous=previous,
        method=method or {},
    )


def make_open_round(
    system: IndicatorSystem,
    *,
    scope: str | None = "330000",
    levels: Iterable[str] = ("city", "county"),
    days_left: int = 30,
    name: str = "浙江省2026年度数字政府成熟度评估",
    period: str = "2026",
) -> Round:
    """A round created and opened through the services, as an administrator does it: a
    submission per participating region, entry open for `days_left` more days. (`make_round`
    above writes a bare Round row in any status, for results.)"""
    now = timezone.now()
    round_ = round_create(
        system=system,
        name=name,
        period=period,
        scope=Region.objects.get(code=scope) if scope else None,
        levels=list(levels),
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=days_left),
    )
    round_open(round=round_, user=None)
    return round_


ValueFn = Callable[[Region, Indicator], Decimal | None]


def fill_values(
    round_: Round,
    region_codes: Iterable[str],
    *,
    value: ValueFn | None = None,
    status: str = SubmissionStatus.APPROVED,
) -> list[Submission]:
    """A submission per region with a value for every leaf (demo values unless `value` given)."""
    year = int(round_.period) if round_.period.isdigit() else 2025
    value = value or (lambda region, leaf: demo_value(region, leaf, year))
    leaves = leaves_of(round_.system)
    submissions = []
    for region in Region.objects.filter(code__in=list(region_codes)):
        submission, _ = Submission.objects.update_or_create(
            round=round_, region=region, defaults={"status": status}
        )
        Value.objects.bulk_create(
            [
                Value(submission=submission, indicator=leaf, value=value(region, leaf))
                for leaf in leaves
            ]
        )
        submissions.append(submission)
    return submissions


def hangzhou_counties(count: int) -> list[str]:
    return list(
        Region.objects.filter(parent_id="330100").order_by("code").values_list("code", flat=True)
    )[:count]


def store_standings(round_: Round) -> None:
    """The ranking read model of hand-made Results (overall and area rows), written with the
    compute step's own writer, as the compute step would have written it."""
    overall = list(Result.objects.filter(round=round_, kind=ResultKind.OVERALL).order_by("region"))
    codes = [row.region_id for row in overall]
    parents = dict(Region.objects.filter(code__in=codes).values_list("code", "parent_id"))
    names = dict(
        Region.objects.filter(code__in=[*codes, *parents.values()]).values_list("code", "name")
    )
    areas = list(
        Indicator.objects.filter(system=round_.system, parent=None)
        .order_by("order", "code")
        .values_list("pk", flat=True)
    )
    area_scores = np.full((len(codes), len(areas)), np.nan)
    area_ranks = np.full((len(codes), len(areas)), np.nan)
    row_of, column_of = {c: i for i, c in enumerate(codes)}, {a: j for j, a in enumerate(areas)}
    for code, area, score, rank in Result.objects.filter(
        round=round_, kind=ResultKind.AREA, region_id__in=codes
    ).values_list("region_id", "indicator_id", "score", "rank"):
        i, j = row_of[code], column_of[area]
        area_scores[i, j] = np.nan if score is None else score
        area_ranks[i, j] = np.nan if rank is None else rank

    def numbers(values) -> np.ndarray:
        return np.array([np.nan if v is None else v for v in values], dtype=float)

    def ids(values) -> list[str]:
        return [NULL if v is None else str(v) for v in values]

    replace_standings(
        round_id=round_.pk,
        rows=StandingInput(
            round_id=round_.pk,
            precision=precision_of(round_),
            codes=codes,
            levels=[level_for_code(code) for code in codes],
            parents=[parents.get(code) for code in codes],
            names=[names[code] for code in codes],
            parent_names=[names.get(parents.get(code), "") for code in codes],
            scores=numbers(r.score for r in overall),
            ranks=numbers(r.rank for r in overall),
            ranks_in_parent=numbers(r.rank_in_parent for r in overall),
            rank_lows=numbers(r.rank_low for r in overall),
            rank_highs=numbers(r.rank_high for r in overall),
            maturity=ids(r.level_id for r in overall),
            maturity_by_score=ids(r.level_by_score_id for r in overall),
            flags=np.array([r.flags for r in overall], dtype=np.int64),
            area_scores=area_scores,
            area_ranks=area_ranks,
        ).rows(),
    )


def rename_region(code: str, name: str, *rounds: Round) -> None:
    """Rename a region and name it so in the rounds' ranking read model, as computing them
    again would (standings keep the names they were computed with)."""
    Region.objects.filter(code=code).update(name=name)
    standings = Standing.objects.filter(round__in=rounds)
    standings.filter(region_id=code).update(name=name)
    standings.filter(parent_id=code).update(parent_name=name)
