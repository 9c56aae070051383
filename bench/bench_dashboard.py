"""Dashboards at national scale: the ranking page for all 2,846 counties.

Builds 4 nationwide rounds (3,213 divisions, 43 leaves, each compared with the one before)
through the real compute step, then requests the pages through the Django test client (the
whole stack: middleware, session, view, selectors, tables, charts, template) as an
administrator, and replays the page's own Result queries as bare SQL (cursor.execute +
fetchall) for comparison.

Targets for the ranking page (first table page plus every chart), PostgreSQL: server time
p95 ≤ 150 ms, and no more than 3× a bare SQL fetch of the same Result rows.

    .venv/bin/python bench/bench_dashboard.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/bench_dashboard.py            # SQLite
    .venv/bin/python bench/bench_dashboard.py --smoke    # CI: Zhejiang only, few requests
"""

from __future__ import annotations

import gc
import statistics
import time
import warnings
from collections.abc import Callable

from _setup import bootstrap, machine, max_rss_mb, parser

P95_TARGET_MS = 150.0
RATIO_TARGET = 3.0
PERIODS = ("2022", "2023", "2024", "2025")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def build_rounds(smoke: bool):
    """Four comparable nationwide rounds with results (two in Zhejiang for --smoke)."""
    from national import national_round

    from assessment.collection.models import Round, RoundStatus
    from assessment.results.services.compute import compute_round

    previous = None
    reports = []
    for period in PERIODS[-2:] if smoke else PERIODS:
        round_ = national_round(period=period, smoke=smoke)
        Round.objects.filter(pk=round_.pk).update(previous=previous, status=RoundStatus.PUBLISHED)
        round_.refresh_from_db()
        reports.append(compute_round(round_=round_))
        previous = round_
    return previous, reports


def page_call(client, url: str) -> Callable[[], None]:
    def call() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return call


def alternated(calls: dict[str, Callable[[], object]], repeat: int) -> dict[str, list[float]]:
    """Time each call `repeat` times, one after the other in every round, after one warm-up
    each (imports, template compilation, connection): a busy moment on the shared machine
    then hits every measurement alike, which matters for the ratios between them."""
    for call in calls.values():
        call()
    seconds: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeat):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            seconds[name].append(time.perf_counter() - started)
    return seconds


def view_call(url: str, user) -> Callable[[], None]:
    """The view alone (RequestFactory): no middleware, session or test-client overhead."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.test import RequestFactory
    from django.urls import resolve

    factory = RequestFactory()
    path = url.split("?", 1)[0]
    match = resolve(path)

    def call() -> None:
        request = factory.get(url)
        request.user = user
        request.session = {}
        request._messages = FallbackStorage(request)
        response = match.func(request, *match.args, **match.kwargs)
        assert response.status_code == 200, (url, response.status_code)

    return call


def result_queries(client, url: str) -> tuple[list[str], list[str]]:
    """The SQL the page runs: (its Result queries, all its queries but session/auth)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    statements = [q["sql"] for q in captured.captured_queries]
    reads = [
        sql
        for sql in statements
        if sql.startswith("SELECT") and "django_session" not in sql and "auth_user" not in sql
    ]
    results = [sql for sql in reads if 'FROM "assessment_result"' in sql]
    return results, reads


def sql_call(statements: list[str]) -> Callable[[], int]:
    """Run the statements on a plain cursor (execute + fetchall); returns the rows fetched."""
    from django.db import connection

    def call() -> int:
        fetched = 0
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                fetched += len(cursor.fetchall())
        return fetched

    return call


def report(label: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"{label:<44} median {statistics.median(ms):6.1f} ms  p95 {percentile(ms, 0.95):6.1f} ms"
        f"  max {max(ms):6.1f} ms  (n={len(ms)})"
    )


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--requests", type=int, default=40, help="Timed requests per page (≥ 30).")
    args = p.parse_args()
    warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic needed
    label = bootstrap(args.database_url)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from assessment.regions.models import Region
    from assessment.results.models import Result

    started = time.perf_counter()
    round_, reports = build_rounds(args.smoke)
    built = time.perf_counter() - started
    # A server process does not hold the national data this one generated: keep it out of
    # the cyclic garbage collector's sweeps, which would otherwise time this script's heap.
    heap = len(gc.get_objects())
    gc.collect()
    gc.freeze()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does on a live server
    # As the test settings do: the test client's host, and static URLs without a manifest
    # (no collectstatic needed; the manifest lookup is a dict access either way).
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    admin = get_user_model().objects.create_superuser("bench-admin", password="bench-pass-123")
    client = Client()
    client.force_login(admin)
    repeat = 5 if args.smoke else max(30, args.requests)
    counties = Region.objects.filter(level="county")
    if args.smoke:
        counties = counties.filter(code__startswith="33")
    county = counties.order_by("code").values_list("code", flat=True)[5]
    ranking = reverse("assessment:ranking", args=[round_.pk])
    pages = {
        "ranking, level race (counties)": f"{ranking}?level=county",
        "ranking, progress race (counties)": f"{ranking}?level=county&race=progress",
        "ranking, by area DS, sorted by SV": f"{ranking}?level=county&rank_by=DS&sort=-area_SV",
        "public display (counties)": reverse("assessment:public_round", args=[round_.pk])
        + "?level=county",
        "region profile (one county)": reverse("assessment:profile", args=[round_.pk, county]),
    }
    print(f"bench_dashboard on {label} ({machine()})")
    print(
        f"  data: {len(reports)} rounds × {reports[-1].regions:,} regions, "
        f"{Result.objects.count():,} Result rows, {counties.count():,} counties; "
        f"built in {built:.0f} s, leaving {heap:,} objects in the heap (frozen)"
    )
    for report_ in reports:
        print(
            f"  compute {report_.round.period}: {report_.seconds['total']:.3f} s "
            f"(with rank intervals, progress race and peer statistics)"
        )
    main_url = pages["ranking, level race (counties)"]  # the page the targets are about
    results_sql, reads_sql = result_queries(client, main_url)
    rows = sql_call(results_sql)()
    bare_name = f"bare SQL: the page's {len(results_sql)} Result queries"
    reads_name = f"bare SQL: all {len(reads_sql)} of its reads"
    view_name = "ranking, level race: the view alone"
    main_name = "ranking, level race (counties)"
    # The ranking, its view alone and the bare fetches alternate (their ratios are judged);
    # the other pages follow one by one.
    timings = alternated(
        {
            main_name: page_call(client, main_url),
            view_name: view_call(main_url, admin),
            bare_name: sql_call(results_sql),
            reads_name: sql_call(reads_sql),
        },
        repeat,
    )
    for name, url in pages.items():
        if url != main_url:
            timings |= alternated({name: page_call(client, url)}, repeat)
    for name, seconds in timings.items():
        print("  " + report(name, seconds))
    page, view, bare = (timings[name] for name in (main_name, view_name, bare_name))
    p95 = percentile(page, 0.95) * 1000
    ratio = statistics.median(page) / statistics.median(bare)
    # Each page request ran right before its bare fetch: the median of those pairs' ratios
    # is less moved by the shared machine's load drifting during the run.
    paired = statistics.median(p / b for p, b in zip(page, bare, strict=True))
    view_ratio = statistics.median(view) / statistics.median(bare)

    def verdict(ok: bool) -> str:
        return "smoke run, not judged" if args.smoke else "OK" if ok else "over target"

    print(
        f"  ranking page: p95 {p95:.1f} ms (target ≤ {P95_TARGET_MS:.0f} ms: "
        f"{verdict(p95 <= P95_TARGET_MS)}); "
        f"median {ratio:.2f}× (view alone {view_ratio:.2f}×) the bare fetch of its "
        f"{rows:,} Result rows (target ≤ {RATIO_TARGET:.0f}×: {verdict(ratio <= RATIO_TARGET)}); "
        f"median of the paired ratios {paired:.2f}×"
    )
    print(f"  peak RSS {max_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
