"""Assigning experts to panel cells: never a conflict, exactly k distinct experts, loads as even
as the conflicts allow (checked against brute force), varied colleagues, deterministic."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.engine.panel_assignment import (
    _balance,
    assign_experts,
    assignment_matrix,
    expert_loads,
    pair_counts,
)


@st.composite
def instances(draw, max_regions=6, max_cells=4, max_experts=8, conflicts=True):
    """(cell_regions, expert_forbidden, per_cell): regions "R0".., each with 1..max_cells cells
    (interleaved, as a caller may list them), and each expert's forbidden regions."""
    n_regions = draw(st.integers(1, max_regions))
    regions = [f"R{r}" for r in range(n_regions)]
    sizes = draw(st.lists(st.integers(1, max_cells), min_size=n_regions, max_size=n_regions))
    cells = [code for code, size in zip(regions, sizes, strict=True) for _ in range(size)]
    cells = draw(st.permutations(cells))
    n_experts = draw(st.integers(1, max_experts))
    forbidden_sets = st.frozensets(st.sampled_from(regions)) if conflicts else st.just(frozenset())
    forbidden = draw(st.lists(forbidden_sets, min_size=n_experts, max_size=n_experts))
    per_cell = draw(st.integers(1, min(5, max_experts)))
    return cells, forbidden, per_cell


def eligible_count(region: str, forbidden: list[frozenset[str]]) -> int:
    return sum(region not in f for f in forbidden)


@settings(max_examples=200, deadline=None)
@given(instances(), st.integers(0, 3))
def test_every_cell_gets_exactly_k_distinct_experts_without_a_conflict(case, seed) -> None:
    cells, forbidden, per_cell = case
    short = [c for c, region in enumerate(cells) if eligible_count(region, forbidden) < per_cell]
    if short:
        with pytest.raises(ValueError, match=rf"^cell {short[0]} \(region '{cells[short[0]]}'\)"):
            assign_experts(cells, forbidden, per_cell, seed=seed)
        return
    assignment = assign_experts(cells, forbidden, per_cell, seed=seed)
    assert sorted(assignment) == list(range(len(cells)))
    for cell, experts in assignment.items():
        assert len(experts) == per_cell and len(set(experts)) == per_cell
        assert list(experts) == sorted(experts)
        assert all(0 <= e < len(forbidden) for e in experts)
        assert not any(cells[cell] in forbidden[e] for e in experts)
    assert assign_experts(cells, forbidden, per_cell, seed=seed) == assignment  # deterministic


@settings(max_examples=150, deadline=None)
@given(instances(max_regions=20, max_cells=10, max_experts=15, conflicts=False), st.integers(0, 9))
def test_without_conflicts_loads_differ_by_at_most_one(case, seed) -> None:
    cells, forbidden, per_cell = case
    if per_cell > len(forbidden):
        return
    loads = expert_loads(assign_experts(cells, forbidden, per_cell, seed=seed), len(forbidden))
    assert loads.max() - loads.min() <= 1
    assert loads.sum() == len(cells) * per_cell


def optimum(cells, forbidden, per_cell):
    """Brute force over every valid assignment: (least max load, greatest min load, least
    max - min, least sum of squared loads), each optimised separately."""
    n = len(forbidden)
    choices = [
        [
            c
            for c in itertools.combinations(range(n), per_cell)
            if not any(r in forbidden[e] for e in c)
        ]
        for r in cells
    ]
    best = [np.inf, -np.inf, np.inf, np.inf]
    for rows in itertools.product(*choices):
        loads = np.bincount([e for row in rows for e in row], minlength=n)
        best[0] = min(best[0], loads.max())
        best[1] = max(best[1], loads.min())
        best[2] = min(best[2], loads.max() - loads.min())
        best[3] = min(best[3], (loads**2).sum())
    return best


def summary(loads: np.ndarray) -> list[int]:
    return [loads.max(), loads.min(), loads.max() - loads.min(), (loads**2).sum()]


tiny = instances(max_regions=3, max_cells=2, max_experts=4)


@settings(max_examples=120, deadline=None)
@given(tiny, st.integers(0, 3))
def test_with_conflicts_loads_are_the_most_even_possible(case, seed) -> None:
    """The guarantee: no valid assignment has a smaller max load, a larger min load, a smaller
    max - min or a smaller sum of squares (all four at once)."""
    cells, forbidden, per_cell = case
    if any(eligible_count(r, forbidden) < per_cell for r in cells):
        return
    matrix = assignment_matrix(cells, forbidden, per_cell, seed=seed)
    assert summary(expert_loads(matrix, len(forbidden))) == optimum(cells, forbidden, per_cell)


@settings(max_examples=120, deadline=None)
@given(tiny, st.randoms(use_true_random=False))
def test_the_repair_pass_makes_any_valid_assignment_the_most_even(case, random) -> None:
    """From an arbitrary (badly unbalanced) valid start, as the greedy pass might leave."""
    cells, forbidden, per_cell = case
    if any(eligible_count(r, forbidden) < per_cell for r in cells):
        return
    n = len(forbidden)
    codes = sorted(set(cells))
    eligible = np.array([[code not in f for f in forbidden] for code in codes])
    cell_region = np.array([codes.index(r) for r in cells])
    start = [random.sample([e for e in range(n) if cells[c] not in forbidden[e]], per_cell)
             for c in range(len(cells))]  # fmt: skip
    matrix = np.array(start, dtype=np.intp).reshape(len(cells), per_cell)
    _balance(matrix, cell_region, eligible)
    for c, row in enumerate(matrix):
        assert len(set(row)) == per_cell and not any(cells[c] in forbidden[e] for e in row)
    assert summary(expert_loads(matrix, n)) == optimum(cells, forbidden, per_cell)


def test_load_moves_along_a_chain_when_no_direct_swap_exists() -> None:
    # Region A may be scored by experts 0 and 1, region B by 1 and 2; loads 4, 3, 2. No single
    # swap helps (0 may not score B; 1 -> 2 would only make it 4, 2, 3), but the chain
    # "0 hands an A cell to 1, 1 hands a B cell to 2" gives 3, 3, 3.
    cell_region = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1])
    eligible = np.array([[True, True, False], [False, True, True]])
    matrix = np.array([[0], [0], [0], [0], [1], [1], [1], [2], [2]])
    _balance(matrix, cell_region, eligible)
    assert expert_loads(matrix, 3).tolist() == [3, 3, 3]
    assert all(eligible[cell_region[c], matrix[c, 0]] for c in range(9))


def test_a_national_like_round_balances_with_province_conflicts() -> None:
    # 6 provinces x 8 regions x 5 indicators, 3 per cell; each of 20 experts conflicts with
    # their own province's regions (as in bench/bench_panel_assignment.py).
    provinces = [[f"{p + 11}{r:04d}" for r in range(8)] for p in range(6)]
    cells = [code for province in provinces for code in province for _ in range(5)]
    forbidden = [frozenset(provinces[e % 6]) for e in range(20)]
    assignment = assign_experts(cells, forbidden, 3, seed=7)
    loads = expert_loads(assignment, 20)
    assert loads.max() - loads.min() <= 1
    assert not any(cells[c] in forbidden[e] for c, row in assignment.items() for e in row)


@pytest.mark.parametrize(
    ("n_experts", "per_cell", "n_cells"), [(12, 2, 264), (30, 3, 600), (20, 5, 200)]
)
def test_colleagues_are_spread_over_all_pairs(n_experts, per_cell, n_cells) -> None:
    """Measure: how often two experts share a cell. Every pair meets, and none far more often
    than the mean (cells x C(k, 2) / C(n, 2)); nobody shares more than a quarter of their cells
    with one colleague (fixed teams would share all of them)."""
    cells = [str(i) for i in range(n_cells)]
    assignment = assign_experts(cells, [set()] * n_experts, per_cell, seed=1)
    together = pair_counts(assignment, n_experts)
    upper = together[np.triu_indices(n_experts, 1)]
    mean = n_cells * per_cell * (per_cell - 1) / (n_experts * (n_experts - 1))
    assert upper.mean() == pytest.approx(mean)
    assert upper.min() >= mean - 2 and upper.max() <= mean + 2.5
    loads = expert_loads(assignment, n_experts)
    assert (together.max(axis=1) / loads).max() <= 0.3


def test_seeds_give_different_valid_assignments() -> None:
    cells = [f"R{i // 3}" for i in range(30)]
    forbidden = [{"R0", "R1"}, {"R2"}, set(), set(), {"R9"}, set()]
    a, b = (assign_experts(cells, forbidden, 2, seed=s) for s in (0, 1))
    assert a != b
    assert a == assign_experts(cells, forbidden, 2, seed=0)


def test_impossible_cells_are_named() -> None:
    forbidden = [{"B"}, {"B", "C"}, set()]
    with pytest.raises(ValueError, match=r"cell 1 \(region 'B'\).*1 eligible expert\(s\) of 3, 2"):
        assign_experts(["A", "B", "C", "B"], forbidden, 2)
    with pytest.raises(ValueError, match=r"cell 0 \(region 'A'\).*3 eligible.*4 needed"):
        assign_experts(["A"], [set(), set(), set()], 4)
    with pytest.raises(ValueError, match="cell 0"):
        assign_experts(["A"], [], 1)


@pytest.mark.parametrize("per_cell", [0, -1, True, 2.0])
def test_per_cell_must_be_a_positive_integer(per_cell) -> None:
    with pytest.raises(ValueError, match="per_cell"):
        assign_experts(["A"], [set(), set()], per_cell)


def test_a_bare_string_of_forbidden_codes_is_refused() -> None:
    # "330106" would otherwise forbid the regions "3", "0", "1" and "6".
    with pytest.raises(ValueError, match=r"expert 1: .*string '330106'"):
        assign_experts(["330106"], [set(), "330106"], 1)


def test_no_cells_no_assignment_and_the_helpers_count() -> None:
    assert assign_experts([], [set()], 1) == {}
    assignment = {0: (0, 1), 1: (0, 2), 2: (0, 1)}
    assert expert_loads(assignment, 4).tolist() == [3, 2, 1, 0]
    together = pair_counts(assignment, 4)
    assert together.tolist() == [[0, 2, 1, 0], [2, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]]
    np.testing.assert_array_equal(pair_counts(np.array([[0, 1], [0, 2], [0, 1]]), 4), together)


# Topping up: cells that already have some of their experts (by hand, or before the panel
# asked for more per cell) get exactly the missing number, never one already on the cell, and
# loads are counted as the seats held before plus the new ones.


@st.composite
def top_ups(draw, max_regions=6, max_cells=4, max_experts=8, conflicts=True):
    """(cells, forbidden, per_cell, need, taken, initial_load): an instance whose cells hold
    0..per_cell experts already (any of them, a conflict included: a home region may have
    changed since), each needing the rest; experts may hold seats in other cells too."""
    cells, forbidden, per_cell = draw(instances(max_regions, max_cells, max_experts, conflicts))
    n_experts = len(forbidden)
    per_cell = min(per_cell, n_experts)
    taken = [draw(st.frozensets(st.integers(0, n_experts - 1), max_size=per_cell)) for _ in cells]
    need = [per_cell - len(there) for there in taken]
    held = np.bincount([e for there in taken for e in there], minlength=n_experts)
    extra = draw(st.lists(st.integers(0, 3), min_size=n_experts, max_size=n_experts))
    initial_load = [int(h) + x for h, x in zip(held, extra, strict=True)]
    return cells, forbidden, per_cell, need, taken, initial_load


def available(cell, cells, forbidden, taken) -> int:
    return sum(cells[cell] not in f and e not in taken[cell] for e, f in enumerate(forbidden))


@settings(max_examples=200, deadline=None)
@given(top_ups(), st.integers(0, 3))
def test_a_top_up_meets_each_need_exactly_without_a_conflict_or_a_second_seat(case, seed) -> None:
    cells, forbidden, per_cell, need, taken, initial_load = case
    extra = {"need": need, "taken": taken, "initial_load": initial_load}
    short = [c for c in range(len(cells)) if available(c, cells, forbidden, taken) < need[c]]
    if short:
        with pytest.raises(ValueError, match=rf"^cell {short[0]} \(region '{cells[short[0]]}'\)"):
            assign_experts(cells, forbidden, per_cell, seed=seed, **extra)
        return
    assignment = assign_experts(cells, forbidden, per_cell, seed=seed, **extra)
    assert sorted(assignment) == list(range(len(cells)))
    for cell, experts in assignment.items():
        assert len(experts) == need[cell] == len(set(experts))  # exactly what it lacks
        assert list(experts) == sorted(experts)
        assert not set(experts) & taken[cell]  # nobody twice on a cell
        assert not any(cells[cell] in forbidden[e] for e in experts)  # no self-region
        assert len(taken[cell]) + len(experts) == per_cell
    assert assign_experts(cells, forbidden, per_cell, seed=seed, **extra) == assignment
    matrix = assignment_matrix(cells, forbidden, per_cell, seed=seed, **extra)
    assert matrix.shape == (len(cells), max(need, default=0))
    for cell, row in enumerate(matrix.tolist()):
        assert row == [*assignment[cell], *[-1] * (matrix.shape[1] - need[cell])]


def optimum_top_up(cells, forbidden, need, taken, initial_load):
    """`optimum` of the loads existing + new, over every valid choice of the new seats."""
    n = len(forbidden)
    choices = [
        [
            c
            for c in itertools.combinations(range(n), need[cell])
            if not any(region in forbidden[e] or e in taken[cell] for e in c)
        ]
        for cell, region in enumerate(cells)
    ]
    best = [np.inf, -np.inf, np.inf, np.inf]
    for rows in itertools.product(*choices):
        loads = np.asarray(initial_load) + np.bincount(
            [e for row in rows for e in row], minlength=n
        )
        best[0] = min(best[0], loads.max())
        best[1] = max(best[1], loads.min())
        best[2] = min(best[2], loads.max() - loads.min())
        best[3] = min(best[3], (loads**2).sum())
    return best


@settings(max_examples=120, deadline=None)
@given(top_ups(max_regions=3, max_cells=2, max_experts=4), st.integers(0, 3))
def test_a_top_up_leaves_the_most_even_loads_possible(case, seed) -> None:
    """Balanced over the seats held before and the new ones, as evenly as any valid top-up
    could (max, min, max - min and sum of squares, against brute force); seats held before
    never move."""
    cells, forbidden, per_cell, need, taken, initial_load = case
    if any(available(c, cells, forbidden, taken) < need[c] for c in range(len(cells))):
        return
    assignment = assign_experts(cells, forbidden, per_cell, seed=seed, need=need, taken=taken,
                                initial_load=initial_load)  # fmt: skip
    loads = np.asarray(initial_load) + expert_loads(assignment, len(forbidden))
    assert summary(loads) == optimum_top_up(cells, forbidden, need, taken, initial_load)


@settings(max_examples=100, deadline=None)
@given(
    instances(max_regions=20, max_cells=10, max_experts=15, conflicts=False),
    st.integers(1, 3),
    st.integers(0, 9),
)
def test_raising_the_experts_per_cell_tops_up_to_loads_within_one(case, more, seed) -> None:
    """A panel assigned with k experts per cell, then asked for k + more: the new seats go
    where the loads end within 1 of each other, as if assigned k + more at once."""
    cells, forbidden, per_cell = case
    n = len(forbidden)
    if per_cell + more > n:
        return
    first = assign_experts(cells, forbidden, per_cell, seed=seed)
    held = expert_loads(first, n)
    added = assign_experts(
        cells, forbidden, per_cell + more, seed=seed, need=[more] * len(cells),
        taken=[first[c] for c in range(len(cells))], initial_load=held.tolist(),
    )  # fmt: skip
    loads = held + expert_loads(added, n)
    assert loads.max() - loads.min() <= 1
    assert loads.sum() == len(cells) * (per_cell + more)
    for cell, experts in added.items():
        assert len(set(first[cell]) | set(experts)) == per_cell + more


@settings(max_examples=100, deadline=None)
@given(instances(), st.integers(0, 3))
def test_needing_every_expert_with_none_taken_is_the_plain_assignment(case, seed) -> None:
    cells, forbidden, per_cell = case
    if any(eligible_count(r, forbidden) < per_cell for r in cells):
        return
    plain = assign_experts(cells, forbidden, per_cell, seed=seed)
    assert plain == assign_experts(
        cells, forbidden, per_cell, seed=seed, need=[per_cell] * len(cells),
        taken=[()] * len(cells), initial_load=[0] * len(forbidden),
    )  # fmt: skip


def test_a_top_up_keeps_full_cells_and_pairs_newcomers_with_varied_colleagues() -> None:
    # 300 cells, 2 experts each of 12, of which 100 lost one expert (removed from the panel)
    # and 50 lost both: the full cells get nobody, and the loads end within 1.
    cells = [str(i) for i in range(300)]
    n = 13
    first = assign_experts(cells, [set()] * n, 2, seed=3)
    gone = 12  # expert 12 leaves with their seats; the panel has 12 left
    taken = [tuple(e for e in first[c] if e != gone) for c in range(300)]
    taken = [() if c % 6 == 0 else row for c, row in enumerate(taken)]
    need = [2 - len(row) for row in taken]
    held = np.bincount([e for row in taken for e in row], minlength=n)
    forbidden = [set()] * (n - 1) + [set(cells)]  # nobody assigns the expert who left
    added = assign_experts(cells, forbidden, 2, seed=3, need=need, taken=taken,
                           initial_load=held.tolist())  # fmt: skip
    assert all(added[c] == () for c in range(300) if need[c] == 0)
    loads = (held + expert_loads(added, n))[: n - 1]
    assert loads.max() - loads.min() <= 1 and loads.sum() == 600
    together = pair_counts({c: (*taken[c], *added[c]) for c in range(300)}, n)[: n - 1, : n - 1]
    assert together.max() <= 2 * together[np.triu_indices(n - 1, 1)].mean() + 2


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"need": [1]}, "need must give"),
        ({"need": [1, -1]}, "need must give"),
        ({"need": [1, True]}, "need must give"),
        ({"taken": [()]}, "taken must give"),
        ({"taken": [(), (3,)]}, r"cell 1: taken experts must be among 0\.\.2"),
        ({"initial_load": [0, 0]}, "initial_load must give"),
        ({"initial_load": [0, 0, -2]}, "initial_load must give"),
    ],
)
def test_top_up_arguments_are_checked(extra, message) -> None:
    with pytest.raises(ValueError, match=message):
        assign_experts(["A", "B"], [set(), set(), set()], 1, **extra)


def test_a_cell_whose_eligible_experts_are_all_on_it_already_is_named() -> None:
    # B has two eligible experts, both already on cell 1, which needs one more.
    forbidden = [{"B"}, set(), set()]
    with pytest.raises(ValueError, match=r"cell 1 \(region 'B'\).*0 eligible.*1 needed"):
        assign_experts(["A", "B"], forbidden, 3, need=[1, 1], taken=[(), (1, 2)])
