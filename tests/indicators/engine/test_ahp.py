"""AHP weights (层次分析法): principal eigenvector, λmax, CI, RI, CR, geometric-mean aggregation
of several experts, the most inconsistent comparisons, and what is refused."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.engine.ahp import (
    CR_LIMIT,
    RANDOM_INDEX,
    SCALE,
    aggregate,
    check_matrix,
    from_upper,
    group_priorities,
    inconsistent_judgements,
    nearest_on_scale,
    priorities,
    random_index,
    scale_label,
)

# Saaty's house example: the eight criteria of buying a house compared pairwise, upper
# triangle (0-based: 0 size of house, 1 transportation, 2 neighbourhood, 3 age of house,
# 4 yard space, 5 modern facilities, 6 general condition, 7 financing).
_ = Fraction
HOUSE_UPPER = {
    (0, 1): 5, (0, 2): 3, (0, 3): 7, (0, 4): 6, (0, 5): 6, (0, 6): _(1, 3), (0, 7): _(1, 4),
    (1, 2): _(1, 3), (1, 3): 5, (1, 4): 3, (1, 5): 3, (1, 6): _(1, 5), (1, 7): _(1, 7),
    (2, 3): 6, (2, 4): 3, (2, 5): 4, (2, 6): 6, (2, 7): _(1, 5),
    (3, 4): _(1, 3), (3, 5): _(1, 4), (3, 6): _(1, 7), (3, 7): _(1, 8),
    (4, 5): _(1, 2), (4, 6): _(1, 5), (4, 7): _(1, 6),
    (5, 6): _(1, 5), (5, 7): _(1, 6),
    (6, 7): _(1, 2),
}  # fmt: skip
# Houses A, B, C compared under each criterion (same order as above).
HOUSES_UNDER = [
    [[1, 6, 8], [1 / 6, 1, 4], [1 / 8, 1 / 4, 1]],
    [[1, 7, 1 / 5], [1 / 7, 1, 1 / 8], [5, 8, 1]],
    [[1, 8, 6], [1 / 8, 1, 1 / 4], [1 / 6, 4, 1]],
    [[1, 1, 1], [1, 1, 1], [1, 1, 1]],
    [[1, 5, 4], [1 / 5, 1, 1 / 3], [1 / 4, 3, 1]],
    [[1, 8, 6], [1 / 8, 1, 1 / 5], [1 / 6, 5, 1]],
    [[1, 1 / 2, 1 / 2], [2, 1, 1], [2, 1, 1]],
    [[1, 1 / 7, 1 / 5], [7, 1, 3], [5, 1 / 3, 1]],
]


def test_saatys_published_house_example() -> None:
    """T. L. Saaty, "How to make a decision: The Analytic Hierarchy Process", European Journal
    of Operational Research 48 (1990) 9–26, the house example (also in Saaty, The Analytic
    Hierarchy Process, McGraw-Hill, 1980, ch. 2). Published for the criteria matrix:
    priorities .173 .054 .188 .018 .031 .036 .167 .333, λmax = 9.669, C.I. = 0.238,
    C.R. = 0.169 (RI 1.41 for n = 8: too inconsistent, as the paper notes); and the overall
    priorities of the houses A .396, B .341, C .263.
    """
    house = priorities(from_upper(8, HOUSE_UPPER), saaty_scale=True)
    published = [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
    assert np.round(house.weights, 3).tolist() == published
    assert round(house.lambda_max, 3) == 9.669
    assert round(house.ci, 3) == 0.238
    assert house.ri == 1.41
    assert round(house.cr, 3) == 0.169
    assert not house.consistent
    # Synthesis: each house's priority under each criterion, weighted by the criteria.
    under = np.array([priorities(m).weights for m in HOUSES_UNDER])  # (criteria, houses)
    assert np.round(house.weights @ under, 3).tolist() == [0.396, 0.341, 0.263]


def test_the_most_inconsistent_judgement_of_the_house_example() -> None:
    # Neighbourhood was judged 6 times as important as general condition, while the weights
    # (.188 / .167) imply about 1.13: five times off, the judgement to revisit first.
    worst = inconsistent_judgements(from_upper(8, HOUSE_UPPER))
    assert (worst[0].i, worst[0].j, worst[0].judged) == (2, 6, 6.0)
    assert worst[0].implied == pytest.approx(1.1275, abs=1e-4)
    assert worst[0].deviation == pytest.approx(5.3214, abs=1e-4)
    assert worst[0].suggested == 1.0
    assert [j.deviation for j in worst] == sorted((j.deviation for j in worst), reverse=True)
    assert len(worst) == 28  # every pair i < j once
    assert len(inconsistent_judgements(from_upper(8, HOUSE_UPPER), limit=3)) == 3


def test_a_perfectly_consistent_matrix_gives_cr_0_and_exact_weights() -> None:
    w = np.array([8.0, 4.0, 2.0, 1.0])
    matrix = w[:, None] / w[None, :]  # a_ij = w_i / w_j: 2, 4, 8 on the scale
    result = priorities(matrix, saaty_scale=True)
    np.testing.assert_allclose(result.weights, w / w.sum(), rtol=1e-12)
    assert result.lambda_max == pytest.approx(4.0, abs=1e-12)
    assert result.ci == pytest.approx(0.0, abs=1e-12)
    assert result.cr == pytest.approx(0.0, abs=1e-12)
    assert result.consistent
    assert all(j.deviation == pytest.approx(1.0) for j in inconsistent_judgements(matrix))


def test_the_random_index_table_and_its_ends() -> None:
    assert len(RANDOM_INDEX) == 15
    assert [random_index(n) for n in (1, 2, 3, 4, 5, 10, 15)] == [0, 0, 0.58, 0.9, 1.12, 1.49,
                                                                   1.59]  # fmt: skip
    for bad in (0, 16):
        with pytest.raises(ValueError, match="tabulated for n = 1 … 15"):
            random_index(bad)


def test_one_element_and_two_elements_are_always_consistent() -> None:
    one = priorities([[1]])
    assert one.weights.tolist() == [1.0]
    assert (one.lambda_max, one.ci, one.ri, one.cr) == (1.0, 0.0, 0.0, 0.0)
    two = priorities(from_upper(2, {(0, 1): 3}), saaty_scale=True)
    np.testing.assert_allclose(two.weights, [0.75, 0.25], rtol=1e-12)
    assert two.lambda_max == pytest.approx(2.0)
    assert (two.ci, two.ri, two.cr) == (0.0, 0.0, 0.0)
    assert inconsistent_judgements(from_upper(2, {(0, 1): 3}))[0].deviation == pytest.approx(1)


def test_geometric_mean_of_two_experts() -> None:
    one = from_upper(3, {(0, 1): 2, (0, 2): 9, (1, 2): 3})
    two = from_upper(3, {(0, 1): 8, (0, 2): 1, (1, 2): _(1, 3)})
    combined = aggregate([one, two])
    # √(2·8) = 4, √(9·1) = 3, √(3·⅓) = 1; the lower triangle holds the reciprocals.
    np.testing.assert_allclose(combined, [[1, 4, 3], [1 / 4, 1, 1], [1 / 3, 1, 1]], rtol=1e-12)
    np.testing.assert_array_equal(combined * combined.T, np.ones((3, 3)))
    np.testing.assert_array_equal(np.diag(combined), np.ones(3))
    # Weighted 3 : 1: 2^¾ · 8^¼ = 2^1.5.
    weighted = aggregate([one, two], [3, 1])
    assert weighted[0, 1] == pytest.approx(2**1.5)
    assert weighted[1, 0] == pytest.approx(2**-1.5)
    # One expert: the matrix itself.
    np.testing.assert_allclose(aggregate([one]), one, rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 6).flatmap(
        lambda n: st.lists(
            st.lists(st.sampled_from(SCALE), min_size=n * (n - 1) // 2,
                     max_size=n * (n - 1) // 2),
            min_size=1, max_size=5,
        ).map(lambda experts: (n, experts))
    )
)  # fmt: skip
def test_aggregation_keeps_reciprocity_and_the_weights_are_a_distribution(case) -> None:
    n, experts = case
    pairs = list(zip(*np.triu_indices(n, 1), strict=True))
    matrices = [from_upper(n, dict(zip(pairs, values, strict=True))) for values in experts]
    combined = aggregate(matrices)
    check_matrix(combined, saaty_scale=False)  # reciprocal, diagonal 1
    result = priorities(combined)
    assert (result.weights > 0).all()
    assert result.weights.sum() == pytest.approx(1.0)
    assert result.lambda_max >= n - 1e-9
    assert result.cr >= 0


def test_a_cycle_is_inconsistent() -> None:
    # A > B (3), B > C (3), yet C > A (a_13 = 1/3): no weights can agree.
    cycle = from_upper(3, {(0, 1): 3, (1, 2): 3, (0, 2): _(1, 3)})
    result = priorities(cycle)
    assert result.cr >= CR_LIMIT
    assert result.cr == pytest.approx(1.149, abs=1e-3)  # λmax = 13/3
    assert not result.consistent
    # The weights are equal (the cycle is symmetric): each judgement is 3 times off.
    np.testing.assert_allclose(result.weights, [1 / 3] * 3)
    assert [round(j.deviation, 9) for j in inconsistent_judgements(cycle)] == [3.0] * 3


def test_one_reversed_judgement_is_found() -> None:
    upper = {(0, 1): 2, (0, 2): 4, (0, 3): 8, (1, 2): 2, (1, 3): 4, (2, 3): 2}
    upper[(0, 3)] = _(1, 8)  # reversed: D extremely more important than A
    matrix = from_upper(4, upper)
    assert priorities(matrix).cr >= CR_LIMIT
    worst = inconsistent_judgements(matrix)
    assert (worst[0].i, worst[0].j, worst[0].judged) == (0, 3, 1 / 8)
    assert worst[0].deviation > worst[1].deviation
    assert worst[0].suggested == 0.5  # implied 0.66: the weights, pulled by 1/8, sit between


def test_group_priorities_reports_each_expert_and_the_group() -> None:
    consistent = from_upper(3, {(0, 1): 2, (0, 2): 4, (1, 2): 2})
    cycle = from_upper(3, {(0, 1): 3, (1, 2): 3, (0, 2): _(1, 3)})
    result = group_priorities([consistent, consistent, cycle])
    assert len(result.experts) == 3
    assert result.experts[0].cr == pytest.approx(0, abs=1e-12)
    assert result.experts[2].cr > CR_LIMIT
    np.testing.assert_allclose(result.matrix, aggregate([consistent, consistent, cycle]))
    assert result.consistent == (result.group.cr < CR_LIMIT)
    assert len(result.judgements) == 3
    with pytest.raises(ValueError, match="read-only"):
        result.group.weights[0] = 1


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1, 3], [3, 1]], "reciprocal .* row 1, column 2 is 3 but row 2, column 1 is 3"),
        ([[1, 0], [0, 1]], "positive: row 1, column 2 is 0"),
        ([[1, -3], [-1 / 3, 1]], "positive: row 1, column 2 is -3"),
        ([[1, 3, 1]], r"square \(n × n\), got shape \(1, 3\)"),
        ([1, 2, 3], r"square \(n × n\), got shape \(3,\)"),
        ([], r"square \(n × n\), got shape \(0,\)"),
        ([[2, 3], [1 / 3, 1]], "diagonal must be 1: row 1, column 1 is 2"),
        ([[1, 10], [1 / 10, 1]], "row 1, column 2 is 10, not on Saaty's scale"),
        ([[1, 2.5], [0.4, 1]], "row 1, column 2 is 2.5, not on Saaty's scale"),
        ([[1, float("nan")], [1, 1]], "row 1, column 2 is not a finite number"),
        ([[1, "x"], ["y", 1]], "must hold numbers only"),
        (np.ones((16, 16)), "1 … 15 elements"),
    ],
)
def test_invalid_matrices_are_refused_with_a_clear_message(matrix, message) -> None:
    with pytest.raises(ValueError, match=message):
        priorities(matrix, saaty_scale=True)


def test_invalid_input_to_aggregation_and_from_upper() -> None:
    good = from_upper(2, {(0, 1): 3})
    with pytest.raises(ValueError, match="at least one expert"):
        aggregate([])
    with pytest.raises(ValueError, match=r"expert 2: .*not on Saaty's scale"):
        aggregate([good, [[1, 11], [1 / 11, 1]]])
    with pytest.raises(ValueError, match="same elements"):
        aggregate([good, np.ones((3, 3))])
    with pytest.raises(ValueError, match="one per expert"):
        aggregate([good, good], [1])
    with pytest.raises(ValueError, match="not all zero"):
        aggregate([good, good], [0, 0])
    with pytest.raises(ValueError, match="element 1 with element 3 is missing"):
        from_upper(3, {(0, 1): 2, (1, 2): 2})
    with pytest.raises(ValueError, match="positive"):
        from_upper(2, {(0, 1): 0})
    # Off the scale is fine for an aggregated matrix, not for an expert's.
    assert priorities([[1, 2.5], [0.4, 1]]).weights.tolist() == pytest.approx([5 / 7, 2 / 7])


def test_scale_labels_and_nearest_values() -> None:
    assert len(SCALE) == 17
    assert [scale_label(v) for v in (9, 1, 1 / 3, 0.5, 2.5)] == ["9", "1", "1/3", "1/2", "2.5"]
    assert nearest_on_scale(1.13) == 1.0
    assert nearest_on_scale(0.3) == pytest.approx(1 / 3)
    assert nearest_on_scale(100) == 9.0
