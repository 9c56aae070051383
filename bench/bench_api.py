"""The open API at national scale: one push of 3,213 regions × 5 platform-fed indicators, and
the ranking read through the API.

Builds a nationwide round (3,213 divisions with values, `national.py`), open for entry, then
in this one run:

- pushes new values of DS.2.3, DS.3.1, SV.4.1, SV.4.2 and SV.4.3 for every region in one
  request (16,065 rows, a new Idempotency-Key each time, every value a change), `--repeat`
  times, through the Django test client: JSON parsing, validation, the import's checks with
  the submissions locked, the COPY/upsert of values and audit entries, the version bumps;
- computes and publishes the round, then reads the county ranking through the API, a page of
  100 at the start and in the middle, 40 times each: median and p95.

Targets (issue 20): the push ≤ 2 s on PostgreSQL; the ranking read p95 ≤ 100 ms.

    .venv/bin/python bench/bench_api.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/bench_api.py            # SQLite
    .venv/bin/python bench/bench_api.py --smoke    # CI: Zhejiang only, timings meaningless
"""

from __future__ import annotations

import json
import statistics
import time

from _setup import admin_client, bootstrap, machine, parser, percentile

PUSH_TARGET_S = 2.0
READ_P95_TARGET_MS = 100.0
FED = ["DS.2.3", "DS.3.1", "SV.4.1", "SV.4.2", "SV.4.3"]


def main() -> None:
    args = parser(__doc__).parse_args()
    label = bootstrap(args.database_url)
    from django.db import connection
    from national import national_round

    from assessment.api.clients import create_client
    from assessment.collection.models import RoundStatus, Submission, SubmissionStatus
    from assessment.results.services.compute import compute_round

    round_ = national_round(period="2025", smoke=args.smoke)
    round_.status = RoundStatus.OPEN
    round_.save(update_fields=["status"])
    Submission.objects.filter(round=round_).update(status=SubmissionStatus.DRAFT)
    codes = list(round_.participating_regions().order_by("code").values_list("code", flat=True))
    client, admin = admin_client()
    client.logout()  # the API takes a token, never the session
    _api_client, token = create_client(
        name="bench", scope=None, can_read=True, push_indicators=FED, user=admin
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/v1/rounds/{round_.pk}/values"
    repeat = 1 if args.smoke else args.repeat
    seconds = []
    for run in range(repeat):
        # Values no region holds yet (a count stays whole), different in every run.
        rows = [
            {
                "region": code,
                "indicator": indicator,
                "value": 100_000 + n * 10 + run
                if indicator == "DS.2.3"
                else 40 + n % 50 + run / 100 + 0.003,
            }
            for n, code in enumerate(codes)
            for indicator in FED
        ]
        body = json.dumps({"values": rows})
        started = time.perf_counter()
        response = client.post(
            url,
            data=body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"bench-{run}",
            **auth,
        )
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:500]
        assert response.json()["changed"] == len(codes) * len(FED), response.json()
    compute_round(round_=round_)
    round_.status = RoundStatus.PUBLISHED
    round_.save(update_fields=["status"])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    counties = round_.standings.filter(region_level="county").count()
    pages = {"first": 1, "middle": max(1, counties // 200)}
    timings: dict[str, list[float]] = {name: [] for name in pages}
    for name, page in pages.items():
        read = f"/api/v1/rounds/{round_.pk}/ranking?level=county&page={page}"
        assert client.get(read, **auth).status_code == 200
        for _ in range(10 if args.smoke else 40):
            started = time.perf_counter()
            response = client.get(read, **auth)
            timings[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200 and response.json()["items"]
    median = statistics.median(seconds)
    print(f"bench_api on {label} ({machine()})")
    print(
        f"  push {len(codes):,} regions × {len(FED)} indicators = {len(codes) * len(FED):,} "
        f"values in one call: median {median:.2f} s (n={repeat}) = "
        f"{median / PUSH_TARGET_S:.2f}× the {PUSH_TARGET_S:.0f} s target"
    )
    for name, page in pages.items():
        p95 = percentile(timings[name], 0.95)
        print(
            f"  ranking via the API, {counties:,} counties, page {page} of 100: median "
            f"{statistics.median(timings[name]):.1f} ms, p95 {p95:.1f} ms = "
            f"{p95 / READ_P95_TARGET_MS:.2f}× the target"
        )
    if args.smoke:
        print("  (smoke run: not judged)")


if __name__ == "__main__":
    main()
