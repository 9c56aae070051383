"""Verification at national scale: the verification page of one county, and compute with
verified values.

Builds two identical nationwide rounds (3,213 divisions × 43 leaves, approved, `national.py`);
in the second, 30 % of the cells (drawn at random, seed 17) get a verified value (a rate or amount
90 % of the region's own; a level or yes/no confirmed). Then, in this one run:

- computes the two rounds alternately, `--repeat` times each: the ratio of the medians is the
  cost of reading and applying the verified values;
- reads the second round's values as compute did before verification existed (one query, the
  regions' own values) and as it does now (verified values replace them), 10 times each: the
  only part of compute this issue changed, against what it replaced;
- requests the verification page of one county of the second round through the Django test
  client as an administrator, 40 times: median and p95.

Targets (issue 18): the page p95 ≤ 100 ms; compute with 30 % verified ≤ 1.1× compute without.

    .venv/bin/python bench/bench_verification.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/bench_verification.py            # SQLite
    .venv/bin/python bench/bench_verification.py --smoke    # CI: Zhejiang only, timings meaningless
"""

from __future__ import annotations

import random
import statistics
import time

from _setup import admin_client, bootstrap, machine, parser, percentile

PAGE_P95_TARGET_MS = 100.0
COMPUTE_RATIO_TARGET = 1.1
SHARE = 0.3


def values_only(round_, tree, regions):
    """How compute read the values before verification: one query, the region's own values."""
    import numpy as np
    from django.db import connection

    from assessment.collection.models import SubmissionStatus

    row_of = {region.code: i for i, region in enumerate(regions)}
    col_of = {
        pk: tree.leaf_codes.index(code)
        for pk, code in round_.system.indicators.filter(code__in=tree.leaf_codes).values_list(
            "pk", "code"
        )
    }
    raw = np.full((len(regions), len(tree.leaf_codes)), np.nan)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.region_id, v.indicator_id, CAST(v.value AS DOUBLE PRECISION) "
            "FROM assessment_value v JOIN assessment_submission s ON s.id = v.submission_id "
            "WHERE s.round_id = %s AND s.status = %s AND v.value IS NOT NULL",
            [round_.pk, SubmissionStatus.APPROVED],
        )
        while batch := cursor.fetchmany(20_000):
            for region_code, indicator_id, value in batch:
                i, j = row_of.get(region_code), col_of.get(indicator_id)
                if i is not None and j is not None:
                    raw[i, j] = value
    return raw


def main() -> None:
    args = parser(__doc__).parse_args()
    label = bootstrap(args.database_url)
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone
    from national import national_round

    from assessment.collection.models import Value
    from assessment.results.services.compute import compute_round, load_raw, system_model
    from assessment.verification.models import Reason, Verification

    plain = national_round(period="2024", smoke=args.smoke)
    verified = national_round(period="2025", smoke=args.smoke)
    rng = random.Random(17)
    values = Value.objects.filter(submission__round=verified).values_list(
        "submission_id", "indicator_id", "indicator__value_type", "value"
    )
    now = timezone.now()
    rows = []
    for submission_id, indicator_id, value_type, value in values:
        if value is None or rng.random() >= SHARE:
            continue
        # Rates and amounts corrected down by a tenth; levels and yes/no confirmed.
        corrected = value_type in ("percent", "number")
        rows.append(
            Verification(submission_id=submission_id, indicator_id=indicator_id,
                         self_value=value, verified_value=value * 9 / 10 if corrected else value,
                         corrected=corrected, reason=Reason.SAMPLE_RECOUNT if corrected else "",
                         verified_at=now)
        )  # fmt: skip
    Verification.objects.bulk_create(rows, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    timings: dict[str, list[float]] = {"without": [], "with": []}
    repeat = 1 if args.smoke else args.repeat
    for _ in range(repeat):
        for name, round_ in (("without", plain), ("with", verified)):
            started = time.perf_counter()
            compute_round(round_=round_)
            timings[name].append(time.perf_counter() - started)
    # The part of compute this issue changed, against what it replaced: reading the values.
    reads: dict[str, list[float]] = {"before": [], "now": []}
    model = system_model(verified.system)
    regions = list(verified.participating_regions().order_by("code"))
    for _ in range(3 if args.smoke else 10):
        for name, read in (("before", values_only), ("now", load_raw)):
            started = time.perf_counter()
            read(verified, model.tree, regions)
            reads[name].append(time.perf_counter() - started)
    client, _ = admin_client()
    county = verified.submissions.filter(region__level="county").order_by("region_id").first()
    url = reverse("assessment:verify", args=[verified.pk, county.region_id])
    assert client.get(url).status_code == 200
    page = []
    for _ in range(10 if args.smoke else 40):
        started = time.perf_counter()
        response = client.get(url)
        page.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    without, with_ = statistics.median(timings["without"]), statistics.median(timings["with"])
    ratio = with_ / without
    print(f"bench_verification on {label} ({machine()})")
    print(f"  {verified.submissions.count():,} regions; {len(rows):,} verified values "
          f"({SHARE:.0%} of the cells)")  # fmt: skip
    print(
        f"  compute without verified values: median {without * 1000:,.0f} ms; with: "
        f"{with_ * 1000:,.0f} ms = {ratio:.2f}× (target ≤ {COMPUTE_RATIO_TARGET}×, n={repeat})"
    )
    before, now = statistics.median(reads["before"]), statistics.median(reads["now"])
    print(
        f"  reading the values as before (no verified values): median {before * 1000:.0f} ms; "
        f"now (verified values replace them): {now * 1000:.0f} ms = {now / before:.2f}×"
    )
    print(
        f"  verification page, one county: median {statistics.median(page):.1f} ms, p95 "
        f"{percentile(page, 0.95):.1f} ms (target ≤ {PAGE_P95_TARGET_MS:.0f} ms)"
    )
    if args.smoke:
        print("  (smoke run: not judged)")


if __name__ == "__main__":
    main()
