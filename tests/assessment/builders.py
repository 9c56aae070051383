"""Small builders for rounds, submissions, values and results (instead of big JSON fixtures)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from assessment.collection.models import Round, RoundStatus, Submission, SubmissionStatus, Value
from assessment.collection.services.rounds import round_create, round_open
from assessment.demo.demo import demo_value
from assessment.regions.models import Region
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
