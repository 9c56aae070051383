"""Rectification tasks at national scale: publishing a round turns its findings into tasks.

A nationwide round (3,213 divisions, 43 leaves, approved demo values) is computed by the real
compute step; then `generate_tasks` (what `publish_round` runs in its transaction) is timed:
four reads (tree, low Results with gate notes, existing tasks, peer medians) and the bulk
inserts of the tasks and their first log entries, then one rectification notice per region.
Also timed: publishing again when every task exists (nothing to add), and the rectification
progress page and the first page of the notice list for a provincial supervisor of all of
China (an administrator).

Target: generation ≤ 5 s on PostgreSQL and SQLite at national scale.

    .venv/bin/python bench/bench_tasks.py
    .venv/bin/python bench/bench_tasks.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/bench_tasks.py --smoke    # CI: Zhejiang only, one run
"""

from __future__ import annotations

import statistics
import time

from _setup import admin_client, bootstrap, machine, max_rss_mb, parser, traced_peak

TARGET_SECONDS = 5.0


def clear(round_) -> None:
    from assessment.rectification.models import RectificationNotice, RectificationTask, TaskEvent

    TaskEvent.objects.filter(task__round=round_).delete()
    RectificationTask.objects.filter(round=round_).delete()
    RectificationNotice.objects.filter(round=round_).delete()


def main() -> None:
    args = parser(__doc__).parse_args()
    label = bootstrap(args.database_url)
    from django.db import connection, transaction
    from national import national_round

    from assessment.collection.models import RoundStatus
    from assessment.rectification.models import RectificationNotice, RectificationTask, TaskEvent
    from assessment.rectification.services.rectification_notices import issue_notices
    from assessment.rectification.services.task_generation import generate_tasks
    from assessment.results.services.compute import compute_round

    round_ = national_round(smoke=args.smoke)
    compute_round(round_=round_, with_sensitivity=False)
    round_.status = RoundStatus.PUBLISHED
    round_.save(update_fields=["status"])
    repeat = 1 if args.smoke else args.repeat
    print(f"bench_tasks on {label} ({machine()})")

    def generate() -> int:
        with transaction.atomic():
            return generate_tasks(round_=round_)

    first, seconds = [], []
    for _ in range(repeat):
        clear(round_)
        started = time.perf_counter()
        first.append(generate())
        seconds.append(time.perf_counter() - started)
    tasks = RectificationTask.objects.filter(round=round_).count()
    events = TaskEvent.objects.filter(task__round=round_).count()
    regions = round_.participating_regions().count()
    notices = RectificationNotice.objects.filter(round=round_).count()
    assert first[-1] == tasks == events, (first, tasks, events)
    assert (
        notices
        == RectificationTask.objects.filter(round=round_).values("region").distinct().count()
    )
    median = statistics.median(seconds)
    verdict = "OK" if median <= TARGET_SECONDS else "over target"
    print(
        f"  generate: {regions:,} regions → {tasks:,} tasks (+ {events:,} log entries, "
        f"{notices:,} notices) in "
        f"{median:.3f} s (median of {repeat}, best {min(seconds):.3f} s; "
        f"target ≤ {TARGET_SECONDS} s: {verdict})"
    )

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does on a live server after the insert
    again = []
    for _ in range(repeat):
        started = time.perf_counter()
        assert generate() == 0  # publishing again adds nothing
        again.append(time.perf_counter() - started)
    print(f"  publish again (all tasks exist): {statistics.median(again):.3f} s, 0 added")

    # The notices' share of generation, in the same run: issued again for every region
    # (the tasks stay; only the notices are deleted before each run).
    notice_seconds = []
    for _ in range(repeat):
        RectificationNotice.objects.filter(round=round_).delete()
        started = time.perf_counter()
        with transaction.atomic():
            issue_notices(round_=round_)
        notice_seconds.append(time.perf_counter() - started)
    share = statistics.median(notice_seconds) / median
    print(f"  issue {notices:,} notices alone: {statistics.median(notice_seconds):.3f} s "
          f"({share:.1%} of generation)")  # fmt: skip

    clear(round_)
    with traced_peak() as peak:
        generate()
    print(f"  peak traced {peak['peak_mb']:.0f} MB during generation")
    page_time(round_, repeat)
    print(f"  peak RSS {max_rss_mb():.0f} MB")


def page_time(round_, repeat: int) -> None:
    """The progress page (挂图作战) and the notice list for an administrator: every region of
    the round."""
    from django.urls import reverse

    client, _ = admin_client()
    one_page(client, "progress page", reverse("assessment:task_progress", args=[round_.pk]), repeat)
    url = reverse("assessment:notice_list") + f"?round={round_.pk}"
    one_page(client, "notice list (first page)", url, repeat)


def one_page(client, name: str, url: str, repeat: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up
    seconds = []
    for _ in range(max(repeat, 3)):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    print(
        f"  {name}: {statistics.median(seconds) * 1000:.0f} ms median "
        f"({len(queries)} queries, {len(response.content) // 1024} kB)"
    )


if __name__ == "__main__":
    main()
