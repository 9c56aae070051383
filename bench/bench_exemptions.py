"""Exemptions (申诉豁免) at national scale: the engine with ~100 exempt cells against the same
engine without any (no database: the engine only, as bench_engine.py).

3,213 regions × 43 leaves of synthetic values (tests/indicators/engine/synthetic.py, 2 %
missing), peer groups by level, a "parent" ranking and a few overstatement penalties, as the
round's compute passes them. Each run is what a recompute asks of the engine: `compute` and
then the 1,000-draw Monte Carlo rank intervals (`sensitivity`). The two variants run
alternately, `--repeat` times each after a warm-up, in this one process, so the ratio of the
medians does not depend on the machine's speed that day; `compute` alone is timed the same
way too.

Target (appeals): with 100 exempt cells ≤ 1.2× without.

    .venv/bin/python bench/bench_exemptions.py
    .venv/bin/python bench/bench_exemptions.py --smoke    # CI: 200 regions, timings meaningless
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
from _setup import machine  # also puts the repository on sys.path

from indicators.engine import Options, compute, sensitivity
from tests.indicators.engine.default_tree import build_default_tree
from tests.indicators.engine.synthetic import level_labels, synthetic_raw

RATIO_TARGET = 1.2


def alternate(fns: dict[str, Callable[[], object]], repeat: int) -> dict[str, list[float]]:
    """Seconds per run of each function, run in turn (a, b, a, b, ...) after one warm-up each."""
    for fn in fns.values():
        fn()
    seconds: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            started = time.perf_counter()
            fn()
            seconds[name].append(time.perf_counter() - started)
    return seconds


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--smoke", action="store_true", help="Tiny size for CI; timings meaningless.")
    p.add_argument("--repeat", type=int, default=5, help="Timed runs of the engine (median).")
    p.add_argument("--compute-repeat", type=int, default=21, help="Timed runs of compute alone.")
    p.add_argument("--exempt", type=int, default=100, help="Exempt (region, leaf) cells.")
    p.add_argument("--draws", type=int, default=1000)
    args = p.parse_args()
    regions = 3213
    if args.smoke:
        regions, args.draws, args.repeat, args.compute_repeat = 200, 50, 1, 1

    tree = build_default_tree()
    peers = level_labels(regions)
    raw = synthetic_raw(tree, peers, seed=0)
    rng = np.random.default_rng(23)
    parents = peers * 1000 + rng.integers(0, 30, regions)  # (level, parent region)
    penalties = np.full(raw.shape, np.nan)
    penalties.flat[rng.choice(raw.size, 50, replace=False)] = 0.0
    exempt = np.zeros(raw.shape, dtype=bool)
    exempt.flat[rng.choice(raw.size, args.exempt, replace=False)] = True
    options = Options(sensitivity_draws=args.draws)

    def engine(mask: np.ndarray | None) -> Callable[[], object]:
        def run() -> object:
            outcome = compute(
                tree,
                raw,
                peers,
                options,
                rank_groups={"parent": parents},
                penalties=penalties,
                exempt=mask,
            )
            return outcome, sensitivity(tree, raw, peers, options, penalties=penalties, exempt=mask)

        return run

    def compute_only(mask: np.ndarray | None) -> Callable[[], object]:
        def run() -> object:
            return compute(
                tree,
                raw,
                peers,
                options,
                rank_groups={"parent": parents},
                penalties=penalties,
                exempt=mask,
            )

        return run

    # The exempt cells do take effect (the figures below are not of a no-op).
    with_, without = engine(exempt)(), engine(None)()
    changed = int((with_[0].ranks["peer"][:, -1] != without[0].ranks["peer"][:, -1]).sum())

    print(f"bench_exemptions ({machine()})")
    print(
        f"  {regions} regions x {len(tree.leaf_codes)} leaves, {args.exempt} exempt cells "
        f"in {int(exempt.any(axis=1).sum())} regions ({changed} overall peer ranks moved), "
        f"{args.draws} draws"
    )
    for label, make, repeat in (
        ("compute + rank intervals", engine, args.repeat),
        ("compute alone", compute_only, args.compute_repeat),
    ):
        seconds = alternate({"without": make(None), "with": make(exempt)}, repeat)
        plain, appealed = (statistics.median(seconds[k]) for k in ("without", "with"))
        ratio = appealed / plain
        verdict = "OK" if ratio <= RATIO_TARGET else "over target"
        print(
            f"  {label:<26} without {plain * 1000:8.1f} ms, with {args.exempt} exempt "
            f"{appealed * 1000:8.1f} ms (medians of {repeat}): ratio {ratio:.3f} "
            f"(target ≤ {RATIO_TARGET}: {verdict})"
        )


if __name__ == "__main__":
    main()
