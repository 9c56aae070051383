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
