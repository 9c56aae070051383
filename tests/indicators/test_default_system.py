"""The default indicator system loaded from fixtures/default-system.json matches the spec."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators.models import Indicator, ScoringRule, SystemStatus, ValueType
from indicators.services import leaf_points, load_system_file, tree_rows

# Points out of 100 per leaf, as the spec's "W" column states them (../shared/spec).
SPEC_POINTS = {
    "DS.1.1": 2.5, "DS.1.2": 2.5, "DS.1.3": 3, "DS.2.1": 3, "DS.2.2": 2, "DS.2.3": 3,
    "DS.3.1": 3, "DS.3.2": 2, "DS.3.3": 2, "DS.4.1": 2, "DS.4.2": 2, "DS.5.1": 1.5,
    "DS.5.2": 1.5,
    "SV.1.1": 3, "SV.1.2": 3, "SV.1.3": 2, "SV.2.1": 3, "SV.2.2": 2, "SV.3.1": 3, "SV.3.2": 3,
    "SV.3.3": 2, "SV.4.1": 2, "SV.4.2": 2.5, "SV.4.3": 1.5, "SV.5.1": 1.5, "SV.5.2": 1.5,
    "BL.1.1": 3, "BL.1.2": 3, "BL.2.1": 3, "BL.2.2": 2, "BL.3.1": 2.5, "BL.3.2": 2.5,
    "BL.4.1": 2, "BL.4.2": 2,
    "PP.1.1": 3, "PP.1.2": 3, "PP.2.1": 2.5, "PP.2.2": 2, "PP.2.3": 1.5, "PP.3.1": 2.5,
    "PP.3.2": 2.5, "PP.4.1": 1.5, "PP.4.2": 1.5,
}  # fmt: skip
LOWER_IS_BETTER = {"DS.2.2", "DS.3.1", "DS.4.2", "DS.5.2", "SV.3.2", "BL.1.2", "PP.2.2", "PP.4.2"}


@pytest.fixture
def rows(default_system):
    return tree_rows(default_system)


def test_shape_is_4_areas_18_dimensions_43_leaves(default_system, rows):
    depths = [row.depth for row in rows]
    assert default_system.status == SystemStatus.PUBLISHED
    assert (depths.count(0), depths.count(1), depths.count(2)) == (4, 18, 43)
    assert [row.indicator.code for row in rows if row.depth == 0] == ["DS", "SV", "BL", "PP"]
    assert all(row.indicator.is_leaf for row in rows if row.depth == 2)
    assert not any(row.indicator.is_leaf for row in rows if row.depth < 2)


def test_sibling_weights_normalise_to_the_spec_points(default_system, rows):
    assert leaf_points(default_system) == pytest.approx(SPEC_POINTS, abs=1e-9)
    areas = {row.indicator.code: row.points for row in rows if row.depth == 0}
    assert areas == pytest.approx({"DS": 30, "SV": 30, "BL": 20, "PP": 20})
    assert sum(row.points for row in rows if row.depth == 1) == pytest.approx(100)


def test_leaves_carry_rules_directions_bounds_and_guidance(default_system):
    leaves = {
        i.code: i for i in Indicator.objects.filter(system=default_system).exclude(value_type="")
    }
    assert {c for c, i in leaves.items() if i.direction == -1} == LOWER_IS_BETTER
    assert {c for c, i in leaves.items() if i.rule == ScoringRule.PEER_PERCENTILE} == {
        "DS.2.3",
        "BL.2.2",
    }
    assert {c for c, i in leaves.items() if i.value_type == ValueType.RUBRIC} == {
        "DS.5.1",
        "SV.5.1",
        "BL.4.1",
        "PP.3.2",
    }
    assert leaves["PP.2.3"].value_type == ValueType.YESNO
    assert (leaves["DS.1.1"].floor, leaves["DS.1.1"].target) == (Decimal(60), Decimal(95))
    assert (leaves["DS.2.2"].floor, leaves["DS.2.2"].target) == (Decimal(20), Decimal(5))
    assert leaves["DS.1.3"].review_below == Decimal(30)
    assert leaves["SV.4.3"].review_above == Decimal("99.9")
    for leaf in leaves.values():
        assert leaf.name_zh and leaf.name_en and leaf.guidance_zh and leaf.guidance_en
        assert leaf.basis and leaf.evidence_kinds
        if leaf.value_type == ValueType.RUBRIC:
            assert len(leaf.rubric) == 6
        if leaf.value_type == ValueType.PERCENT:
            assert (leaf.min_value, leaf.max_value) == (0, 100)
    assert "47万" in leaves["DS.1.1"].basis  # the basis figures travel with the guidance


def test_five_maturity_levels_with_gates(default_system):
    levels = list(default_system.levels.order_by("order").prefetch_related("gates__indicator"))
    assert [lvl.code for lvl in levels] == ["L1", "L2", "L3", "L4", "L5"]
    assert [lvl.name_zh for lvl in levels] == ["起步", "发展", "规范", "优化", "引领"]
    assert [float(lvl.min_score) for lvl in levels] == [0, 40, 60, 75, 90]
    assert [lvl.gate_min_area for lvl in levels] == [None, None, 50, 65, 80]
    gates = {
        lvl.code: {(g.indicator.code, float(g.min_score)) for g in lvl.gates.all()}
        for lvl in levels
    }
    assert gates["L4"] == {("DS.3.1", 80), ("SV.4.2", 80)}
    assert gates["L5"] == {("PP.2.2", 100), ("DS.5.2", 100)}


def test_loading_twice_does_not_duplicate(default_system):
    again, created = load_system_file()
    assert not created
    assert again.pk == default_system.pk
    assert Indicator.objects.filter(system=default_system).count() == 65


@pytest.mark.django_db
def test_version_2_loads_publishes_and_keeps_its_new_fields(default_system):
    from indicators.services import DEFAULT_SYSTEM_V2_PATH

    v2, created = load_system_file(DEFAULT_SYSTEM_V2_PATH)
    assert created and v2.status == SystemStatus.PUBLISHED and v2.version == 2
    assert default_system.status == SystemStatus.PUBLISHED  # v1 stays for its rounds
    leaves = {i.code: i for i in v2.indicators.exclude(value_type="")}
    assert leaves["DS.1.1"].applies_to == ["province", "city"]
    assert leaves["DS.1.1"].applies_to_level("city")
    assert not leaves["DS.1.1"].applies_to_level("county")
    assert all(leaf.policy_ref for leaf in leaves.values())
    assert {r["key"] for r in v2.references} >= {"R1"}
    assert v2.changes and all(c["code"] and c["change_zh"] for c in v2.changes)
    assert sum(row.points for row in tree_rows(v2) if row.depth == 0) == pytest.approx(100)
