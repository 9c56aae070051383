from __future__ import annotations

import math

import pytest

from indicators.engine import OVERALL, Goalposts, LeafGate, Level, Node, Tree, TreeError
from tests.indicators.engine.default_tree import build_default_tree

RULE = Goalposts(0, 100)


def small_tree(**overrides: object) -> list[Node]:
    nodes = {
        "A": Node("A", None, 2),
        "B": Node("B", None, 1),
        "A.1": Node("A.1", "A", 1, rule=RULE),
        "A.2": Node("A.2", "A", 3, rule=RULE),
        "B.1": Node("B.1", "B", 1, rule=RULE),
    }
    nodes.update(overrides)  # type: ignore[arg-type]
    return list(nodes.values())


def test_default_system_points_match_the_spec() -> None:
    tree = build_default_tree()
    points = tree.points()
    assert len(tree.leaf_codes) == 43
    assert tree.area_codes == ("DS", "SV", "BL", "PP")
    assert [points[a] for a in tree.area_codes] == pytest.approx([30, 30, 20, 20])
    assert points["DS.1.1"] == pytest.approx(2.5)
    assert points["DS.1"] == pytest.approx(8)
    assert points["SV.4.2"] == pytest.approx(2.5)
    assert math.fsum(tree.leaf_points().values()) == pytest.approx(100)


def test_columns_are_preorder_with_overall_last() -> None:
    tree = Tree(small_tree())
    assert tree.columns == ("A", "A.1", "A.2", "B", "B.1", OVERALL)
    assert tree.leaf_codes == ("A.1", "A.2", "B.1")
    assert [tree.column(c) for c in tree.leaf_codes] == [1, 2, 4]


def test_siblings_sorted_by_order_then_code() -> None:
    tree = Tree(small_tree(B=Node("B", None, 1, order=-1)))
    assert tree.area_codes == ("B", "A")


def test_points_multiply_normalised_sibling_weights() -> None:
    points = Tree(small_tree()).points()
    assert points["A"] == pytest.approx(200 / 3)
    assert points["A.2"] == pytest.approx(200 / 3 * 3 / 4)
    assert points["B.1"] == pytest.approx(100 / 3)


def test_points_are_scale_invariant_per_sibling_group() -> None:
    base = Tree(small_tree()).points()
    scaled = Tree(
        small_tree(
            **{"A.1": Node("A.1", "A", 7, rule=RULE), "A.2": Node("A.2", "A", 21, rule=RULE)}
        )
    ).points()
    assert scaled == pytest.approx(base)


def test_plan_is_post_order_ending_at_overall() -> None:
    tree = Tree(small_tree())
    columns = [tree.columns[s.column] for s in tree.plan]
    assert columns == ["A", "B", OVERALL]
    assert tree.plan[-1].weights == (2.0, 1.0)


@pytest.mark.parametrize(
    ("nodes", "message"),
    [
        (small_tree(X=Node("X", "nowhere", rule=RULE)), "unknown parent 'nowhere'"),
        (small_tree(A=Node("A", "A.1", 1)), "cycle in the tree"),
        (small_tree(B=Node("B", None, 0)), "weight must be a positive number"),
        (small_tree(B=Node("B", None, -1)), "weight must be a positive number"),
        (small_tree(B=Node("B", None, math.nan)), "weight must be a positive number"),
        (small_tree(**{"B.1": Node("B.1", "B", 1)}), "leaf 'B.1' has no scoring rule"),
        (small_tree(A=Node("A", None, 1, rule=RULE)), "has children, so it cannot have a rule"),
        (small_tree(X=Node(OVERALL, None, rule=RULE)), "reserved"),
        ([], "no nodes"),
    ],
)
def test_invalid_trees_are_rejected_with_clear_errors(nodes: list[Node], message: str) -> None:
    with pytest.raises(TreeError, match=message):
        Tree(nodes)


def test_duplicate_codes_are_rejected() -> None:
    with pytest.raises(TreeError, match=r"duplicate node code 'A\.1'"):
        Tree([*small_tree(), Node("A.1", "B", rule=RULE)])


def test_cycle_error_names_the_cycle() -> None:
    nodes = [
        Node("P", "Q", 1),
        Node("Q", "P", 1),
        Node("L", "P", 1, rule=RULE),
        Node("A", None, 1, rule=RULE),
    ]
    with pytest.raises(TreeError, match=r"P -> Q -> P|Q -> P -> Q"):
        Tree(nodes)


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ((Level("L1", 0), Level("L1", 50)), "duplicate maturity level"),
        ((Level("L1", 50), Level("L2", 50)), "strictly increasing"),
        ((Level("L1", 0, leaf_gates=(LeafGate("A", 50),)),), "unknown leaf 'A'"),
    ],
)
def test_invalid_levels_are_rejected(levels: tuple[Level, ...], message: str) -> None:
    with pytest.raises(TreeError, match=message):
        Tree(small_tree(), levels)


def test_subplan_computes_only_what_a_node_needs() -> None:
    tree = Tree(small_tree())
    assert [tree.columns[s.column] for s in tree.subplan("A")] == ["A"]
    assert len(tree.subplan(OVERALL)) == 3
    with pytest.raises(ValueError, match="leaf"):
        tree.subplan("A.1")
