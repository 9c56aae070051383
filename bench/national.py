"""A national-scale round for benchmarks: all 3,213 divisions with approved values for 43 leaves.

Values come from the demo generator (deterministic per region code), inserted in bulk.
"""

from __future__ import annotations

from _setup import product

from indicators.services import load_system_file

# Today's modules, or an older checkout's (a benchmark's baseline worktree).
_collection = product("assessment.collection.models")
Round, RoundStatus = _collection.Round, _collection.RoundStatus
Submission, SubmissionStatus, Value = (
    _collection.Submission, _collection.SubmissionStatus, _collection.Value,
)  # fmt: skip
demo_value = product("assessment.demo.demo").demo_value
Region = product("assessment.regions.models").Region
load_regions = product("assessment.regions.services").load_regions

ALL_LEVELS = ["province", "city", "county"]


def national_round(*, period: str = "2025", smoke: bool = False, with_values: bool = True) -> Round:
    """A nationwide round (or Zhejiang only with `smoke`) whose submissions are all approved."""
    load_regions()
    system, _ = load_system_file()
    scope = Region.objects.get(code="330000") if smoke else None
    round_ = Round.objects.create(
        system=system,
        name=f"全国{period}年度评估（基准测试）",
        period=period,
        scope=scope,
        levels=ALL_LEVELS,
        status=RoundStatus.CLOSED,
    )
    regions = list(round_.participating_regions().order_by("code"))
    Submission.objects.bulk_create(
        [
            Submission(round=round_, region=r, status=SubmissionStatus.APPROVED, version=1)
            for r in regions
        ],
        batch_size=2000,
    )
    if with_values:
        leaves = list(system.indicators.exclude(value_type="").order_by("order"))
        year = int(period)
        by_region = {r.code: r for r in regions}
        values = [
            Value(
                submission=s, indicator=leaf, value=demo_value(by_region[s.region_id], leaf, year)
            )
            for s in Submission.objects.filter(round=round_)
            for leaf in leaves
        ]
        Value.objects.bulk_create(values, batch_size=5000)
    return round_
