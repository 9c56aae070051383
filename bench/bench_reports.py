"""Excel reports at national scale: the round report of all 3,213 regions.

Builds two nationwide rounds (2024 → 2025, 3,213 divisions × 43 leaves of approved values,
`bench/national.py`) and computes them with the real compute step, plus a provincial round
(Zhejiang: 102 regions). Then, in this one run:

- writes the national round report (every level: 31 provinces, 333 cities, 2,849 counties;
  all seven sheets) end to end, database reads included, `--repeat` times;
- writes the same cells bare, as many times: the yardstick. The report's own values, read
  back from the file it wrote, in the same sheets and rows, with openpyxl's write-only mode
  and nothing else (no styles, number formats, colour scales, charts or database reads);
- measures memory in fresh processes (so the data set-up does not count): tracemalloc's
  peak and the process's peak RSS while it exports once;
- writes the provincial report (Zhejiang, 102 regions).

Targets: national time ≤ 1.3 × the bare cells' time; peak memory ≤ 200 MB; provincial ≤ 1 s.

    .venv/bin/python bench/bench_reports.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/bench_reports.py            # SQLite
    .venv/bin/python bench/bench_reports.py --smoke    # CI: Zhejiang only, timings meaningless
"""

from __future__ import annotations

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

RATIO_TARGET = 1.3
MEMORY_TARGET_MB = 200.0
PROVINCE_TARGET_S = 1.0


def build(smoke: bool):
    """(national 2025 round, provincial round): computed, 2025 compared with 2024."""
    from national import national_round

    from assessment.collection.models import Round, RoundStatus
    from assessment.results.services.compute import compute_round

    previous = None
    for period in ("2024", "2025"):
        round_ = national_round(period=period, smoke=smoke)
        Round.objects.filter(pk=round_.pk).update(previous=previous, status=RoundStatus.PUBLISHED)
        round_.refresh_from_db()
        compute_round(round_=round_)
        previous = round_
    province = national_round(period="2023", smoke=True)
    compute_round(round_=province)
    return previous, province


def export(round_id: int, target: Path) -> int:
    """The report of every level and region of the round, as `manage.py export_round` does."""
    from django.db.models import Q

    from assessment.collection.models import Round
    from assessment.dashboards.reports.build import read_for, section_for
    from assessment.dashboards.reports.round_report import write_round_report
    from assessment.dashboards.selectors.reports import round_report
    from assessment.regions.models import RegionLevel

    round_ = Round.objects.select_related("system", "scope", "previous").get(pk=round_id)
    levels = [level for level in RegionLevel.values if level in round_.levels]
    sections = [section_for(read_for(round_, {"level": level}, Q())) for level in levels]
    report = round_report(round_=round_, sections=sections, parents=set(), exported_by="bench")
    write_round_report(report, target)
    return len(report.rows)


def read_cells(path: Path) -> dict[str, list[tuple]]:
    """Every sheet's rows of values as the report wrote them: what the yardstick writes."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    cells = {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
    book.close()
    return cells


def count_cells(cells: dict[str, list[tuple]]) -> tuple[int, int]:
    """(numbers, text cells) of the report."""
    numbers = texts = 0
    for rows in cells.values():
        for row in rows:
            for value in row:
                if isinstance(value, str):
                    texts += 1
                elif value is not None:
                    numbers += 1
    return numbers, texts


def bare_cells(cells: dict[str, list[tuple]], target: Path) -> None:
    """The yardstick: the report's own cells, in the same sheets and rows, written with
    openpyxl's write-only mode and nothing else (no styles, formats, charts or reads)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, rows in cells.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(target)


def child(round_id: int, trace: bool) -> None:
    """Run in a fresh process: export once, then print the peaks. tracemalloc's own tables
    take memory, so the RSS peak is read in a process that does not trace (`trace` False)."""
    import tracemalloc

    target = Path(tempfile.mkdtemp()) / "memory.xlsx"
    if trace:
        tracemalloc.start()
    export(round_id, target)
    if trace:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(json.dumps({"tracemalloc_mb": peak / 2**20}))
    else:
        print(json.dumps({"rss_mb": max_rss_mb()}))


def measure_memory(round_id: int) -> dict[str, float]:
    """tracemalloc's peak and the peak RSS of one export, each in a fresh process."""
    memory: dict[str, float] = {}
    for mode in ("--trace", "--rss"):
        output = subprocess.run(
            [sys.executable, __file__, "--child", str(round_id), mode],
            env={**os.environ},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        memory.update(json.loads(output.strip().splitlines()[-1]))
    return memory


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--child", type=int, help=argparse_hidden())
    p.add_argument("--trace", action="store_true", help=argparse_hidden())
    p.add_argument("--rss", action="store_true", help=argparse_hidden())
    args = p.parse_args()
    warnings.filterwarnings("ignore", message="No directory at")
    if args.child:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        child(args.child, trace=args.trace)
        return
    label = bootstrap(args.database_url)
    from django.db import connection

    started = time.perf_counter()
    national, province = build(args.smoke)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    built = time.perf_counter() - started
    repeat = 1 if args.smoke else args.repeat
    folder = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    target, yardstick = folder / "national.xlsx", folder / "bare.xlsx"
    regions = export(national.pk, target)  # warm-up: imports, first queries
    cells = read_cells(target)
    numbers, texts = count_cells(cells)
    report_s, bare_s = [], []
    for _ in range(repeat):  # alternate, so a busy moment hits both alike
        t0 = time.perf_counter()
        export(national.pk, target)
        report_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        bare_cells(cells, yardstick)
        bare_s.append(time.perf_counter() - t0)
    province_s = []
    export(province.pk, folder / "province.xlsx")
    for _ in range(max(repeat, 3)):
        t0 = time.perf_counter()
        province_regions = export(province.pk, folder / "province.xlsx")
        province_s.append(time.perf_counter() - t0)
    memory = measure_memory(national.pk)
    ratio = statistics.median(report_s) / statistics.median(bare_s)

    def verdict(ok: bool) -> str:
        return "smoke run, not judged" if args.smoke else "OK" if ok else "over target"

    print(f"bench_reports on {label} ({machine()}); data built in {built:.0f} s")
    print(
        f"  national report: {regions:,} regions, {numbers:,} numbers + {texts:,} text cells, "
        f"{target.stat().st_size / 2**20:.1f} MB"
    )
    print(
        f"  report (reads + write)   median {statistics.median(report_s):6.2f} s  "
        f"runs {', '.join(f'{s:.2f}' for s in report_s)}"
    )
    print(
        f"  bare cells (write-only)  median {statistics.median(bare_s):6.2f} s  "
        f"runs {', '.join(f'{s:.2f}' for s in bare_s)}"
    )
    print(f"  ratio {ratio:.2f}× (target ≤ {RATIO_TARGET}×: {verdict(ratio <= RATIO_TARGET)})")
    peak = max(memory["tracemalloc_mb"], memory["rss_mb"])
    print(
        f"  memory of one export in a fresh process: tracemalloc peak "
        f"{memory['tracemalloc_mb']:.0f} MB, peak RSS {memory['rss_mb']:.0f} MB "
        f"(target ≤ {MEMORY_TARGET_MB:.0f} MB: {verdict(peak <= MEMORY_TARGET_MB)})"
    )
    median = statistics.median(province_s)
    print(
        f"  provincial report ({province_regions} regions) median {median:.3f} s  "
        f"runs {', '.join(f'{s:.3f}' for s in province_s)} "
        f"(target ≤ {PROVINCE_TARGET_S:.0f} s: {verdict(median <= PROVINCE_TARGET_S)})"
    )


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    main()
