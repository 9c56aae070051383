"""Benchmark of the scoring engine at national scale (not a timed test).

    .venv/bin/python bench/bench_engine.py                 # 3,213 regions, 1,000 draws
    .venv/bin/python bench/bench_engine.py --regions 200 --draws 50 --json   # small run
    .venv/bin/python bench/bench_engine.py --smoke        # CI: the same, one run each

Wall time is time.perf_counter over several runs (best and median reported); peak memory is
measured in a separate run under tracemalloc (allocations made by Python and NumPy), and
ru_maxrss is the process's resident-set high-water mark at the end.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from indicators.engine import Options, compute, sensitivity
from tests.indicators.engine.default_tree import build_default_tree
from tests.indicators.engine.synthetic import level_labels, synthetic_raw


def measure(fn: Callable[[], object], runs: int) -> dict[str, float]:
    fn()  # warm-up: imports, caches, page faults
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "best_s": min(times),
        "median_s": statistics.median(times),
        "runs": runs,
        "peak_mib": peak / 2**20,
    }


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=3213)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7, help="timed runs of compute")
    parser.add_argument("--sensitivity-runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--smoke", action="store_true", help="tiny CI run: 200 regions, 50 draws, 1 run each"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.regions, args.draws, args.runs, args.sensitivity_runs = 200, 50, 1, 1

    tree = build_default_tree()
    levels = level_labels(args.regions)
    raw = synthetic_raw(tree, levels, seed=args.seed)
    base = Options(sensitivity_draws=args.draws)
    treated = Options(normalisation="minmax", outliers=True, sensitivity_draws=args.draws)
    mixed = Options(
        outliers=True,
        sensitivity_draws=args.draws,
        sensitivity_methods=("rules", "minmax", "zscore", "percentile"),
    )
    cases: dict[str, tuple[Callable[[], object], int]] = {
        "compute": (lambda: compute(tree, raw, levels, base), args.runs),
        "compute_outliers_minmax": (
            lambda: compute(tree, raw, levels, treated),
            args.runs,
        ),
        "sensitivity": (
            lambda: sensitivity(tree, raw, levels, base),
            args.sensitivity_runs,
        ),
        "sensitivity_outliers_minmax": (
            lambda: sensitivity(tree, raw, levels, treated),
            args.sensitivity_runs,
        ),
        "sensitivity_random_methods": (
            lambda: sensitivity(tree, raw, levels, mixed),
            args.sensitivity_runs,
        ),
    }
    results = {name: measure(fn, runs) for name, (fn, runs) in cases.items()}
    treated_count = len(compute(tree, raw, levels, treated).outliers)
    report: dict[str, object] = {
        "regions": args.regions,
        "leaves": len(tree.leaf_codes),
        "draws": args.draws,
        "missing_share": float(np.isnan(raw).mean()),
        "outlier_records": treated_count,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": platform.machine(),
        "results": results,
        "ru_maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(
            f"{args.regions} regions x {report['leaves']} leaves, {args.draws} draws, "
            f"{report['missing_share']:.1%} missing, {treated_count} outlier treatments"
        )
        for name, r in results.items():
            print(
                f"{name:30s} best {r['best_s'] * 1000:9.1f} ms  median "
                f"{r['median_s'] * 1000:9.1f} ms  peak {r['peak_mib']:7.1f} MiB"
            )
        print(f"ru_maxrss {report['ru_maxrss_mib']:.0f} MiB")
    return report


if __name__ == "__main__":
    main()
