"""Weights from pairwise comparisons: the Analytic Hierarchy Process (AHP, 层次分析法).

An expert compares the n members of a sibling group two by two on Saaty's scale: ``a[i, j]``
says how many times more important member i is than member j (1 equal, 3 moderately, 5
strongly, 7 very strongly, 9 extremely more important; 2, 4, 6, 8 in between; 1/3 means j is
moderately more important than i). The matrix is reciprocal: ``a[j, i] = 1 / a[i, j]`` and
the diagonal is 1, so an expert fills only the upper triangle (``from_upper``).

- ``priorities``: the weights are the principal (Perron) eigenvector of the matrix, scaled to
  sum to 1. The principal eigenvalue λmax is n for a perfectly consistent matrix
  (``a[i, j] = w_i / w_j`` for all pairs) and grows with inconsistency; the consistency index
  CI = (λmax − n) / (n − 1) is compared with the mean CI of random reciprocal matrices of the
  same size, Saaty's random index RI: CR = CI / RI. Judgements are accepted when CR < 0.1.
  Groups of one or two are always consistent (RI = 0, CR = 0).
- ``aggregate``: several experts' judgements become one matrix by the element-wise (weighted)
  geometric mean (AIJ, aggregation of individual judgements). It is the aggregation that keeps
  the result reciprocal (Aczél & Saaty 1983; Forman & Peniwati 1998, EJOR 108, 165–169).
- ``inconsistent_judgements``: which comparisons disagree most with the weights, i.e. with the
  ratios ``w_i / w_j`` they imply (Saaty's way of finding the judgement to revisit): the
  deviation factor is ``max(a / r, r / a)`` for the judged ``a`` and implied ``r``, 1 for a
  judgement the weights reproduce exactly.
- ``group_priorities``: all of it for one group of experts.

Sizes are limited to 15, where Saaty's random index table ends.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

#: Saaty's 1–9 scale and its reciprocals, from 1/9 up to 9.
SCALE = tuple([1 / k for k in range(9, 1, -1)] + [float(k) for k in range(1, 10)])
#: Saaty's random consistency index RI for n = 1 … 15: the mean CI of random reciprocal
#: matrices on the 1/9 … 9 scale (T. L. Saaty, The Analytic Hierarchy Process, McGraw-Hill,
#: 1980, p. 21; n ≤ 10 also in Saaty, "How to make a decision", EJOR 48 (1990) 9–26). The
#: published table is kept as published, including 1.48 for n = 12.
RANDOM_INDEX = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49,
                1.51, 1.48, 1.56, 1.57, 1.59)  # fmt: skip
MAX_SIZE = len(RANDOM_INDEX)
#: Judgements are consistent enough when CR is below this (Saaty's 10 %).
CR_LIMIT = 0.1
_RTOL = 1e-6  # how close an entry must be to a reciprocal or to a scale value


@dataclass(frozen=True, eq=False)
class Priorities:
    """The weights of one comparison matrix and how consistent its judgements are.

    ``weights``: the principal eigenvector, positive, summing to 1 (read-only array).
    ``lambda_max``: the principal eigenvalue. ``ci``: (λmax − n) / (n − 1), 0 for n ≤ 2.
    ``ri``: Saaty's random index for n. ``cr``: CI / RI, 0 for n ≤ 2.
    """

    weights: np.ndarray
    lambda_max: float
    ci: float
    ri: float
    cr: float

    @property
    def n(self) -> int:
        return int(self.weights.shape[0])

    @property
    def consistent(self) -> bool:
        return self.cr < CR_LIMIT


@dataclass(frozen=True)
class Judgement:
    """One comparison (i < j, 0-based) set against the weights.

    ``judged``: a[i, j]; ``implied``: w_i / w_j; ``deviation``: max(judged / implied,
    implied / judged) ≥ 1.
    """

    i: int
    j: int
    judged: float
    implied: float
    deviation: float

    @property
    def suggested(self) -> float:
        """The scale value nearest (in ratio) to what the weights imply."""
        return nearest_on_scale(self.implied)


@dataclass(frozen=True, eq=False)
class GroupPriorities:
    """A group of experts' result: each expert's own priorities, the aggregated matrix, its
    priorities, and its comparisons from the most inconsistent down."""

    experts: tuple[Priorities, ...]
    matrix: np.ndarray
    group: Priorities
    judgements: tuple[Judgement, ...]

    @property
    def consistent(self) -> bool:
        return self.group.consistent


def random_index(n: int) -> float:
    """Saaty's RI for a matrix of size n (1 … 15)."""
    if not 1 <= n <= MAX_SIZE:
        raise ValueError(f"the random index is tabulated for n = 1 … {MAX_SIZE}, got {n}")
    return RANDOM_INDEX[n - 1]


def on_scale(value: float) -> bool:
    return any(abs(value - s) <= _RTOL * s for s in SCALE)


def nearest_on_scale(value: float) -> float:
    """The scale value nearest to ``value`` in log terms (ratios, not differences)."""
    if not value > 0:
        raise ValueError(f"a ratio must be positive, got {value!r}")
    return min(SCALE, key=lambda s: abs(np.log(value / s)))


def scale_label(value: float) -> str:
    """'3', '1/3' for scale values, else the number with three significant digits."""
    for k in range(1, 10):
        if abs(value - k) <= _RTOL * k:
            return str(k)
        if abs(value - 1 / k) <= _RTOL / k:
            return f"1/{k}"
    return f"{value:.3g}"


def check_matrix(matrix: object, *, saaty_scale: bool = True) -> np.ndarray:
    """The matrix as a float array, or ValueError saying what is wrong with it.

    It must be square (1 … 15), hold finite positive numbers, have 1 on the diagonal and be
    reciprocal; with ``saaty_scale`` every entry must be on the 1/9 … 9 scale (an aggregated
    matrix is not). Positions in messages are 1-based (row 1, column 2 is a₁₂).
    """
    try:
        arr = np.array(matrix, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"a comparison matrix must hold numbers only ({error})") from None
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(f"a comparison matrix must be square (n × n), got shape {arr.shape}")
    n = arr.shape[0]
    if not 1 <= n <= MAX_SIZE:
        raise ValueError(
            f"a comparison matrix must compare 1 … {MAX_SIZE} elements (Saaty's random index "
            f"table ends at {MAX_SIZE}), got {n}"
        )
    if not np.isfinite(arr).all():
        i, j = _first(~np.isfinite(arr))
        raise ValueError(f"row {i}, column {j} is not a finite number ({arr[i - 1, j - 1]})")
    if (arr <= 0).any():
        i, j = _first(arr <= 0)
        raise ValueError(
            f"comparisons must be positive: row {i}, column {j} is {arr[i - 1, j - 1]:g}"
        )
    off_diagonal = ~np.isclose(np.diag(arr), 1.0, rtol=0, atol=_RTOL)
    if off_diagonal.any():
        i = int(np.flatnonzero(off_diagonal)[0]) + 1
        raise ValueError(f"the diagonal must be 1: row {i}, column {i} is {arr[i - 1, i - 1]:g}")
    not_reciprocal = ~np.isclose(arr * arr.T, 1.0, rtol=0, atol=_RTOL)
    if not_reciprocal.any():
        i, j = _first(np.triu(not_reciprocal))
        raise ValueError(
            f"the matrix must be reciprocal (a[j, i] = 1 / a[i, j]): row {i}, column {j} is "
            f"{arr[i - 1, j - 1]:g} but row {j}, column {i} is {arr[j - 1, i - 1]:g}"
        )
    if saaty_scale:
        for i, j in zip(*np.triu_indices(n, 1), strict=True):
            if not on_scale(arr[i, j]):
                raise ValueError(
                    f"row {i + 1}, column {j + 1} is {arr[i, j]:g}, not on Saaty's scale "
                    "(1/9, 1/8, …, 1/2, 1, 2, …, 9)"
                )
    return arr


def _first(mask: np.ndarray) -> tuple[int, int]:
    i, j = np.argwhere(mask)[0]
    return int(i) + 1, int(j) + 1


def from_upper(n: int, upper: Mapping[tuple[int, int], float]) -> np.ndarray:
    """The reciprocal n × n matrix from its upper triangle, ``{(i, j): a_ij}`` for every
    0-based i < j (the lower triangle is filled with the reciprocals)."""
    if not 1 <= n <= MAX_SIZE:
        raise ValueError(f"a comparison matrix must compare 1 … {MAX_SIZE} elements, got {n}")
    arr = np.ones((n, n), dtype=np.float64)
    for i, j in zip(*np.triu_indices(n, 1), strict=True):
        key = (int(i), int(j))
        if key not in upper:
            raise ValueError(f"the comparison of element {i + 1} with element {j + 1} is missing")
        value = float(upper[key])
        if not (np.isfinite(value) and value > 0):
            raise ValueError(
                f"comparisons must be positive: element {i + 1} with {j + 1} is {value!r}"
            )
        arr[i, j], arr[j, i] = value, 1.0 / value
    return arr


def aggregate(
    matrices: Sequence[object],
    weights: Sequence[float] | None = None,
    *,
    saaty_scale: bool = True,
) -> np.ndarray:
    """The element-wise geometric mean of several experts' matrices (weighted by ``weights``,
    equal by default; only their ratios matter). The result is exactly reciprocal."""
    if len(matrices) == 0:
        raise ValueError("aggregation needs at least one expert's matrix")
    checked = []
    for k, matrix in enumerate(matrices, start=1):
        try:
            checked.append(check_matrix(matrix, saaty_scale=saaty_scale))
        except ValueError as error:
            raise ValueError(f"expert {k}: {error}") from None
    if len({arr.shape for arr in checked}) != 1:
        sizes = ", ".join(str(arr.shape[0]) for arr in checked)
        raise ValueError(f"all experts must compare the same elements (sizes {sizes})")
    share = _expert_shares(weights, len(checked))
    logs = np.tensordot(share, np.log(np.stack(checked)), axes=1)
    logs = (logs - logs.T) / 2  # antisymmetric: exp gives 1 on the diagonal, reciprocals
    return np.exp(logs)


def _expert_shares(weights: Sequence[float] | None, k: int) -> np.ndarray:
    if weights is None:
        return np.full(k, 1.0 / k)
    arr = np.asarray(weights, dtype=np.float64)
    if arr.shape != (k,):
        raise ValueError(f"expert weights must be one per expert ({k}), got {arr.shape}")
    if not np.isfinite(arr).all() or (arr < 0).any() or arr.sum() <= 0:
        raise ValueError("expert weights must be finite, not negative, and not all zero")
    return arr / arr.sum()


def priorities(matrix: object, *, saaty_scale: bool = False) -> Priorities:
    """Weights (principal eigenvector, summing to 1), λmax, CI, RI and CR of one matrix."""
    arr = check_matrix(matrix, saaty_scale=saaty_scale)
    n = arr.shape[0]
    if n == 1:
        weights, lambda_max = np.ones(1), 1.0
    else:
        values, vectors = np.linalg.eig(arr)
        k = int(np.argmax(values.real))
        # The Perron vector of a positive matrix has one sign throughout.
        weights = np.abs(vectors[:, k].real)
        weights = weights / weights.sum()
        lambda_max = float(values[k].real)
    ci = max(0.0, (lambda_max - n) / (n - 1)) if n > 2 else 0.0
    ri = random_index(n)
    cr = ci / ri if ri > 0 else 0.0
    weights.setflags(write=False)
    return Priorities(weights=weights, lambda_max=lambda_max, ci=ci, ri=ri, cr=cr)


def inconsistent_judgements(
    matrix: object, weights: np.ndarray | None = None, *, limit: int | None = None
) -> list[Judgement]:
    """Every comparison i < j with its deviation from w_i / w_j, the worst first (ties in
    matrix order); ``weights`` default to the matrix's own priorities."""
    arr = check_matrix(matrix, saaty_scale=False)
    w = priorities(arr).weights if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (arr.shape[0],) or not (w > 0).all():
        raise ValueError(f"weights must be {arr.shape[0]} positive numbers")
    found = []
    for i, j in zip(*np.triu_indices(arr.shape[0], 1), strict=True):
        judged, implied = float(arr[i, j]), float(w[i] / w[j])
        deviation = max(judged / implied, implied / judged)
        found.append(Judgement(int(i), int(j), judged, implied, deviation))
    found.sort(key=lambda judgement: (-judgement.deviation, judgement.i, judgement.j))
    return found if limit is None else found[:limit]


def group_priorities(
    matrices: Sequence[object], weights: Sequence[float] | None = None
) -> GroupPriorities:
    """Each expert's priorities (matrices on Saaty's scale), the geometric-mean matrix of all
    of them (weighted by ``weights``), its priorities and its comparisons, worst first."""
    combined = aggregate(matrices, weights)
    experts = tuple(priorities(matrix) for matrix in matrices)
    group = priorities(combined)
    judgements = tuple(inconsistent_judgements(combined, group.weights))
    combined.setflags(write=False)
    return GroupPriorities(experts=experts, matrix=combined, group=group, judgements=judgements)
