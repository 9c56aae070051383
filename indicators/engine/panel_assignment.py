"""Assigning experts to panel cells (专家评审): no conflicts, even loads, varied colleagues.

A panel cell is one (region, indicator) to be scored; each cell is scored independently by
``per_cell`` distinct experts. An expert may not score a region they have a conflict with
(their own region and whatever the caller adds: ancestors, descendants ...), given here simply
as a set of forbidden region codes per expert. The engine knows no regions or users: cells and
experts are positions in the caller's lists, and the answer maps cell index -> expert indices.

What is guaranteed, and how:

1. **No conflict, exactly** ``per_cell`` **distinct experts per cell.** Experts have no
   capacity, so a cell can be staffed iff its region has at least ``per_cell`` eligible
   experts; otherwise ``ValueError`` names the first such cell, before any work is done.
2. **The most even loads possible.** A greedy pass gives each cell the least-loaded eligible
   experts; without conflicts that alone keeps every load within 1 of every other (loads stay
   in {m, m + 1}: a cell takes the experts at m first). Conflicts can leave it uneven, so a
   repair pass then moves load along *improving paths*: expert e (load l) hands a cell to g,
   g hands another cell to h, ... until an expert with load <= l - 2 takes one; every swap
   keeps each cell conflict-free and its experts distinct, and the intermediate loads are
   unchanged. When no such path exists the load vector is *decreasingly minimal* (Frank &
   Murota, "Discrete decreasing minimization", 2022; for one expert per cell, Harvey et al.,
   "Semi-matchings for bipartite graphs and load balancing", 2006): no valid assignment has a
   smaller maximum load, a larger minimum load or a smaller sum of squared loads. So
   max - min <= 1 whenever any valid assignment achieves it, and otherwise it is the least
   spread that the conflicts allow.
3. **Varied colleagues** (so no expert is paired with the same colleague everywhere). Among
   the least-loaded eligible experts, a cell's 2nd, 3rd ... expert is the one who has so far
   sat least often with the experts already chosen for the cell (sum of co-occurrences), then
   a seeded random order. It is a preference, not a bound: the measure reported by
   ``pair_counts`` is the maximum number of cells any two experts share against the mean over
   all pairs (e.g. 3,213 regions x 10 indicators x 3 experts of 200: mean 4.8, max 7).
4. **Deterministic** for a given ``seed`` (regions are visited in a seeded random order, so
   that conflicts do not pile up at the end, and ties are broken by a seeded permutation).

Cost: one NumPy argmin over the experts per seat (cells of one region share their conflicts),
so about 10 us per cell: a national round (32,130 cells x 3 of 200 experts) takes ~0.35 s
on a 2-core machine (bench/bench_panel_assignment.py).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from itertools import combinations

import numpy as np

#: Experts per cell unless the caller says otherwise (the panel rules allow 2 to 5).
DEFAULT_PER_CELL = 2

_CHOSEN = 1 << 62  # key of an expert already in the cell
_FORBIDDEN = 1 << 61  # added to the key of an expert with a conflict


def assign_experts(
    cell_regions: Sequence[Hashable],
    expert_forbidden: Sequence[Collection[Hashable]],
    per_cell: int = DEFAULT_PER_CELL,
    *,
    seed: int = 0,
) -> dict[int, tuple[int, ...]]:
    """``{cell index: sorted tuple of per_cell expert indices}`` for every cell.

    ``cell_regions[c]`` is the region code of cell c; ``expert_forbidden[e]`` the region codes
    expert e may not score. See the module docstring for the guarantees.
    """
    matrix = assignment_matrix(cell_regions, expert_forbidden, per_cell, seed=seed)
    return {cell: tuple(row) for cell, row in enumerate(matrix.tolist())}


def assignment_matrix(
    cell_regions: Sequence[Hashable],
    expert_forbidden: Sequence[Collection[Hashable]],
    per_cell: int = DEFAULT_PER_CELL,
    *,
    seed: int = 0,
) -> np.ndarray:
    """The same assignment as an (n_cells, per_cell) integer array, each row sorted."""
    if isinstance(per_cell, bool) or not isinstance(per_cell, int | np.integer) or per_cell < 1:
        raise ValueError(f"per_cell must be a positive integer, got {per_cell!r}")
    per_cell = int(per_cell)
    index: dict[Hashable, int] = {}
    cell_region = np.fromiter(
        (index.setdefault(code, len(index)) for code in cell_regions), dtype=np.intp
    )
    n_cells, n_experts = cell_region.size, len(expert_forbidden)
    if n_cells == 0:
        return np.empty((0, per_cell), dtype=np.intp)
    conflict = np.zeros((len(index), n_experts), dtype=bool)
    for expert, codes in enumerate(expert_forbidden):
        if isinstance(codes, str | bytes):  # a bare code would be read as its characters
            raise ValueError(
                f"expert {expert}: forbidden regions must be a collection of codes, "
                f"got the string {codes!r}"
            )
        for code in codes:
            row = index.get(code)
            if row is not None:
                conflict[row, expert] = True
    eligible = ~conflict
    short = eligible.sum(axis=1) < per_cell
    if short.any():
        cell = int(np.flatnonzero(short[cell_region])[0])
        code = next(c for c, r in index.items() if r == cell_region[cell])
        count = int(eligible[cell_region[cell]].sum())
        raise ValueError(
            f"cell {cell} (region {code!r}) cannot be staffed: {count} eligible expert(s) "
            f"of {n_experts}, {per_cell} needed"
        )
    rng = np.random.default_rng(seed)
    matrix = _greedy(cell_region, conflict, per_cell, rng)
    _balance(matrix, cell_region, eligible)
    matrix.sort(axis=1)
    return matrix


def pair_counts(assignment: Mapping[int, Sequence[int]] | np.ndarray, n_experts: int) -> np.ndarray:
    """(n_experts, n_experts) symmetric matrix: how many cells each two experts share.

    The diagonal is 0. Accepts the dict from ``assign_experts`` or the array from
    ``assignment_matrix``.
    """
    counts = np.zeros((n_experts, n_experts), dtype=np.int64)
    rows = assignment.values() if isinstance(assignment, Mapping) else assignment
    for row in rows:
        for a, b in combinations(row, 2):
            counts[a, b] += 1
            counts[b, a] += 1
    return counts


def expert_loads(
    assignment: Mapping[int, Sequence[int]] | np.ndarray, n_experts: int
) -> np.ndarray:
    """How many cells each expert scores."""
    rows = assignment.values() if isinstance(assignment, Mapping) else assignment
    flat = [expert for row in rows for expert in row]
    return np.bincount(np.asarray(flat, dtype=np.intp), minlength=n_experts)


def _greedy(
    cell_region: np.ndarray, conflict: np.ndarray, per_cell: int, rng: np.random.Generator
) -> np.ndarray:
    """One pass: each seat goes to the eligible expert with the smallest integer key

        key = load * load_step + (co-occurrences with the cell's experts so far) * n + tie,

    ``tie`` a random permutation of the experts, redrawn for every region. The three parts
    cannot overflow into each other: co-occurrence sums are below ``(per_cell - 1) * n_cells``.
    """
    n_cells, n_experts = cell_region.size, conflict.shape[1]
    pair_step = n_experts
    load_step = pair_step * ((per_cell - 1) * n_cells + 1)
    if (n_cells + 1) * load_step >= _FORBIDDEN:
        raise ValueError(f"{n_cells} cells x {n_experts} experts is beyond this algorithm's keys")
    penalty = np.where(conflict, _FORBIDDEN, 0).astype(np.int64)
    base = np.zeros(n_experts, dtype=np.int64)  # load * load_step + tie
    together = np.zeros((n_experts, n_experts), dtype=np.int64)  # co-occurrences * pair_step
    tie = np.zeros(n_experts, dtype=np.int64)
    rows: list[list[int]] = [[]] * n_cells
    by_region = np.argsort(cell_region, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(np.bincount(cell_region)))).tolist()
    for region in rng.permutation(conflict.shape[0]).tolist():
        new_tie = rng.permutation(n_experts).astype(np.int64)
        base += new_tie - tie
        tie = new_tie
        region_penalty = penalty[region]
        for cell in by_region[bounds[region] : bounds[region + 1]].tolist():
            key = base + region_penalty
            chosen = [int(key.argmin())]
            for _ in range(per_cell - 1):
                last = chosen[-1]
                key += together[last]
                key[last] = _CHOSEN
                chosen.append(int(key.argmin()))
            rows[cell] = chosen
            for expert in chosen:  # scalar updates: cheaper than fancy indexing for k <= 5
                base[expert] += load_step
            for a, b in combinations(chosen, 2):
                together[a, b] += pair_step
                together[b, a] += pair_step
    return np.array(rows, dtype=np.intp).reshape(n_cells, per_cell)


def _balance(matrix: np.ndarray, cell_region: np.ndarray, eligible: np.ndarray) -> None:
    """Move load along improving paths (in place) until none is left; see the module docstring.

    Each move lowers the sum of squared loads by at least 2, so this ends; without conflicts
    the greedy pass already leaves max - min <= 1 and nothing is searched.
    """
    n_experts = eligible.shape[1]
    loads = np.bincount(matrix.ravel(), minlength=n_experts)
    while loads.max() - loads.min() >= 2:
        for level in range(int(loads.max()), int(loads.min()) + 1, -1):
            path = _improving_path(matrix, cell_region, eligible, loads, level)
            if path:
                break
        else:
            return
        for cell, leaving, joining in path:
            matrix[cell][matrix[cell] == leaving] = joining
        loads[path[0][1]] -= 1
        loads[path[-1][2]] += 1


def _improving_path(
    matrix: np.ndarray,
    cell_region: np.ndarray,
    eligible: np.ndarray,
    loads: np.ndarray,
    level: int,
) -> list[tuple[int, int, int]]:
    """Shortest chain of (cell, leaving expert, joining expert) from an expert with load
    ``level`` to one with load <= level - 2, or [] if there is none (breadth-first search).

    Expert e leads to g when e sits in a cell that g may score and does not already sit in.
    Along a shortest chain the cells are all different (a repeated cell would allow a
    shortcut), so applying the swaps one after the other is valid.
    """
    visited = loads == level
    parent = np.full(loads.size, -1, dtype=np.intp)
    via = np.full(loads.size, -1, dtype=np.intp)
    frontier = np.flatnonzero(visited).tolist()
    while frontier:
        reached: list[int] = []
        for expert in frontier:
            rows = np.flatnonzero((matrix == expert).any(axis=1))
            if rows.size == 0:
                continue
            can = eligible[cell_region[rows]] & ~visited
            can[np.arange(rows.size)[:, None], matrix[rows]] = False
            new = np.flatnonzero(can.any(axis=0))
            if new.size == 0:
                continue
            parent[new] = expert
            via[new] = rows[can.argmax(axis=0)[new]]
            visited[new] = True
            hits = new[loads[new] <= level - 2]
            if hits.size:
                node = int(hits[np.argmin(loads[hits])])
                path = []
                while parent[node] >= 0:
                    path.append((int(via[node]), int(parent[node]), node))
                    node = int(parent[node])
                return path[::-1]
            reached.extend(new.tolist())
        frontier = reached
    return []
