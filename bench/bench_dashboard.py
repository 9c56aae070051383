"""Dashboards at national scale: the ranking page for all 2,846 counties.

Builds 4 nationwide rounds (3,213 divisions, 43 leaves, each compared with the one before)
through the real compute step, then requests the pages through the Django test client (the
whole stack: middleware, session, view, selectors, tables, charts, template) as an
administrator.

With `--baseline-ref <commit>` the same is built and requested with that commit's code too (a
git worktree, its own throwaway database), and the two run side by side: each page is
requested in batches that alternate between today's code and the baseline's, so the machine's
speed that day affects both alike; the report gives the ratio of their medians. The full
recompute of the latest round is timed the same way.

Targets (issue 16, PostgreSQL): the national county ranking page median ≤ 0.6× the baseline's,
p95 ≤ 100 ms of server time; the public display the same; a full recompute ≤ 1.1× the
baseline's.

    .venv/bin/python bench/bench_dashboard.py --database-url postgres://postgres@127.0.0.1:5432/postgres --baseline-ref 394465c
    .venv/bin/python bench/bench_dashboard.py            # SQLite, today's code only
    .venv/bin/python bench/bench_dashboard.py --smoke    # CI: Zhejiang only, few requests
"""  # noqa: E501

from __future__ import annotations

import gc
import json
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

from _setup import (
    admin_client,
    bootstrap,
    checkouts,
    machine,
    max_rss_mb,
    parser,
    percentile,
    product,
    use_checkout,
)

P95_TARGET_MS = 100.0
RATIO_TARGET = 0.6
RECOMPUTE_TARGET = 1.1
PERIODS = ("2022", "2023", "2024", "2025")
BATCH = 5  # requests per batch; batches alternate between the checkouts
JUDGED = ("ranking, level race (counties)", "public display (counties)")


# --- The child: one checkout's site, serving measurements on request ------------------------


def build_rounds(smoke: bool):
    """Four comparable nationwide rounds with results (two in Zhejiang for --smoke)."""
    from national import national_round

    models = product("assessment.collection.models")
    compute_round = product("assessment.results.services.compute").compute_round
    previous = None
    reports = []
    for period in PERIODS[-2:] if smoke else PERIODS:
        round_ = national_round(period=period, smoke=smoke)
        models.Round.objects.filter(pk=round_.pk).update(
            previous=previous, status=models.RoundStatus.PUBLISHED
        )
        round_.refresh_from_db()
        reports.append(compute_round(round_=round_))
        previous = round_
    return previous, reports


def child(database_url: str | None, smoke: bool) -> None:
    """Build the data with this checkout's code, then answer measurement requests (one JSON
    line in on stdin, one out on stdout) until stdin closes."""
    use_checkout()
    warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic needed
    label = bootstrap(database_url)
    from django.db import connection
    from django.urls import reverse

    Region = product("assessment.regions.models").Region
    compute_round = product("assessment.results.services.compute").compute_round
    started = time.perf_counter()
    round_, reports = build_rounds(smoke)
    built = time.perf_counter() - started
    # A server process does not hold the data this one generated: keep it out of the cyclic
    # garbage collector's sweeps, which would otherwise time this script's heap.
    gc.collect()
    gc.freeze()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does on a live server
    client, _ = admin_client()
    counties = Region.objects.filter(level="county")
    if smoke:
        counties = counties.filter(code__startswith="33")
    county = counties.order_by("code").values_list("code", flat=True)[5]
    ranking = reverse("assessment:ranking", args=[round_.pk])
    pages = {
        "ranking, level race (counties)": f"{ranking}?level=county",
        "ranking, progress race (counties)": f"{ranking}?level=county&race=progress",
        "ranking, by area DS, sorted by SV": f"{ranking}?level=county&rank_by=DS&sort=-area_SV",
        "ranking, counties of one city": f"{ranking}?level=county&parent=330100",
        "public display (counties)": reverse("assessment:public_round", args=[round_.pk])
        + "?level=county",
        "region profile (one county)": reverse("assessment:profile", args=[round_.pk, county]),
    }
    for url in pages.values():  # warm-up: imports, template compilation, connection
        assert client.get(url).status_code == 200, url
    answer({"label": label, "built": built, "regions": reports[-1].regions,
            "rounds": len(reports), "pages": list(pages)})  # fmt: skip
    for line in sys.stdin:
        command = json.loads(line)
        seconds = []
        for _ in range(command["n"]):
            started = time.perf_counter()
            if command["what"] == "recompute":
                compute_round(round_=round_)
            else:
                response = client.get(pages[command["what"]])
                assert response.status_code == 200, (command, response.status_code)
            seconds.append(time.perf_counter() - started)
        answer({"seconds": seconds, "rss_mb": max_rss_mb()})


def answer(message: dict) -> None:
    print(json.dumps(message), flush=True)


# --- The parent: run the checkouts side by side ---------------------------------------------


class Site:
    """A child process serving one checkout's site."""

    def __init__(self, name: str, checkout: Path, args):
        command = [sys.executable, str(Path(__file__).resolve()), "--child"]
        if args.database_url:
            command += ["--database-url", args.database_url]
        if args.smoke:
            command.append("--smoke")
        self.name = name
        self.process = subprocess.Popen(command, cwd=checkout, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)  # fmt: skip
        self.info = self.read()

    def read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.name}: the child stopped (see its errors above)")
        return json.loads(line)

    def measure(self, what: str, n: int) -> list[float]:
        self.process.stdin.write(json.dumps({"what": what, "n": n}) + "\n")
        self.process.stdin.flush()
        reply = self.read()
        self.rss_mb = reply["rss_mb"]
        return reply["seconds"]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=600)


def report(label: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"{label:<22} median {statistics.median(ms):7.1f} ms  p95 {percentile(ms, 0.95):7.1f} ms"
        f"  max {max(ms):7.1f} ms  (n={len(ms)})"
    )


def main() -> None:
    if "--child" in sys.argv:
        sys.argv.remove("--child")
        args = parser(__doc__).parse_args()
        child(args.database_url, args.smoke)
        return
    p = parser(__doc__)
    p.add_argument("--requests", type=int, default=40, help="Timed requests per page (≥ 30).")
    p.add_argument("--baseline-ref", help="a commit whose pages to measure beside today's")
    args = p.parse_args()
    repeat = BATCH if args.smoke else max(30, args.requests)
    with checkouts(None if args.smoke else args.baseline_ref) as found:
        sites = [Site(name, checkout, args) for name, checkout in found.items()]
        try:
            first = sites[0].info
            print(f"bench_dashboard on {first['label']} ({machine()})")
            for site in sites:
                print(f"  {site.name}: {site.info['rounds']} rounds × {site.info['regions']:,} "
                      f"regions built in {site.info['built']:.0f} s")  # fmt: skip
            timings = {site.name: {} for site in sites}
            work = [(page, BATCH) for page in first["pages"]]
            work.append(("recompute", 1))
            for what, batch in work:
                runs = repeat if what != "recompute" else (1 if args.smoke else 5)
                for _ in range(0, runs, batch):
                    for site in sites:  # alternating batches: both see the same machine
                        timings[site.name].setdefault(what, []).extend(site.measure(what, batch))
            summarize(sites, timings, args.smoke)
        finally:
            for site in sites:
                site.close()


def summarize(sites: list[Site], timings: dict, smoke: bool) -> None:
    def verdict(ok: bool) -> str:
        return "smoke run, not judged" if smoke else "OK" if ok else "OVER TARGET"

    today = timings["today"]
    for what in today:
        print(f"  {what}:")
        for site in sites:
            print("    " + report(site.name, timings[site.name][what]))
        p95 = percentile(today[what], 0.95) * 1000
        line = f"    today: p95 {p95:.1f} ms"
        if what in JUDGED:
            line += f" (target ≤ {P95_TARGET_MS:.0f} ms: {verdict(p95 <= P95_TARGET_MS)})"
        for site in sites[1:]:
            ratio = statistics.median(today[what]) / statistics.median(timings[site.name][what])
            target = RECOMPUTE_TARGET if what == "recompute" else RATIO_TARGET
            judged = what == "recompute" or what in JUDGED
            line += f"; median {ratio:.2f}× {site.name}"
            if judged:
                line += f" (target ≤ {target}×: {verdict(ratio <= target)})"
        print(line)
    for site in sites:
        print(f"  {site.name}: peak RSS {site.rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
