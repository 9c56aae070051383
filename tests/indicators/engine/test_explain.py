"""Explanations (explain.py): each node's points and contribution equal what the engine
aggregates, and the gap to the next level names exactly what assign_levels would ask for."""

from __future__ import annotations

import math

import numpy as np
import pytest

from indicators.engine import Goalposts, LeafGate, Level, Node, Options, Tree, compute
from indicators.engine.aggregate import aggregate, exempt_nodes
from indicators.engine.explain import next_level_gap, shares, structure_of
from indicators.engine.flags import FLAG_DTYPE
from tests.indicators.engine.default_tree import build_default_tree
from tests.indicators.engine.synthetic import level_labels, synthetic_raw

TREE = build_default_tree()
STRUCTURE = structure_of(TREE)
UNITS = 60


def row(outcome, i: int) -> dict[str, float]:
    return dict(zip(outcome.columns, outcome.scores[i].tolist(), strict=True))


@pytest.fixture(scope="module")
def exempted():
    """60 units with 5% of values missing and some leaves exempt (whole DS.1 for the
    county-level units, as applicability does, and scattered appeals)."""
    peers = level_labels(UNITS)
    raw = synthetic_raw(TREE, peers, seed=3, missing=0.05)
    mask = np.zeros(raw.shape, dtype=bool)
    ds1 = [TREE.leaf_codes.index(c) for c in ("DS.1.1", "DS.1.2", "DS.1.3")]
    mask[np.ix_(peers == 2, ds1)] = True
    mask[np.random.default_rng(1).random(raw.shape) < 0.03] = True
    return peers, mask, compute(TREE, raw, peers, exempt=mask)


def exempt_codes(mask: np.ndarray, i: int) -> set[str]:
    return {c for c, out in zip(TREE.leaf_codes, mask[i], strict=True) if out}


def test_with_complete_data_the_points_are_the_trees_and_add_up_to_the_overall_score():
    peers = level_labels(UNITS)
    outcome = compute(TREE, synthetic_raw(TREE, peers, seed=2, missing=0.0), peers)
    points = TREE.leaf_points()
    for i in range(UNITS):
        out = shares(STRUCTURE, row(outcome, i))
        assert {c: out[c].points for c in TREE.leaf_codes} == pytest.approx(points)
        total = math.fsum(out[c].contribution for c in TREE.leaf_codes)
        assert total == pytest.approx(outcome.overall[i], abs=1e-9)


def test_contributions_add_up_to_the_overall_score_at_every_level_of_the_tree(exempted):
    _, mask, outcome = exempted
    for i in range(UNITS):
        scores = row(outcome, i)
        out = shares(STRUCTURE, scores, exempt=exempt_codes(mask, i))
        leaves = [out[c].contribution for c in TREE.leaf_codes]
        assert math.fsum(x for x in leaves if x is not None) == pytest.approx(
            outcome.overall[i], abs=1e-9
        )
        for parent, kids in STRUCTURE.items():
            if parent is None or out[parent].contribution is None:
                continue
            below = [out[k].contribution for k, _w in kids]
            assert math.fsum(x for x in below if x is not None) == pytest.approx(
                out[parent].contribution, abs=1e-9
            )
        for code in TREE.leaf_codes:
            share = out[code]
            if share.contribution is not None:
                assert share.contribution == pytest.approx(scores[code] * share.points / 100)


def test_a_leafs_points_are_what_the_engine_gives_its_score(exempted):
    """The engine's own arithmetic: changing a scored leaf by d changes the overall score by
    d × points / 100, exemptions and missing siblings re-scaled as aggregate() does."""
    _, mask, outcome = exempted
    node_exempt = exempt_nodes(TREE, mask)
    flags = np.zeros(outcome.leaf_scores.shape, dtype=FLAG_DTYPE)
    delta = -1e-3  # downwards: a mean clamps at 100, and 100 is a common score
    for i in (0, 7, UNITS - 1):  # a province, a city, a county
        out = shares(STRUCTURE, row(outcome, i), exempt=exempt_codes(mask, i))
        for j, code in enumerate(TREE.leaf_codes):
            if out[code].contribution is None:
                continue
            leaf = outcome.leaf_scores[i : i + 1].copy()
            leaf[0, j] += delta
            scores, _ = aggregate(
                TREE, leaf, flags[i : i + 1], geometric=False, min_coverage=0.5,
                exempt=node_exempt[i : i + 1],
            )  # fmt: skip
            slope = (scores[0, -1] - outcome.overall[i]) / delta
            assert slope * 100 == pytest.approx(out[code].points, rel=1e-6)


def test_exempt_leaves_have_no_points_and_their_siblings_share_theirs(exempted):
    peers, mask, outcome = exempted
    county = int(np.flatnonzero(peers == 2)[0])
    out = shares(STRUCTURE, row(outcome, county), exempt=exempt_codes(mask, county))
    assert all(out[c].points is None and out[c].contribution is None for c in ("DS.1", "DS.1.1"))
    scored = [out[c].points for c in TREE.leaf_codes if out[c].contribution is not None]
    assert math.fsum(scored) == pytest.approx(100)
    area_points = {a: out[a].points for a in TREE.area_codes}
    assert area_points == pytest.approx({"DS": 30, "SV": 30, "BL": 20, "PP": 20})  # areas whole


def test_a_missing_leaf_shows_what_it_would_weigh_with_a_score():
    tree = Tree(
        [
            Node("A", None, 1),
            Node("B", None, 1),
            *(Node(f"A.{k}", "A", w, rule=Goalposts(0, 100)) for k, w in ((1, 1), (2, 1), (3, 2))),
            Node("B.1", "B", 1, rule=Goalposts(0, 100)),
        ]
    )
    outcome = compute(tree, np.array([[80.0, np.nan, 40.0, 60.0]]))
    out = shares(structure_of(tree), row(outcome, 0))
    # A.2 would weigh 1 of A's 4, A.1 and A.3 share A's 50 points 1:2 meanwhile
    assert (out["A.2"].points, out["A.2"].contribution) == (pytest.approx(50 / 4), None)
    assert (out["A.1"].points, out["A.3"].points) == pytest.approx((50 / 3, 100 / 3))
    filled = compute(tree, np.array([[80.0, 70.0, 40.0, 60.0]]))
    assert shares(structure_of(tree), row(filled, 0))["A.2"].points == out["A.2"].points
    total = sum(s.contribution for c, s in out.items() if c.count(".") and s.contribution)
    assert total == pytest.approx(outcome.overall[0])


def test_below_too_little_coverage_nothing_contributes_but_the_sum_holds():
    tree = Tree(
        [
            Node("A", None, 1),
            Node("B", None, 1),
            Node("A.1", "A", 1, rule=Goalposts(0, 100)),
            Node("A.2", "A", 3, rule=Goalposts(0, 100)),
            Node("B.1", "B", 1, rule=Goalposts(0, 100)),
        ]
    )
    outcome = compute(tree, np.array([[80.0, np.nan, 60.0]]))  # A covers 1/4 < 1/2: missing
    out = shares(structure_of(tree), row(outcome, 0))
    assert out["A"].contribution is None and out["A.1"].contribution is None
    assert (out["B.1"].points, out["B.1"].contribution) == pytest.approx((100, 60))
    assert outcome.overall[0] == pytest.approx(60)


def test_geometric_means_have_points_but_no_additive_contribution():
    peers = level_labels(UNITS)
    raw = synthetic_raw(TREE, peers, seed=2, missing=0.0)
    outcome = compute(TREE, raw, peers, Options(aggregation="geometric"))
    out = shares(STRUCTURE, row(outcome, 0), geometric=True)
    assert all(out[c].contribution is None for c in TREE.leaf_codes)
    assert {c: out[c].points for c in TREE.leaf_codes} == pytest.approx(TREE.leaf_points())


def test_below_a_veto_every_contribution_is_zero():
    tree = Tree(
        [
            Node("A", None, 1),
            Node("B", None, 1),
            Node("A.1", "A", 1, rule=Goalposts(0, 100), veto_at=0.0),
            Node("A.2", "A", 1, rule=Goalposts(0, 100)),
            Node("B.1", "B", 1, rule=Goalposts(0, 100)),
        ]
    )
    outcome = compute(tree, np.array([[0.0, 90.0, 60.0]]))
    out = shares(structure_of(tree), row(outcome, 0), vetoed={"A"})
    assert out["A.2"].contribution == 0.0 and out["A"].contribution == 0.0
    assert out["B.1"].contribution + out["A"].contribution == pytest.approx(outcome.overall[0])


# --- The next maturity level -------------------------------------------------------------------

LEVELS = (
    Level("L1", 0),
    Level("L2", 40),
    Level("L3", 60, min_area=50),
    Level("L4", 75, min_area=65, leaf_gates=(LeafGate("SV.4.2", 80), LeafGate("DS.3.1", 80))),
    Level("L5", 90, min_area=80),
)
AREAS = {"DS": 70.0, "SV": 80.0, "BL": 61.0, "PP": 90.0}


def gap(overall, areas=None, leaves=None, current=2, **kw):
    leaves = leaves or {"SV.4.2": 90.0, "DS.3.1": 90.0}
    return next_level_gap(LEVELS, current, overall, areas or AREAS, leaves, 2, **kw)


def test_a_region_one_gate_short():
    found = gap(80.0, areas={**AREAS, "BL": 70.0}, leaves={"SV.4.2": 72.0, "DS.3.1": 85.0})
    assert (found.level, found.score, found.areas) == ("L4", None, ())
    assert [(f.node, f.required, f.actual) for f in found.leaves] == [("SV.4.2", 80, 72.0)]


def test_a_region_short_on_score_and_on_an_area():
    found = gap(72.7, leaves={"SV.4.2": 72.0, "DS.3.1": float("nan")})
    assert found.score == pytest.approx(2.3)
    assert [(f.node, f.actual) for f in found.areas] == [("BL", 61.0)] and found.min_area == 65
    assert [f.node for f in found.leaves] == ["SV.4.2", "DS.3.1"]
    assert math.isnan(found.leaves[1].actual)  # no data: not met


def test_scores_are_compared_as_published():
    assert gap(74.996, areas={**AREAS, "BL": 64.996}).score is None  # 75.00 and 65.00 count
    assert gap(74.994).score == pytest.approx(0.01)


def test_exempt_gates_are_waived_and_unknown_leaves_not_judged():
    found = gap(80.0, leaves={"SV.4.2": 10.0}, exempt={"SV.4.2", "BL"})
    assert (found.score, found.areas, found.leaves) == (None, (), ())


def test_nothing_at_the_top_level_or_without_a_score():
    assert gap(95.0, current=4) is None
    assert gap(None, current=0) is None
    assert next_level_gap((), None, 50.0, AREAS, {}, 2) is None
    assert gap(30.0, current=None).level == "L1" and gap(30.0, current=None).score is None


def test_the_gap_is_never_empty_below_the_top_level():
    """Whatever a unit lacks for the next level, assign_levels held it back for that reason:
    a unit below the top always lacks something, at its own level nothing."""
    levels = (
        Level("L1", 0),
        Level("L2", 40, min_area=30),
        Level("L3", 60, min_area=50),
        Level("L4", 75, min_area=65, leaf_gates=(LeafGate("SV.4.2", 80), LeafGate("DS.3.1", 80))),
        Level("L5", 90, min_area=80, leaf_gates=(LeafGate("DS.5.2", 100),)),
    )
    tree = Tree(TREE.nodes, levels)
    peers = level_labels(300)
    outcome = compute(tree, synthetic_raw(tree, peers, seed=5, missing=0.05), peers)
    gated = ("SV.4.2", "DS.3.1", "DS.5.2")
    for i in range(300):
        areas = {a: outcome.scores[i, tree.column(a)] for a in tree.area_codes}
        leaves = {c: outcome.rule_scores[i, tree.leaf_codes.index(c)] for c in gated}
        index = int(outcome.levels.index[i])
        args = (outcome.overall[i], areas, leaves, 2)
        if index < len(levels) - 1 and np.isfinite(outcome.overall[i]):
            lacks = next_level_gap(levels, index, *args)
            assert lacks.score is not None or lacks.areas or lacks.leaves, i
        if index >= 1:  # at its own level (from the one below) it lacks nothing
            own = next_level_gap(levels, index - 1, *args)
            assert (own.score, own.areas, own.leaves) == (None, (), ()), i
