from __future__ import annotations

import numpy as np
import pytest

from indicators.engine import (
    Goalposts,
    Level,
    PeerPercentile,
    Rubric,
    YesNo,
    assign_levels,
    compute,
)
from tests.indicators.engine.default_tree import build_default_tree

TREE = build_default_tree()


def default_raw(scores: dict[str, float] | None = None, default: float = 100.0) -> np.ndarray:
    """Two units of one peer group: row 0 with the requested leaf scores, row 1 a weak peer.

    Raw values are obtained by inverting each leaf's rule. A peer-percentile leaf scores
    100 (or 0) because row 1 reports fewer (or more) than row 0; any other requested score
    gives a tie, hence 50. The yes/no leaf is "yes" for any positive requested score.
    """
    scores = scores or {}
    raw = np.zeros((2, len(TREE.leaf_codes)))
    for j, code in enumerate(TREE.leaf_codes):
        s = scores.get(code, default)
        rule = TREE.node(code).rule
        if np.isnan(s):
            raw[0, j] = np.nan
        elif isinstance(rule, Goalposts):
            raw[0, j] = rule.floor + (rule.target - rule.floor) * s / 100
        elif isinstance(rule, Rubric):
            raw[0, j] = s / 20
        elif isinstance(rule, YesNo):
            raw[0, j] = 1 if s > 0 else 0
        else:
            assert isinstance(rule, PeerPercentile)
            raw[0, j] = {100: 10, 0: 0}.get(s, 5)
            raw[1, j] = {100: 0, 0: 10}.get(s, 5)
        if isinstance(rule, Goalposts):
            raw[1, j] = rule.floor
    return raw


def level_of(raw: np.ndarray) -> tuple[str | None, str, object]:
    levels = compute(TREE, raw).levels
    assert levels is not None
    band = levels.codes[levels.band[0]] if levels.band[0] >= 0 else "-"
    return levels.code(0), band, levels


def test_all_targets_met_is_l5() -> None:
    code, band, levels = level_of(default_raw())
    assert (code, band) == ("L5", "L5")
    assert levels.held_back(0) == ()
    assert levels.explain(0) == ""


def test_bands_by_overall_score_without_gate_trouble() -> None:
    # Every leaf at the same score (peer percentile 50, yes/no 100): areas stay close to the
    # overall, so the area gates hold, and at 80 the L4 leaf gates (>= 80) hold too.
    assert level_of(default_raw(default=20))[:2] == ("L1", "L1")
    assert level_of(default_raw(default=40))[:2] == ("L2", "L2")
    assert level_of(default_raw(default=60))[:2] == ("L3", "L3")
    assert level_of(default_raw(default=80))[:2] == ("L4", "L4")


def test_high_score_with_failed_leaf_gate_drops_below_it() -> None:
    code, band, levels = level_of(default_raw({"DS.3.1": 70}))
    assert band == "L5"  # overall 99.1
    assert code == "L3"  # L4 needs DS.3.1 >= 80, and L5 includes L4's gate
    (failure,) = levels.held_back(0)
    assert (failure.level, failure.kind, failure.node) == ("L4", "leaf", "DS.3.1")
    assert failure.actual == pytest.approx(70)
    assert levels.explain(0) == "held at L3 by L4: leaf DS.3.1 70.00 < 80"
    assert "DS.3.1" in levels.explain(0, "zh")


def test_an_incident_blocks_l5() -> None:
    code, band, levels = level_of(default_raw({"PP.2.2": 50}))  # one vendor incident
    assert (code, band) == ("L4", "L5")
    assert levels.explain(0) == "held at L4 by L5: leaf PP.2.2 50.00 < 100"


def test_weak_area_holds_a_high_overall_score() -> None:
    bl = {code: 70.0 for code in TREE.leaf_codes if code.startswith("BL.")}
    bl["BL.4.1"] = 60.0  # rubric L3
    bl["BL.2.2"] = 100.0  # peer percentile
    code, band, levels = level_of(default_raw(bl))  # BL = 72, overall 94.4
    assert band == "L5"
    assert code == "L4"
    failures = levels.held_back(0)
    assert [(f.level, f.node) for f in failures] == [("L5", "BL")]
    assert failures[0].actual == pytest.approx(72)
    assert levels.explain(0) == "held at L4 by L5: area BL 72.00 < 80"


def test_a_failing_area_is_reported_once_at_the_lowest_level() -> None:
    bl = {code: 0.0 for code in TREE.leaf_codes if code.startswith("BL.")}
    code, band, levels = level_of(default_raw(bl))  # overall 80, BL 0
    assert (code, band) == ("L2", "L4")
    assert [(f.level, f.node, f.required) for f in levels.held_back(0)] == [("L3", "BL", 50)]


def test_missing_gate_leaf_fails_the_gate() -> None:
    code, _, levels = level_of(default_raw({"SV.4.2": np.nan}))
    assert code == "L3"
    (failure,) = levels.held_back(0)
    assert failure.node == "SV.4.2"
    assert np.isnan(failure.actual)
    assert "missing" in failure.describe()


def test_missing_overall_gives_no_level() -> None:
    raw = default_raw()
    raw[0, :] = np.nan
    code, band, levels = level_of(raw)
    assert code is None
    assert band == "-"
    assert levels.index[0] == -1


def test_bands_and_gates_use_the_rounded_score() -> None:
    levels = (Level("L3", 60, min_area=50), Level("L4", 75, min_area=65))
    overall = np.array([74.996, 74.994, 80.0])
    areas = {"A": np.array([70.0, 70.0, 64.996])}
    out = assign_levels(levels, overall, areas, {}, precision=2)
    assert [out.code(i) for i in range(3)] == ["L4", "L3", "L4"]


def test_gtmi_groups_are_levels_without_gates() -> None:
    groups = (Level("D", 0), Level("C", 25), Level("B", 50), Level("A", 75))
    out = assign_levels(groups, np.array([10, 25, 49.99, 75, 100, np.nan]), {}, {}, precision=2)
    assert [out.code(i) for i in range(6)] == ["D", "C", "C", "A", "A", None]
    assert np.array_equal(out.index, out.band)


def test_below_the_lowest_band_gives_no_level() -> None:
    out = assign_levels((Level("L1", 10),), np.array([5.0]), {}, {}, precision=2)
    assert out.code(0) is None


def test_reasons_are_printed_at_the_published_precision() -> None:
    levels = (Level("L3", 60, min_area=50), Level("L4", 75, min_area=65))
    out = assign_levels(levels, np.array([80.0]), {"BL": np.array([62.04])}, {}, precision=1)
    assert out.explain(0) == "held at L3 by L4: area BL 62.0 < 65"
    assert out.explain(0, "zh") == "受门槛限制停留在 L3：L4：领域 BL 得分 62.0 < 65"
