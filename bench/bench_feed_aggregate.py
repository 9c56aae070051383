"""Aggregating a raw platform log into per-region values (assessment.feeds): no database.

A national 好差评 (service rating) log: 1,000,000 rows (行政区划代码, 评价日期, 评价等级; the
grades 非常满意/满意/基本满意/不满意/非常不满意, seed 23) over 3,213 synthetic six-digit codes
("1" + 5 digits, all of them known), written to a temporary file. Each run is a fresh child
process, so its peak RSS (VmHWM; `ru_maxrss` where there is none) is the aggregation's own plus
the interpreter's: the child reads the file with `aggregate` as RATE (the share of 非常满意 and
满意) or COUNT, and its values are checked against the counts taken while writing the file.

Reports, per aggregation, the median seconds of `--repeat` runs and the highest peak RSS, each
against its target (20 s, 300 MB for the whole process) and as a ratio of it.

    .venv/bin/python bench/bench_feed_aggregate.py
    .venv/bin/python bench/bench_feed_aggregate.py --smoke    # CI: 10,000 rows, one run
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from _setup import ROOT, machine, max_rss_mb

TARGET_S = 20.0
TARGET_MB = 300.0
REGIONS = 3213
GRADES = ("非常满意", "满意", "基本满意", "不满意", "非常不满意")
WEIGHTS = (50, 30, 12, 5, 3)
GOOD = ("非常满意", "满意")
HEADER = ("行政区划代码", "评价日期", "评价等级")


def codes(regions: int) -> list[str]:
    return [f"1{i:05d}" for i in range(regions)]


def write_log(path: Path, rows: int, regions: int, encoding: str) -> tuple[Counter, Counter]:
    """The log, written in blocks; (rows by region, good ratings by region)."""
    rng = random.Random(23)
    all_codes = codes(regions)
    start = datetime.date(2024, 1, 1)
    days = [(start + datetime.timedelta(days=d)).isoformat() for d in range(366)]
    per_region: Counter = Counter()
    good: Counter = Counter()
    with path.open("w", encoding=encoding, newline="") as out:
        out.write(",".join(HEADER) + "\r\n")
        left = rows
        while left:
            n = min(left, 100_000)
            left -= n
            region = rng.choices(all_codes, k=n)
            grade = rng.choices(GRADES, weights=WEIGHTS, k=n)
            day = rng.choices(days, k=n)
            per_region.update(region)
            good.update(c for c, g in zip(region, grade, strict=True) if g in GOOD)
            out.write(
                "".join(f"{c},{d},{g}\r\n" for c, d, g in zip(region, day, grade, strict=True))
            )
    return per_region, good


def child(kind: str, path: str, regions: int) -> None:
    """In the fresh process: one aggregation, its figures as JSON on stdout."""
    from django.conf import settings

    settings.configure(USE_I18N=False)  # problem messages are lazy texts; no project needed
    from assessment.feeds.aggregation import Aggregation, Condition, FeedSpec, aggregate

    known = frozenset(codes(regions))
    condition = Condition("评价等级", "in", ",".join(GOOD)) if kind == "rate" else None
    spec = FeedSpec(Aggregation(kind), "行政区划代码", condition=condition)
    base_mb = max_rss_mb()
    started = time.perf_counter()
    with open(path, "rb") as stream:
        result = aggregate(stream, spec, known_codes=known)
    seconds = time.perf_counter() - started
    print(json.dumps({
        "seconds": seconds, "peak_mb": max_rss_mb(), "base_mb": base_mb, "rows": result.rows,
        "used": result.used, "problems": result.problem_count,
        "values": {code: str(value) for code, value in result.values.items()},
    }))  # fmt: skip


def run(kind: str, path: Path, regions: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path), "--regions", str(regions)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout)


def expected(kind: str, per_region: Counter, good: Counter) -> dict[str, str]:
    places = Decimal("0.000001")
    if kind == "count":
        return {c: str(Decimal(n).quantize(places)) for c, n in per_region.items()}
    return {
        c: str((Decimal(100 * good[c]) / n).quantize(places, rounding=ROUND_HALF_UP))
        for c, n in per_region.items()
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--smoke", action="store_true", help="Tiny size for CI; timings meaningless.")
    p.add_argument("--repeat", type=int, default=3, help="Runs per aggregation (median reported).")
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--regions", type=int, default=REGIONS)
    p.add_argument("--encoding", default="utf-8", choices=("utf-8", "gb18030"))
    p.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.regions)
        return
    rows, repeat = (10_000, 1) if args.smoke else (args.rows, args.repeat)
    with tempfile.TemporaryDirectory(prefix="bench-feed-") as folder:
        path = Path(folder) / "haochaping.csv"
        started = time.perf_counter()
        per_region, good = write_log(path, rows, args.regions, args.encoding)
        written = time.perf_counter() - started
        size_mb = path.stat().st_size / 1024 / 1024
        print(f"bench_feed_aggregate ({machine()})")
        print(f"  好差评 log: {rows:,} rows over {len(per_region):,} of {args.regions:,} regions, "
              f"{size_mb:,.1f} MB {args.encoding} (written in {written:.1f} s)")  # fmt: skip
        print(f"  {'aggregation':<12} {'median s':>9} {'× 20 s':>7} {'peak MB':>8} "
              f"{'× 300 MB':>9} {'start MB':>9} {'runs':>5}")  # fmt: skip
        for kind in ("rate", "count"):
            runs = [run(kind, path, args.regions) for _ in range(repeat)]
            for figures in runs:
                assert figures["problems"] == 0, figures["problems"]
                assert figures["rows"] == figures["used"] == rows
                assert figures["values"] == expected(kind, per_region, good), kind
            seconds = statistics.median(r["seconds"] for r in runs)
            peak = max(r["peak_mb"] for r in runs)
            base = max(r["base_mb"] for r in runs)
            print(f"  {kind.upper():<12} {seconds:>9.2f} {seconds / TARGET_S:>7.3f} {peak:>8.1f} "
                  f"{peak / TARGET_MB:>9.3f} {base:>9.1f} {repeat:>5}")  # fmt: skip
    print("  peak MB: the child's whole process (VmHWM); start MB: before reading the file")
    if args.smoke:
        print("  (smoke run: timings meaningless)")


if __name__ == "__main__":
    main()
