"""Assigning experts to panel cells (专家评审): no conflicts, even loads, varied colleagues.

A panel cell is one (region, indicator) to be scored; each cell is scored independently by
``per_cell`` distinct experts. An expert may not score a region they have a conflict with
(their own region and whatever the caller adds: ancestors, descendants ...), given here simply
as a set of forbidden region codes per expert. The engine knows no regions or users: cells and
experts are positions in the caller's lists, and the answer maps cell index -> expert indices.

**Topping up.** A cell may already have some experts (assigned by hand, or before the panel
asked for more per cell). The caller then says, per cell, how many experts it still needs
(``need``) and which are already on it (``taken``: never chosen again, and counted as
colleagues), and per expert the seats they already hold in the panel (``initial_load``).
The answer is then the new experts only; the guarantees below hold for the new seats, with
loads counted as existing plus new. Without these arguments every cell needs ``per_cell``
experts, as before (and the answer is the same, seat for seat).

What is guaranteed, and how:

1. **No conflict, exactly the experts needed, all distinct.** Experts have no capacity, so a
   cell can be staffed iff its region has at least ``need`` eligible experts that are not
   already on it; otherwise ``ValueError`` names the first such cell, before any work is done.
2. **The most even loads possible.** A greedy pass gives each cell the least-loaded eligible
   experts; without conflicts (or seats held already) that alone keeps every load within 1 of
   every other (loads stay in {m, m + 1}: a cell takes the experts at m first). Conflicts can
   leave it uneven, so a repair pass then moves new seats along *improving paths*: expert e
   (load l) hands a cell to g, g hands another cell to h, ... until an expert with load
   <= l - 2 takes one; every swap keeps each cell conflict-free and its experts distinct, and
   the intermediate loads are unchanged. When no such path exists the load vector is
   *decreasingly minimal* (Frank & Murota, "Discrete decreasing minimization", 2022; for one
   expert per cell, Harvey et al., "Semi-matchings for bipartite graphs and load balancing",
   2006): no valid assignment has a smaller maximum load, a larger minimum load or a smaller
   sum of squared loads. So max - min <= 1 whenever any valid assignment achieves it, and
   otherwise it is the least spread that the conflicts (and the seats already held, which
   never move) allow. Existing seats are an offset: the same argument holds for
   ``initial_load + new seats``.
3. **Varied colleagues** (so no expert is paired with the same colleague everywhere). Among
   the least-loaded eligible experts, a cell's next expert is the one who has so far sat
   least often with the experts already on the cell (taken or chosen; sum of co-occurrences
   in the cells given), then a seeded random order. It is a preference, not a bound: the
   measure reported by ``pair_counts`` is the maximum number of cells any two experts share
   against the mean over all pairs (e.g. 3,213 regions x 10 indicators x 3 experts of 200:
   mean 4.8, max 7).
4. **Deterministic** for a given ``seed`` (regions are visited in a seeded random order, so
   that conflicts do not pile up at the end, and ties are broken by a seeded permutation).

Cost: one NumPy argmin over the experts per seat (cells of one region share their conflicts),
so about 10 us per cell: a national round (32,130 cells x 3 of 200 experts) takes ~0.4 s
on a 2-core machine (bench/bench_panel_assignment.py). Cells that need nobody cost nothing
but their share of the input checks.
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
    need: Sequence[int] | None = None,
    taken: Sequence[Collection[int]] | None = None,
    initial_load: Sequence[int] | None = None,
) -> dict[int, tuple[int, ...]]:
    """``{cell index: sorted tuple of the new expert indices}`` for every cell.

    ``cell_regions[c]`` is the region code of cell c; ``expert_forbidden[e]`` the region codes
    expert e may not score. Optional, to top cells up: ``need[c]`` how many experts cell c
    still needs (default ``per_cell`` for every cell; 0: none, its tuple is empty),
    ``taken[c]`` the experts already on cell c, ``initial_load[e]`` how many seats expert e
    already holds (those in ``taken`` included). See the module docstring for the guarantees.
    """
    matrix = assignment_matrix(
        cell_regions, expert_forbidden, per_cell, seed=seed, need=need, taken=taken,
        initial_load=initial_load,
    )  # fmt: skip
    if need is None:
        return {cell: tuple(row) for cell, row in enumerate(matrix.tolist())}
    return {
        cell: tuple(expert for expert in row if expert >= 0)
        for cell, row in enumerate(matrix.tolist())
    }


def assignment_matrix(
    cell_regions: Sequence[Hashable],
    expert_forbidden: Sequence[Collection[Hashable]],
    per_cell: int = DEFAULT_PER_CELL,
    *,
    seed: int = 0,
    need: Sequence[int] | None = None,
    taken: Sequence[Collection[int]] | None = None,
    initial_load: Sequence[int] | None = None,
) -> np.ndarray:
    """The same assignment as an integer array, each row sorted: (n_cells, per_cell), or
    with ``need`` (n_cells, max(need)) and each row padded at its end with -1."""
    if isinstance(per_cell, bool) or not isinstance(per_cell, int | np.integer) or per_cell < 1:
        raise ValueError(f"per_cell must be a positive integer, got {per_cell!r}")
    per_cell = int(per_cell)
    index: dict[Hashable, int] = {}
    cell_region = np.fromiter(
        (index.setdefault(code, len(index)) for code in cell_regions), dtype=np.intp
    )
    n_cells, n_experts = cell_region.size, len(expert_forbidden)
    needs = _needs(need, n_cells, per_cell)
    width = per_cell if need is None else int(needs.max(initial=0))
    sitting = _taken(taken, n_cells, n_experts)
    load0 = _initial_load(initial_load, n_experts)
    if n_cells == 0:
        return np.empty((0, width), dtype=np.intp)
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
    seated = (
        _padded(sitting, n_cells, n_experts)
        if taken is not None
        else np.empty((n_cells, 0), dtype=np.intp)
    )
    available = eligible.sum(axis=1)[cell_region]
    if seated.shape[1]:  # those already on the cell do not count
        available = available - _with_pad(eligible)[cell_region[:, None], seated].sum(axis=1)
    short = available < needs
    if short.any():
        cell = int(np.flatnonzero(short)[0])
        code = next(c for c, r in index.items() if r == cell_region[cell])
        raise ValueError(
            f"cell {cell} (region {code!r}) cannot be staffed: {int(available[cell])} eligible "
            f"expert(s) of {n_experts}, {int(needs[cell])} needed"
        )
    rng = np.random.default_rng(seed)
    matrix = _greedy(cell_region, conflict, needs, width, sitting, load0, rng)
    _balance(matrix, cell_region, eligible, taken=seated, initial_load=load0)
    matrix.sort(axis=1)  # the padding (n_experts) sorts last
    if need is not None:
        matrix[matrix == n_experts] = -1
    return matrix


def pair_counts(assignment: Mapping[int, Sequence[int]] | np.ndarray, n_experts: int) -> np.ndarray:
    """(n_experts, n_experts) symmetric matrix: how many cells each two experts share.

    The diagonal is 0. Accepts the dict from ``assign_experts`` or the array from
    ``assignment_matrix`` (its -1 padding is skipped).
    """
    counts = np.zeros((n_experts, n_experts), dtype=np.int64)
    rows = assignment.values() if isinstance(assignment, Mapping) else assignment
    for row in rows:
        for a, b in combinations([expert for expert in row if expert >= 0], 2):
            counts[a, b] += 1
            counts[b, a] += 1
    return counts


def expert_loads(
    assignment: Mapping[int, Sequence[int]] | np.ndarray, n_experts: int
) -> np.ndarray:
    """How many cells each expert scores (of those in ``assignment``)."""
    rows = assignment.values() if isinstance(assignment, Mapping) else assignment
    flat = [expert for row in rows for expert in row if expert >= 0]
    return np.bincount(np.asarray(flat, dtype=np.intp), minlength=n_experts)


def _needs(need: Sequence[int] | None, n_cells: int, per_cell: int) -> np.ndarray:
    if need is None:
        return np.full(n_cells, per_cell, dtype=np.intp)
    values = list(need)
    if len(values) != n_cells or any(
        isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0 for n in values
    ):
        raise ValueError(f"need must give a non-negative integer for each of the {n_cells} cells")
    return np.asarray(values, dtype=np.intp).reshape(n_cells)


def _taken(
    taken: Sequence[Collection[int]] | None, n_cells: int, n_experts: int
) -> list[tuple[int, ...]]:
    """Each cell's experts already on it, sorted and without repeats."""
    if taken is None:
        return [()] * n_cells
    if len(taken) != n_cells:
        raise ValueError(f"taken must give the experts on each of the {n_cells} cells")
    sitting = []
    for cell, experts in enumerate(taken):
        row = tuple(sorted({int(e) for e in experts}))
        if row and (row[0] < 0 or row[-1] >= n_experts):
            raise ValueError(f"cell {cell}: taken experts must be among 0..{n_experts - 1}")
        sitting.append(row)
    return sitting


def _initial_load(initial_load: Sequence[int] | None, n_experts: int) -> np.ndarray:
    if initial_load is None:
        return np.zeros(n_experts, dtype=np.int64)
    values = list(initial_load)
    if len(values) != n_experts or any(
        isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0 for n in values
    ):
        raise ValueError(
            f"initial_load must give a non-negative integer for each of the {n_experts} experts"
        )
    return np.asarray(values, dtype=np.int64).reshape(n_experts)


def _padded(rows: list[tuple[int, ...]], n_cells: int, pad: int) -> np.ndarray:
    """Ragged rows as an (n_cells, longest) array, filled up with ``pad``."""
    width = max(map(len, rows), default=0)
    array = np.full((n_cells, width), pad, dtype=np.intp)
    for cell, row in enumerate(rows):
        if row:
            array[cell, : len(row)] = row
    return array


def _with_pad(eligible: np.ndarray) -> np.ndarray:
    """``eligible`` with one more column, always False: the padding "expert" n_experts."""
    return np.hstack([eligible, np.zeros((eligible.shape[0], 1), dtype=bool)])


def _greedy(
    cell_region: np.ndarray,
    conflict: np.ndarray,
    needs: np.ndarray,
    width: int,
    sitting: list[tuple[int, ...]],
    initial_load: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """One pass: each seat goes to the eligible expert with the smallest integer key

        key = load * load_step + (co-occurrences with the cell's experts so far) * n + tie,

    ``tie`` a random permutation of the experts, redrawn for every region. The three parts
    cannot overflow into each other: a co-occurrence sum is below (experts on a cell - 1) x
    n_cells. Returns (n_cells, width), short rows padded with n_experts.
    """
    n_cells, n_experts = cell_region.size, conflict.shape[1]
    widest = width + max(map(len, sitting), default=0)
    pair_step = n_experts
    load_step = pair_step * (max(widest - 1, 0) * n_cells + 1)
    if (int(initial_load.max(initial=0)) + n_cells + 1) * load_step >= _FORBIDDEN:
        raise ValueError(f"{n_cells} cells x {n_experts} experts is beyond this algorithm's keys")
    penalty = np.where(conflict, _FORBIDDEN, 0).astype(np.int64)
    base = initial_load * load_step  # load * load_step + tie
    together = np.zeros((n_experts, n_experts), dtype=np.int64)  # co-occurrences * pair_step
    for row in sitting:  # colleagues already on a cell
        for a, b in combinations(row, 2):
            together[a, b] += pair_step
            together[b, a] += pair_step
    tie = np.zeros(n_experts, dtype=np.int64)
    empty = [n_experts] * width
    rows: list[list[int]] = [empty] * n_cells
    need_of = needs.tolist()
    by_region = np.argsort(cell_region, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(np.bincount(cell_region)))).tolist()
    for region in rng.permutation(conflict.shape[0]).tolist():
        new_tie = rng.permutation(n_experts).astype(np.int64)
        base += new_tie - tie
        tie = new_tie
        region_penalty = penalty[region]
        for cell in by_region[bounds[region] : bounds[region + 1]].tolist():
            count = need_of[cell]
            if not count:
                continue
            key = base + region_penalty
            there = sitting[cell]
            if there:
                for expert in there:
                    key += together[expert]
                key[list(there)] = _CHOSEN
            chosen = [int(key.argmin())]
            for _ in range(count - 1):
                last = chosen[-1]
                key += together[last]
                key[last] = _CHOSEN
                chosen.append(int(key.argmin()))
            for expert in chosen:  # scalar updates: cheaper than fancy indexing for k <= 5
                base[expert] += load_step
            for a, b in combinations(chosen, 2):
                together[a, b] += pair_step
                together[b, a] += pair_step
            if there:
                for a in chosen:
                    for b in there:
                        together[a, b] += pair_step
                        together[b, a] += pair_step
            rows[cell] = chosen if count == width else chosen + empty[count:]
    return np.array(rows, dtype=np.intp).reshape(n_cells, width)


def _balance(
    matrix: np.ndarray,
    cell_region: np.ndarray,
    eligible: np.ndarray,
    *,
    taken: np.ndarray | None = None,
    initial_load: np.ndarray | None = None,
) -> None:
    """Move new seats along improving paths (in place) until none is left; see the module
    docstring. ``matrix`` holds the new seats (padding: n_experts), ``taken`` the experts
    already on each cell (same padding; they never move), ``initial_load`` the seats each
    expert held before.

    Each move lowers the sum of squared loads by at least 2, so this ends; without conflicts
    or seats held already the greedy pass leaves max - min <= 1 and nothing is searched.
    """
    n_experts = eligible.shape[1]
    allowed = _with_pad(eligible)
    if taken is None:
        taken = np.empty((matrix.shape[0], 0), dtype=np.intp)
    held = np.bincount(matrix.ravel(), minlength=n_experts + 1)[:n_experts]  # movable seats
    loads = held.copy() if initial_load is None else held + initial_load
    while True:
        # Only an expert holding a new seat can hand one on, to one at least 2 below them.
        sources = (held > 0) & (loads >= loads.min() + 2)
        for level in np.unique(loads[sources])[::-1].tolist():
            path = _improving_path(matrix, cell_region, allowed, taken, loads, level)
            if path:
                break
        else:
            return
        for cell, leaving, joining in path:
            matrix[cell][matrix[cell] == leaving] = joining
        first, last = path[0][1], path[-1][2]
        loads[first] -= 1
        held[first] -= 1
        loads[last] += 1
        held[last] += 1


def _improving_path(
    matrix: np.ndarray,
    cell_region: np.ndarray,
    allowed: np.ndarray,
    taken: np.ndarray,
    loads: np.ndarray,
    level: int,
) -> list[tuple[int, int, int]]:
    """Shortest chain of (cell, leaving expert, joining expert) from an expert with load
    ``level`` to one with load <= level - 2, or [] if there is none (breadth-first search).

    Expert e leads to g when e holds a new seat in a cell that g may score and is not already
    on (new or taken). Along a shortest chain the cells are all different (a repeated cell
    would allow a shortcut), so applying the swaps one after the other is valid. ``allowed``
    is the region x expert eligibility with a last, always False column for the padding.
    """
    n_experts = loads.size
    visited = np.ones(n_experts + 1, dtype=bool)  # the padding column: never reached
    visited[:n_experts] = loads == level
    parent = np.full(n_experts, -1, dtype=np.intp)
    via = np.full(n_experts, -1, dtype=np.intp)
    frontier = np.flatnonzero(visited[:n_experts]).tolist()
    while frontier:
        reached: list[int] = []
        for expert in frontier:
            rows = np.flatnonzero((matrix == expert).any(axis=1))
            if rows.size == 0:
                continue
            can = allowed[cell_region[rows]] & ~visited
            at = np.arange(rows.size)[:, None]
            can[at, matrix[rows]] = False
            if taken.shape[1]:
                can[at, taken[rows]] = False
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
