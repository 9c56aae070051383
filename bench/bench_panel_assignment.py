"""Expert panel assignment at national scale (issue 19): no database, the engine alone.

A national round: 3,213 synthetic six-digit region codes in 31 provinces (the real province
prefixes 11..65; province sizes drawn once, seed 19; each province's own code PP0000 is one
of them) x 10 indicators = 32,130 cells, 3 experts per cell, 200 experts. Expert e belongs to
province e mod 31 (6 or 7 experts per province) and may not score any region of it, the
province included: every cell has 193 or 194 eligible experts, the conflict structure of a
panel recruited from the provinces it assesses.

Reports the median of `--repeat` runs of `assign_experts` (the dict the caller gets), the
load spread (max - min cells per expert), how often two experts share a cell (max over all
pairs against the mean) and the ratio to the 5 s target. Every run is checked: no conflict,
3 distinct experts per cell.

    .venv/bin/python bench/bench_panel_assignment.py
    .venv/bin/python bench/bench_panel_assignment.py --smoke    # CI: 310 regions, one run
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from _setup import machine

from indicators.engine.panel_assignment import assign_experts, expert_loads, pair_counts

TARGET_S = 5.0
PROVINCES = (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
             50, 51, 52, 53, 54, 61, 62, 63, 64, 65)  # fmt: skip
INDICATORS = 10
PER_CELL = 3
EXPERTS = 200


def national(regions: int) -> tuple[list[str], list[frozenset[str]]]:
    """(cell region codes, each expert's forbidden codes) for ``regions`` synthetic regions."""
    rng = np.random.default_rng(19)
    share = rng.dirichlet(np.full(len(PROVINCES), 4.0))
    sizes = 1 + np.floor(share * (regions - len(PROVINCES))).astype(int)
    sizes[: regions - sizes.sum()] += 1  # the rounding remainder: exactly `regions` in all
    by_province = [
        [f"{prefix}{i:04d}" for i in range(size)]
        for prefix, size in zip(PROVINCES, sizes, strict=True)
    ]
    cells = [code for codes in by_province for code in codes for _ in range(INDICATORS)]
    forbidden = [frozenset(by_province[e % len(PROVINCES)]) for e in range(EXPERTS)]
    return cells, forbidden


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--smoke", action="store_true", help="Tiny size for CI; timings meaningless.")
    p.add_argument("--repeat", type=int, default=5, help="Timed repetitions (median reported).")
    p.add_argument("--regions", type=int, default=3213)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    regions, repeat = (310, 1) if args.smoke else (args.regions, args.repeat)
    cells, forbidden = national(regions)
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        assignment = assign_experts(cells, forbidden, PER_CELL, seed=args.seed)
        seconds.append(time.perf_counter() - started)
        assert len(assignment) == len(cells)
        for cell, experts in assignment.items():
            assert len(set(experts)) == PER_CELL
            assert not any(cells[cell] in forbidden[e] for e in experts)
    loads = expert_loads(assignment, EXPERTS)
    together = pair_counts(assignment, EXPERTS)[np.triu_indices(EXPERTS, 1)]
    median = statistics.median(seconds)
    print(f"bench_panel_assignment ({machine()})")
    print(f"  {regions:,} regions in {len(PROVINCES)} provinces x {INDICATORS} indicators = "
          f"{len(cells):,} cells, {PER_CELL} experts each of {EXPERTS} "
          "(own province forbidden)")  # fmt: skip
    print(f"  assign_experts: median {median * 1000:,.0f} ms (n={repeat}) = "
          f"{median / TARGET_S:.3f}× the {TARGET_S:.0f} s target")  # fmt: skip
    spread = loads.max() - loads.min()
    print(f"  load per expert: {loads.min()}..{loads.max()} cells (spread {spread})")
    print(f"  cells shared by two experts: mean {together.mean():.2f}, min {together.min()}, "
          f"max {together.max()} ({together.max() / together.mean():.2f}× the mean)")  # fmt: skip
    if args.smoke:
        print("  (smoke run: timings meaningless)")


if __name__ == "__main__":
    main()
