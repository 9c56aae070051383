"""Appeals at national scale: the recompute after an accepted appeal, and the appeals queue.

Builds a nationwide round (3,213 divisions with values, `national.py`), computes it and
publishes it as provisional; then, in this one run:

- computes the round plainly and after accepted appeals (one exemption and one corrected
  value, as the appeal job runs it: the exemptions mask and the verified values read, the
  engine, the writes), alternately, `--repeat` times each, with rank intervals as the real
  compute has them: the ratio of the medians;
- files 3,000 open appeals (3,000 regions, one indicator each) and reads the evaluator's
  queue, the first page and one in the middle, 40 times each, through the Django test client.

Targets (issue 21): recompute after an accepted appeal ≤ 1.2× a plain recompute; the queue
with 3,000 open appeals p95 ≤ 100 ms.

    .venv/bin/python bench/bench_appeals.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/bench_appeals.py            # SQLite
    .venv/bin/python bench/bench_appeals.py --smoke    # CI: Zhejiang only, timings meaningless
"""

from __future__ import annotations

import statistics
import time

from _setup import admin_client, bootstrap, machine, parser, percentile

RATIO_TARGET = 1.2
QUEUE_P95_TARGET_MS = 100.0
OPEN_APPEALS = 3000


def main() -> None:
    args = parser(__doc__).parse_args()
    label = bootstrap(args.database_url)
    from django.db import connection
    from national import national_round

    from assessment.appeals.models import Appeal
    from assessment.appeals.services import CORRECT, EXEMPT, decide, publish_provisional
    from assessment.collection.models import Round
    from assessment.regions.models import Membership, Role
    from assessment.results.models import Exemption
    from assessment.results.services.compute import compute_round
    from assessment.verification.models import Verification

    round_ = national_round(period="2025", smoke=args.smoke)
    compute_round(round_=round_, with_sensitivity=False)
    client, admin = admin_client()
    round_ = publish_provisional(round_=Round.objects.get(pk=round_.pk), working_days=5,
                                 user=admin)  # fmt: skip
    codes = list(round_.participating_regions().order_by("code").values_list("code", flat=True))
    leaves = list(round_.system.indicators.exclude(value_type="").order_by("order"))
    from django.contrib.auth import get_user_model

    # The evaluator's province: the one with the most regions (3,000 open appeals fit in it).
    by_province: dict[str, int] = {}
    for code in codes:
        by_province[code[:2]] = by_province.get(code[:2], 0) + 1
    province = max(by_province, key=by_province.get) + "0000"
    evaluator = get_user_model().objects.create_user("bench-evaluator", password="pw")
    Membership.objects.create(user=evaluator, region_id=province, role=Role.EVALUATOR)

    def appeal(code: str, leaf) -> Appeal:
        return Appeal.objects.create(round=round_, region_id=code, indicator=leaf,
                                     category="data_error", statement="口径有误")  # fmt: skip

    def reset() -> None:
        Exemption.objects.filter(round=round_).delete()
        Verification.objects.filter(submission__round=round_).delete()

    scope_codes = [c for c in codes if c.startswith(province[:2]) and c != province]
    repeat = 1 if args.smoke else args.repeat
    plain, appealed = [], []
    for run in range(repeat):
        reset()
        started = time.perf_counter()
        compute_round(round_=round_)
        plain.append(time.perf_counter() - started)
        first = appeal(scope_codes[(2 * run) % len(scope_codes)], leaves[run % len(leaves)])
        decide(appeal=first, action=EXEMPT, reason="不适用", user=evaluator, recompute=False)
        percent = next(leaf for leaf in leaves if leaf.value_type == "percent")
        second = appeal(scope_codes[(2 * run + 1) % len(scope_codes)], percent)
        decide(appeal=second, action=CORRECT, value="99", reason="复核", user=evaluator,
               recompute=False)  # fmt: skip
        started = time.perf_counter()
        compute_round(round_=round_)
        appealed.append(time.perf_counter() - started)
    assert round_.results.filter(flags__gte=128).exists() or args.smoke
    # The queue: 3,000 open appeals in the evaluator's province (or all of the smoke round's).
    count = min(OPEN_APPEALS, len(scope_codes) * len(leaves))
    Appeal.objects.bulk_create(
        Appeal(round=round_, region_id=scope_codes[n % len(scope_codes)],
               indicator=leaves[(n // len(scope_codes) + 1) % len(leaves)],
               category="data_error", statement="口径有误")
        for n in range(count)
    )  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    client.force_login(evaluator)
    open_count = Appeal.objects.filter(round=round_, status="open").count()
    pages = {"first": "/appeals/", "middle": f"/appeals/?page={max(1, open_count // 100)}"}
    timings: dict[str, list[float]] = {name: [] for name in pages}
    for name, url in pages.items():
        assert client.get(url).status_code == 200
        for _ in range(10 if args.smoke else 40):
            started = time.perf_counter()
            response = client.get(url)
            timings[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    ratio = statistics.median(appealed) / statistics.median(plain)
    print(f"bench_appeals on {label} ({machine()})")
    print(
        f"  {len(codes):,} regions; recompute with rank intervals, median of {repeat}: plain "
        f"{statistics.median(plain):.2f} s, after accepted appeals "
        f"{statistics.median(appealed):.2f} s = {ratio:.2f}× (target ≤ {RATIO_TARGET}×)"
    )
    for name in pages:
        p95 = percentile(timings[name], 0.95)
        print(f"  appeals queue, {open_count:,} open, {name} page: median "
              f"{statistics.median(timings[name]):.1f} ms, p95 {p95:.1f} ms = "
              f"{p95 / QUEUE_P95_TARGET_MS:.2f}× the target")  # fmt: skip
    if args.smoke:
        print("  (smoke run: not judged)")


if __name__ == "__main__":
    main()
