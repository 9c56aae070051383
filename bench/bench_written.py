"""The written 评估报告 (.docx) at provincial and national scale.

Builds two nationwide rounds (2024 → 2025, `bench/national.py`: 3,213 divisions × 43 leaves of
approved values, computed by the real compute step) and a provincial one (Zhejiang, 102
regions). Then, in this one run:

- writes the provincial report (every level) `--repeat` times, end to end: the round report's
  reads, the summary, the charts (matplotlib) and the document (python-docx);
- writes the national report (31 provinces, 333 cities, 2,849 counties) once in a fresh
  process, timed, with its peak RSS (what a job's worker holds);
- converts the provincial report to PDF with LibreOffice when the machine has it (not judged).

Targets: provincial ≤ 10 s; national ≤ 60 s as a job; peak RSS ≤ 400 MB.

    .venv/bin/python bench/bench_written.py
    .venv/bin/python bench/bench_written.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/bench_written.py --smoke    # CI: Zhejiang only, timings not judged
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from _setup import bootstrap, machine, max_rss_mb, parser
from bench_reports import build  # the same two national rounds and Zhejiang's

PROVINCE_TARGET_S = 10.0
NATIONAL_TARGET_S = 60.0
MEMORY_TARGET_MB = 400.0


def export(round_id: int, target: Path, fmt: str = "docx") -> int:
    """The written report of every level and region of the round (as `export_round
    --format docx` writes it)."""
    from django.db.models import Q

    from assessment.collection.models import Round
    from assessment.dashboards.reports.build import read_for, section_for
    from assessment.dashboards.reports.written.build import write_written
    from assessment.dashboards.selectors.reports import round_report
    from assessment.regions.models import RegionLevel

    round_ = Round.objects.select_related("system", "scope", "previous").get(pk=round_id)
    levels = [level for level in RegionLevel.values if level in round_.levels]
    sections = [section_for(read_for(round_, {"level": level}, Q())) for level in levels]
    report = round_report(round_=round_, sections=sections, parents=set(), exported_by="bench")
    write_written(report, target, fmt=fmt)
    return len(report.rows)


def child(round_id: int) -> None:
    """In a fresh process: write once, print the time and the peak RSS."""
    target = Path(tempfile.mkdtemp()) / "national.docx"
    started = time.perf_counter()
    regions = export(round_id, target)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "rss_mb": max_rss_mb(), "regions": regions,
                      "kb": target.stat().st_size // 1024}))  # fmt: skip


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = p.parse_args()
    warnings.filterwarnings("ignore", message="No directory at")
    if args.child:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        child(args.child)
        return
    label = bootstrap(args.database_url)
    from assessment.dashboards.reports.written.pdf import soffice

    started = time.perf_counter()
    national, province = build(args.smoke)
    built = time.perf_counter() - started
    repeat = 1 if args.smoke else args.repeat
    folder = Path(tempfile.mkdtemp(prefix="bench-written-"))
    export(province.pk, folder / "province.docx")  # warm-up: imports, fonts, first queries
    province_s = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        regions = export(province.pk, folder / "province.docx")
        province_s.append(time.perf_counter() - t0)
    output = subprocess.run(
        [sys.executable, __file__, "--child", str(national.pk)],
        env={**os.environ}, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    national_run = json.loads(output.strip().splitlines()[-1])

    def verdict(ok: bool) -> str:
        return "smoke run, not judged" if args.smoke else "OK" if ok else "over target"

    median = statistics.median(province_s)
    print(f"bench_written on {label} ({machine()}); data built in {built:.0f} s")
    print(
        f"  provincial report ({regions} regions) median {median:.2f} s  runs "
        f"{', '.join(f'{s:.2f}' for s in province_s)} "
        f"(target ≤ {PROVINCE_TARGET_S:.0f} s: {verdict(median <= PROVINCE_TARGET_S)})"
    )
    seconds, rss = national_run["seconds"], national_run["rss_mb"]
    print(
        f"  national report ({national_run['regions']:,} regions, {national_run['kb']:,} kB) "
        f"{seconds:.2f} s in a fresh process "
        f"(target ≤ {NATIONAL_TARGET_S:.0f} s: {verdict(seconds <= NATIONAL_TARGET_S)}); "
        f"peak RSS {rss:.0f} MB (target ≤ {MEMORY_TARGET_MB:.0f} MB: "
        f"{verdict(rss <= MEMORY_TARGET_MB)})"
    )
    if soffice() is not None:
        t0 = time.perf_counter()
        export(province.pk, folder / "province.pdf", fmt="pdf")
        print(f"  provincial report as PDF (LibreOffice): {time.perf_counter() - t0:.2f} s")
    else:
        print("  no LibreOffice: PDF not timed")


if __name__ == "__main__":
    main()
