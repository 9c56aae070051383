"""The default indicator system (shared/spec/default-framework.md) as an engine Tree.

Test and benchmark helper only: the product stores the system in its database and builds
the Tree from it. Leaf weights are the spec's points (relative weights: within a dimension
only their ratios matter); dimension weights are the sums of their leaves' points and area
weights 30/30/20/20, so the derived global points reproduce the spec exactly.
"""

from __future__ import annotations

from indicators.engine import (
    Goalposts,
    LeafGate,
    Level,
    Node,
    PeerPercentile,
    Rubric,
    Tree,
    YesNo,
)

PCT = "pct"  # marks a percent leaf in LEAVES (value_type, used by the synthetic data)

# (code, points, rule, value type) per leaf, grouped by dimension, in spec order.
# Incident counts: "0 incidents = 100; each incident -50" -> goalposts 2 -> 0. PP.2.2 gives
# only "0 incidents = 100"; it follows DS.5.2's convention.
LEAVES: dict[str, list[tuple[str, float, object, str]]] = {
    "DS.1": [
        ("DS.1.1", 2.5, Goalposts(60, 95), PCT),
        ("DS.1.2", 2.5, Goalposts(50, 90), PCT),
        ("DS.1.3", 3, Goalposts(30, 90), PCT),
    ],
    "DS.2": [
        ("DS.2.1", 3, Goalposts(50, 95), PCT),
        ("DS.2.2", 2, Goalposts(20, 5), "days"),
        ("DS.2.3", 3, PeerPercentile(), "count"),
    ],
    "DS.3": [
        ("DS.3.1", 3, Goalposts(1.0, 0.1), "small_pct"),
        ("DS.3.2", 2, Goalposts(70, 95), PCT),
        ("DS.3.3", 2, Goalposts(60, 95), PCT),
    ],
    "DS.4": [
        ("DS.4.1", 2, Goalposts(5, 30), PCT),
        ("DS.4.2", 2, Goalposts(50, 10), PCT),
    ],
    "DS.5": [
        ("DS.5.1", 1.5, Rubric(), "rubric"),
        ("DS.5.2", 1.5, Goalposts(2, 0), "incidents"),
    ],
    "SV.1": [
        ("SV.1.1", 3, Goalposts(50, 90), PCT),
        ("SV.1.2", 3, Goalposts(70, 100), PCT),
        ("SV.1.3", 2, Goalposts(50, 100), PCT),
    ],
    "SV.2": [
        ("SV.2.1", 3, Goalposts(80, 98), PCT),
        ("SV.2.2", 2, Goalposts(60, 95), PCT),
    ],
    "SV.3": [
        ("SV.3.1", 3, Goalposts(40, 80), PCT),
        ("SV.3.2", 3, Goalposts(50, 10), PCT),
        ("SV.3.3", 2, Goalposts(50, 90), PCT),
    ],
    "SV.4": [
        ("SV.4.1", 2, Goalposts(50, 95), PCT),
        ("SV.4.2", 2.5, Goalposts(80, 100), PCT),
        ("SV.4.3", 1.5, Goalposts(95, 99.5), PCT),
    ],
    "SV.5": [
        ("SV.5.1", 1.5, Rubric(), "rubric"),
        ("SV.5.2", 1.5, Goalposts(50, 90), PCT),
    ],
    "BL.1": [
        ("BL.1.1", 3, Goalposts(20, 80), PCT),
        ("BL.1.2", 3, Goalposts(50, 5), PCT),
    ],
    "BL.2": [
        ("BL.2.1", 3, Goalposts(30, 90), PCT),
        ("BL.2.2", 2, PeerPercentile(), "count"),
    ],
    "BL.3": [
        ("BL.3.1", 2.5, Goalposts(0, 50), PCT),
        ("BL.3.2", 2.5, Goalposts(30, 90), PCT),
    ],
    "BL.4": [
        ("BL.4.1", 2, Rubric(), "rubric"),
        ("BL.4.2", 2, Goalposts(70, 98), PCT),
    ],
    "PP.1": [
        ("PP.1.1", 3, Goalposts(50, 100), PCT),
        ("PP.1.2", 3, Goalposts(80, 99), PCT),
    ],
    "PP.2": [
        ("PP.2.1", 2.5, Goalposts(50, 100), PCT),
        ("PP.2.2", 2, Goalposts(2, 0), "incidents"),
        ("PP.2.3", 1.5, YesNo(), "yes_no"),
    ],
    "PP.3": [
        ("PP.3.1", 2.5, Goalposts(30, 100), PCT),
        ("PP.3.2", 2.5, Rubric(), "rubric"),
    ],
    "PP.4": [
        ("PP.4.1", 1.5, Goalposts(40, 90), PCT),
        ("PP.4.2", 1.5, Goalposts(80, 40), PCT),
    ],
}
AREAS = {"DS": 30, "SV": 30, "BL": 20, "PP": 20}

LEVELS = (
    Level("L1", 0),
    Level("L2", 40),
    Level("L3", 60, min_area=50),
    Level(
        "L4",
        75,
        min_area=65,
        leaf_gates=(LeafGate("DS.3.1", 80), LeafGate("SV.4.2", 80)),
    ),
    Level(
        "L5",
        90,
        min_area=80,
        leaf_gates=(LeafGate("PP.2.2", 100), LeafGate("DS.5.2", 100)),
    ),
)


def value_types() -> dict[str, str]:
    return {code: kind for leaves in LEAVES.values() for code, _, _, kind in leaves}


def build_default_tree() -> Tree:
    nodes: list[Node] = []
    for i, (area, weight) in enumerate(AREAS.items()):
        nodes.append(Node(area, None, weight, order=i))
    for i, (dim, leaves) in enumerate(LEAVES.items()):
        area = dim.split(".")[0]
        nodes.append(Node(dim, area, sum(p for _, p, _, _ in leaves), order=i))
        for k, (code, points, rule, _) in enumerate(leaves):
            nodes.append(Node(code, dim, points, order=k, rule=rule))  # type: ignore[arg-type]
    return Tree(nodes, LEVELS)
