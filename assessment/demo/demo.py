"""Demo data: Zhejiang (1 province, 11 cities, 90 counties), three rounds and named users.

Idempotent: everything is looked up before it is created, so running it twice changes nothing.
Values are generated deterministically from each region's code, so every machine gets the same
rankings: some regions strong, some weak, some improving quickly, some slipping.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from assessment.collection.models import Round, RoundStatus, Submission, SubmissionStatus, Value
from assessment.demo.demo_api import DEMO_PLATFORM, ensure_api_client
from assessment.demo.demo_appeals import ensure_appeal_round, ensure_departments
from assessment.demo.demo_classes import ensure_classifications
from assessment.demo.demo_loop import ensure_loop
from assessment.demo.demo_panel import ensure_experts, ensure_panel
from assessment.demo.demo_verification import ensure_verifications
from assessment.regions.models import Membership, Region, RegionLevel, Role
from assessment.regions.services import load_regions
from assessment.results.services.compute import compute_round
from indicators.models import Indicator, IndicatorSystem, ScoringRule, ValueType
from indicators.services import DEFAULT_SYSTEM_V2_PATH, load_system_file

DEMO_PASSWORD = "demo-pass-2026"
PROVINCE = "330000"
HANGZHOU = "330100"
SHANGHAI_TZ = ZoneInfo("Asia/Shanghai")
#: The published round whose findings are the demo's rectification tasks.
LOOP_PERIOD = "2025"

# Regions whose 2026 submission is already under way in the demo.
DRAFT_REGIONS_2026 = ("330102", "330108", "330200", "330302", "330681")
SUBMITTED_REGIONS_2026 = ("330109", "330110")

# A few well-known strengths and weaknesses so the demo rankings look like a real province:
# capability in [0, 1] and yearly improvement per city (counties inherit with noise).
CITY_PROFILE = {
    "330100": (0.80, 0.03),  # 杭州
    "330200": (0.74, 0.03),  # 宁波
    "330300": (0.62, 0.05),  # 温州
    "330400": (0.60, 0.02),  # 嘉兴
    "330500": (0.58, 0.04),  # 湖州
    "330600": (0.61, 0.01),  # 绍兴
    "330700": (0.57, 0.06),  # 金华
    "330800": (0.40, 0.09),  # 衢州: weak but improving fast
    "330900": (0.50, -0.02),  # 舟山: slipping
    "331000": (0.55, 0.03),  # 台州
    "331100": (0.38, 0.07),  # 丽水
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    region: str


def seed_demo() -> list[DemoLogin]:
    """Load everything the demo needs; returns the logins to print."""
    load_regions()
    system, _ = load_system_file()
    # The 2026 round is scored with version 2; 2024 and 2025 stay on version 1.
    system_v2, _ = load_system_file(DEFAULT_SYSTEM_V2_PATH)
    with transaction.atomic():
        logins = _ensure_users()
        logins += [DemoLogin(name, "expert", home or "—")
                   for name, home in ensure_experts(DEMO_PASSWORD)]  # fmt: skip
        logins += [DemoLogin(name, "department", department)
                   for name, department in ensure_departments(DEMO_PASSWORD)]  # fmt: skip
        ensure_api_client(PROVINCE)
        rounds = _ensure_rounds(system, system_v2)
        schemes = ensure_classifications()
        for round_ in rounds:
            round_.classifications.add(*schemes)
    for round_ in rounds:
        # Published demo rounds come with results, so the dashboards have something to show;
        # the loop round's values were verified first (a few corrected).
        if round_.status == RoundStatus.PUBLISHED and round_.computed_at is None:
            if round_.period == LOOP_PERIOD:
                ensure_verifications(round_)
                ensure_panel(round_)
            compute_round(round_=round_)
            # Results are computed before they are published, as in a real round (the demo
            # would otherwise say "published 2026-01-20, computed today").
            computed = round_.published_at - timedelta(days=2)
            Round.objects.filter(pk=round_.pk).update(computed_at=computed)
            round_.computed_at = computed
    # The latest published round's findings are rectification tasks in several states, and
    # strong counties share practices, so every step of the loop has something to show.
    ensure_loop(next(r for r in rounds if r.period == LOOP_PERIOD))
    # A Hangzhou special round in its appeal window (结果公示 → 申诉 → 复核).
    ensure_appeal_round(system, demo_value)
    return logins


def demo_regions() -> list[Region]:
    """Zhejiang's cities and counties, the regions that take part in the demo rounds."""
    province = Region.objects.get(code=PROVINCE)
    return list(
        Region.objects.subtree(province)
        .filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY])
        .order_by("code")
    )


def _ensure_users() -> list[DemoLogin]:
    User = get_user_model()
    wanted: list[tuple[str, str | None, str | None, bool]] = [
        ("admin", None, None, True),
        ("evaluator", PROVINCE, Role.EVALUATOR, False),
        ("supervisor", PROVINCE, Role.SUPERVISOR, False),
        (f"supervisor-{HANGZHOU}", HANGZHOU, Role.SUPERVISOR, False),
    ]
    wanted += [(f"staff-{r.code}", r.code, Role.STAFF, False) for r in demo_regions()]
    existing = set(
        User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", flat=True)
    )
    # One hash for all demo users: hashing 100 passwords separately would take half a minute.
    password = make_password(DEMO_PASSWORD)
    User.objects.bulk_create(
        [
            User(
                username=name,
                password=password,
                is_superuser=is_admin,
                is_staff=is_admin,
                email=f"{name}@demo.invalid",
            )
            for name, _, _, is_admin in wanted
            if name not in existing
        ]
    )
    users = {u.username: u for u in User.objects.filter(username__in=[w[0] for w in wanted])}
    have = set(
        Membership.objects.filter(user__in=users.values()).values_list(
            "user__username", "region_id", "role"
        )
    )
    Membership.objects.bulk_create(
        [
            Membership(user=users[name], region_id=code, role=role)
            for name, code, role, _ in wanted
            if code and (name, code, role) not in have
        ]
    )
    return [DemoLogin(name, role or "admin", code or "—") for name, code, role, _ in wanted]


def _ensure_rounds(system: IndicatorSystem, system_v2: IndicatorSystem) -> list[Round]:
    scope = Region.objects.get(code=PROVINCE)
    now = timezone.now()
    specs = [
        ("2024", system, RoundStatus.PUBLISHED, _local(2024, 10, 1), _local(2024, 12, 31)),
        ("2025", system, RoundStatus.PUBLISHED, _local(2025, 10, 1), _local(2025, 12, 31)),
        # The open round's dates follow today's date so that entry is always open in the demo.
        ("2026", system_v2, RoundStatus.OPEN, now - timedelta(days=30), now + timedelta(days=40)),
    ]
    rounds: list[Round] = []
    previous: Round | None = None
    for period, scored_with, status, opens_at, closes_at in specs:
        round_, created = Round.objects.get_or_create(
            period=period,
            scope=scope,
            name=f"浙江省{period}年度数字政府成熟度评估",
            defaults={
                "system": scored_with,
                "levels": [RegionLevel.CITY, RegionLevel.COUNTY],
                "opens_at": opens_at,
                "closes_at": closes_at,
                "status": status,
                "previous": previous,
                "published_at": closes_at + timedelta(days=20)
                if status == RoundStatus.PUBLISHED
                else None,
            },
        )
        if created:
            leaves = list(scored_with.indicators.exclude(value_type="").order_by("order"))
            _fill_round(round_, leaves, int(period))
        rounds.append(round_)
        previous = round_
    return rounds


def _local(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 18, 0, tzinfo=SHANGHAI_TZ)


def _fill_round(round_: Round, leaves: list[Indicator], year: int) -> None:
    regions = demo_regions()
    finished = round_.status != RoundStatus.OPEN
    submissions = []
    for region in regions:
        if finished:
            status = SubmissionStatus.APPROVED
        elif region.code in SUBMITTED_REGIONS_2026:
            status = SubmissionStatus.SUBMITTED
        elif region.code in DRAFT_REGIONS_2026:
            status = SubmissionStatus.DRAFT
        else:
            status = SubmissionStatus.NOT_STARTED
        stamp = round_.closes_at - timedelta(days=5) if finished else None
        submissions.append(
            Submission(
                round=round_,
                region=region,
                status=status,
                version=1 if status != SubmissionStatus.NOT_STARTED else 0,
                submitted_at=stamp,
                reviewed_at=stamp,
            )
        )
    Submission.objects.bulk_create(submissions)
    values = []
    for submission in Submission.objects.filter(round=round_).select_related("region"):
        if submission.status == SubmissionStatus.NOT_STARTED:
            continue
        # Drafts are half done; everything else is complete.
        share = 0.5 if submission.status == SubmissionStatus.DRAFT else 1.0
        asked = [leaf for leaf in leaves if leaf.applies_to_level(submission.region.level)]
        for index, leaf in enumerate(asked):
            if index >= len(asked) * share:
                break
            values.append(
                Value(
                    submission=submission,
                    indicator=leaf,
                    value=demo_value(submission.region, leaf, year),
                    fed_from=DEMO_PLATFORM if leaf.is_fed else "",
                )
            )
    Value.objects.bulk_create(values, batch_size=2000)


def _capability(region: Region, year: int) -> float:
    """A region's latent maturity in [0, 1] for a year (deterministic from its code)."""
    city = region.code[:4] + "00"
    base, trend = CITY_PROFILE.get(city, (0.5, 0.03))
    rng = random.Random(f"capability-{region.code}")
    if region.level == RegionLevel.COUNTY:
        base += rng.gauss(-0.04, 0.09)  # counties scatter around (and a little below) their city
        trend += rng.gauss(0, 0.035)
    # Keep every region plausible: nobody starts from nothing, nobody is perfect.
    return min(0.95, max(0.2, base + trend * (year - 2024)))


def demo_value(region: Region, leaf: Indicator, year: int) -> Decimal:
    """A plausible raw value for one leaf, driven by the region's capability plus noise."""
    rng = random.Random(f"value-{region.code}-{leaf.code}-{year}")
    area_bias = random.Random(f"area-{region.code}-{leaf.code[:2]}").gauss(0, 0.08)
    quality = _capability(region, year) + area_bias + rng.gauss(0, 0.12)
    if leaf.value_type == ValueType.YESNO:
        return Decimal(1 if quality > 0.45 else 0)
    if leaf.value_type == ValueType.RUBRIC:
        return Decimal(min(5, max(0, round(quality * 5 + rng.gauss(0, 0.5)))))
    if leaf.rule == ScoringRule.PEER_PERCENTILE:
        scale = 3 if leaf.code.startswith("BL") else 40
        return Decimal(round(scale * math.exp(2.5 * max(quality, 0)) * rng.uniform(0.6, 1.4)))
    if leaf.value_type == ValueType.COUNT:  # incidents: lower is better
        expected = max(0.0, 0.9 - quality) * 2.5
        return Decimal(_poisson(rng, expected))
    floor, target = float(leaf.floor), float(leaf.target)
    position = -0.15 + 1.35 * quality  # a few below the floor, a few past the target
    raw = floor + position * (target - floor)
    low = float(leaf.min_value) if leaf.min_value is not None else 0.0
    high = float(leaf.max_value) if leaf.max_value is not None else raw
    raw = min(max(raw, low), high)
    return Decimal(str(round(raw, 2)))


def _poisson(rng: random.Random, mean: float) -> int:
    threshold, count, product = math.exp(-mean), 0, rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count
