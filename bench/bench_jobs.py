"""Background jobs: the queue's own overhead on each backend, and 20 national exports at once.

For each backend — the database queue (`make run`'s default) and RQ on Redis (production,
`JOBS_REDIS_URL`) — a child process with its own throwaway database starts real workers
(`manage.py run_worker`, as deployed, through `bench/_job_worker.py`) and measures:

- **Queue overhead**: 1,000 no-op jobs queued at once on one worker: throughput (jobs/s, first
  enqueue to last finish). Then 1,000 more queued one at a time at half that rate: enqueue →
  start latency (a job's `created_at` to its `started_at`) median and p95. The database worker
  polls once a second when idle (`run_worker --interval`, default 1 s): that is its latency.
- **20 national exports queued at once with 2 workers** (`--nice 19`, as DEPLOY.md advises when
  web and workers share a machine): the national county report (2,846 counties) 20 times. All
  must finish; the memory of each worker's processes (the worker and, on RQ, the child it
  forks per job; their PSS summed, so pages shared after the fork count once) is sampled every
  0.1 s; the national ranking page is requested through the test client in this process while
  they run, and with the same workers idle (100 times before the exports, 100 after), and the
  p95s compared.

Targets (issue 17): peak memory per worker ≤ 300 MB; ranking p95 while exporting within ±10%
of the same page with the workers idle.

    .venv/bin/python bench/bench_jobs.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/bench_jobs.py            # SQLite
    .venv/bin/python bench/bench_jobs.py --smoke    # CI: 50 jobs, Zhejiang, 4 exports
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _job_worker import NOOP, register_noop
from _setup import admin_client, bootstrap, machine, parser, percentile

HERE = Path(__file__).resolve().parent
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
RSS_TARGET_MB = 300.0
P95_TOLERANCE = 0.10


# --- The child: one backend ------------------------------------------------------------------


class Workers:
    """Worker processes of this child's database and queue."""

    def __init__(self, count: int, *args: str):
        self.processes = [
            subprocess.Popen(
                [sys.executable, str(HERE / "_job_worker.py"), *args],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(count)
        ]
        self.peak_mb = [0.0] * count

    def sample(self) -> None:
        """The memory of each worker's processes now (the worker and, on RQ, the child it forks
        per job: PSS, so that pages they share after the fork count once); the peak kept."""
        for index, process in enumerate(self.processes):
            tree = [process.pid, *children(process.pid)]
            self.peak_mb[index] = max(self.peak_mb[index], sum(pss_mb(pid) for pid in tree))

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def pss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def flush_redis() -> None:
    from django.conf import settings

    if settings.JOBS_REDIS_URL:
        import django_rq

        django_rq.get_connection("default").flushdb()


def queue_noops(count: int, pause: float = 0.0) -> list[int]:
    from assessment.jobs.services import start_job

    ids = []
    for index in range(count):
        ids.append(start_job(NOOP, owner=None, title="no-op", key=f"noop:{time.time()}:{index}").pk)
        if pause:
            time.sleep(pause)
    return ids


def wait_finished(ids: list[int], workers: Workers | None = None, during=None) -> None:
    from assessment.jobs.models import UNFINISHED, Job

    deadline = time.monotonic() + 3600
    while Job.objects.filter(pk__in=ids, state__in=UNFINISHED).exists():
        assert time.monotonic() < deadline, "jobs did not finish within an hour"
        if workers:
            workers.sample()
        if during:
            during()
        else:
            time.sleep(0.1)


def overhead(smoke: bool) -> dict:
    from assessment.jobs.models import Job, JobState

    count = 50 if smoke else 1000
    workers = Workers(1)
    try:
        time.sleep(3)  # the worker is up
        ids = queue_noops(count)
        wait_finished(ids)
        jobs = list(Job.objects.filter(pk__in=ids).values("state", "created_at", "finished_at"))
        assert all(job["state"] == JobState.DONE for job in jobs)
        span = max(j["finished_at"] for j in jobs) - min(j["created_at"] for j in jobs)
        throughput = count / span.total_seconds()
        paced = queue_noops(count, pause=2 / throughput)
        wait_finished(paced)
        latency = [
            (job["started_at"] - job["created_at"]).total_seconds() * 1000
            for job in Job.objects.filter(pk__in=paced).values("started_at", "created_at")
        ]
    finally:
        workers.stop()
    return {
        "jobs": count,
        "throughput": throughput,
        "latency_median_ms": statistics.median(latency),
        "latency_p95_ms": percentile(latency, 0.95),
    }


def exports(smoke: bool) -> dict:
    from django.db import connection
    from django.urls import reverse
    from national import national_round

    from assessment.dashboards.job_kinds import ROUND_REPORT
    from assessment.jobs.models import Job, JobState
    from assessment.jobs.services import start_job
    from assessment.results.services.compute import compute_round

    round_ = national_round(period="2025", smoke=smoke)
    compute_round(round_=round_)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does on a live server
    client, admin = admin_client()
    ranking = reverse("assessment:ranking", args=[round_.pk]) + "?level=county"

    def request() -> float:
        started = time.perf_counter()
        response = client.get(ranking)
        assert response.status_code == 200, response.status_code
        return (time.perf_counter() - started) * 1000

    count, requests = (4, 10) if smoke else (20, 100)
    workers = Workers(2, "--nice", "19")
    try:
        time.sleep(3)
        request()  # warm
        before = [request() for _ in range(requests)]
        started = time.perf_counter()
        ids = [
            start_job(ROUND_REPORT, owner=admin, title=f"export {index}", key=f"export:{index}",
                      params={"round": round_.pk, "filter": {"level": "county"}},
                      filename="report.xlsx").pk
            for index in range(count)
        ]  # fmt: skip
        during: list[float] = []
        wait_finished(ids, workers, during=lambda: during.append(request()))
        seconds = time.perf_counter() - started
        before += [request() for _ in range(requests)]  # idle workers again
    finally:
        workers.stop()
    jobs = list(Job.objects.filter(pk__in=ids).values("state", "started_at", "finished_at"))
    assert {job["state"] for job in jobs} == {JobState.DONE}, jobs
    runs = [(job["finished_at"] - job["started_at"]).total_seconds() for job in jobs]
    return {"exports": count, "regions": round_.participating_regions().count(),
            "seconds": seconds, "run_median_s": statistics.median(runs),
            "peak_mb": workers.peak_mb,
            "before_median_ms": statistics.median(before),
            "before_p95_ms": percentile(before, 0.95),
            "during_median_ms": statistics.median(during),
            "during_p95_ms": percentile(during, 0.95), "during_n": len(during)}  # fmt: skip


def child(backend: str, database_url: str | None, smoke: bool) -> None:
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="bench-jobs-media-")
    if backend == "redis":
        os.environ["JOBS_REDIS_URL"] = REDIS_URL
    else:
        os.environ.pop("JOBS_REDIS_URL", None)
    label = bootstrap(database_url)
    register_noop()
    flush_redis()
    result = {"database": label, "overhead": overhead(smoke), "exports": exports(smoke)}
    flush_redis()
    print(json.dumps(result), flush=True)


# --- The parent --------------------------------------------------------------------------------


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--child", choices=["db", "redis"], help=argparse_hidden())
    p.add_argument("--backend", choices=["db", "redis"], action="append",
                   help="only this backend (default: both)")  # fmt: skip
    args = p.parse_args()
    if args.child:
        child(args.child, args.database_url, args.smoke)
        return
    print(f"bench_jobs ({machine()})")
    verdicts = []
    for backend in args.backend or ["db", "redis"]:
        command = [sys.executable, str(Path(__file__).resolve()), "--child", backend]
        if args.database_url:
            command += ["--database-url", args.database_url]
        if args.smoke:
            command.append("--smoke")
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        verdicts += summarize(backend, result, args.smoke)
    if not args.smoke and not all(verdicts):
        print("Some figures are over target.")


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


def summarize(backend: str, result: dict, smoke: bool) -> list[bool]:
    name = {"db": "database queue", "redis": "RQ on Redis"}[backend]
    o, e = result["overhead"], result["exports"]
    print(f"== {name} ({result['database']})")
    print(f"  {o['jobs']:,} no-op jobs, 1 worker: {o['throughput']:.0f} jobs/s; enqueue → start "
          f"median {o['latency_median_ms']:.0f} ms, p95 {o['latency_p95_ms']:.0f} ms")  # fmt: skip
    peak = max(e["peak_mb"])
    ratio = e["during_p95_ms"] / e["before_p95_ms"]
    print(
        f"  {e['exports']} exports of {e['regions']:,} regions on 2 workers: all done in "
        f"{e['seconds']:.0f} s (one export: {e['run_median_s']:.1f} s); peak memory per worker "
        f"{', '.join(f'{mb:.0f}' for mb in e['peak_mb'])} MB (target ≤ {RSS_TARGET_MB:.0f})"
    )
    print(f"  ranking page, workers idle: median {e['before_median_ms']:.0f} ms, p95 "
          f"{e['before_p95_ms']:.0f} ms; while exporting (n={e['during_n']}): median "
          f"{e['during_median_ms']:.0f} ms, p95 {e['during_p95_ms']:.0f} ms = {ratio:.2f}× "
          f"(target within ±{P95_TOLERANCE:.0%})")  # fmt: skip
    if smoke:
        print("  (smoke run: not judged)")
    return [peak <= RSS_TARGET_MB, abs(ratio - 1) <= P95_TOLERANCE]


if __name__ == "__main__":
    main()
