"""Exemptions (申诉豁免): an accepted appeal takes a leaf out of one region's score entirely, as
if the indicator did not exist for it: no score, flagged EXEMPT (not MISSING), never imputed
or penalised, left out of its parent's mean and coverage, and waived by the gates."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from indicators.engine import (
    OVERALL,
    Flag,
    Goalposts,
    LeafGate,
    Level,
    Node,
    Options,
    Tree,
    compute,
    sensitivity,
)
from tests.indicators.engine.default_tree import build_default_tree
from tests.indicators.engine.synthetic import level_labels, synthetic_raw
from tests.indicators.engine.test_properties import LEAVES, make_tree, options, rounds

SCORE = Goalposts(0, 100)  # raw value == score
NAN = np.nan


def small_tree(levels: tuple[Level, ...] = ()) -> Tree:
    # D has four leaves weighing 1, 1, 2, 4; E has two, E.1 with a veto at 0. D is 3/4 of
    # the overall weight.
    return Tree(
        [
            Node("D", None, 3),
            Node("E", None, 1),
            Node("D.1", "D", 1, rule=SCORE),
            Node("D.2", "D", 1, rule=SCORE),
            Node("D.3", "D", 2, rule=SCORE),
            Node("D.4", "D", 4, rule=SCORE),
            Node("E.1", "E", 1, rule=SCORE, veto_at=0.0),
            Node("E.2", "E", 1, rule=SCORE),
        ],
        levels,
    )


TREE = small_tree()


def mask(tree: Tree, rows: int, cells: dict[int, tuple[str, ...]]) -> np.ndarray:
    """(rows, leaves) exemption mask: row -> exempt leaf codes."""
    out = np.zeros((rows, len(tree.leaf_codes)), dtype=bool)
    for row, codes in cells.items():
        for code in codes:
            out[row, tree.leaf_codes.index(code)] = True
    return out


def test_exempting_one_leaf_renormalises_its_parent_exactly() -> None:
    raw = [[20, 40, 70, 90, 80, 60]]
    plain = compute(TREE, raw)
    assert plain.score("D")[0] == (20 + 40 + 2 * 70 + 4 * 90) / 8  # 70
    out = compute(TREE, raw, exempt=mask(TREE, 1, {0: ("D.4",)}))
    assert out.score("D")[0] == 50.0  # (20 + 40 + 2 * 70) / 4: D.4's weight is gone
    assert out.overall[0] == 55.0  # (3 * 50 + 70) / 4
    assert np.isnan(out.score("D.4")[0])
    assert out.flag("D.4")[0] == Flag.EXEMPT
    assert out.flag("D")[0] == Flag.EXEMPT  # complete: neither PARTIAL nor MISSING
    assert out.flag()[0] == Flag.EXEMPT
    assert out.flag("E")[0] == Flag.NONE
    assert np.isnan(out.rank("D.4")[0]) and out.rank()[0] == 1
    assert np.isnan(out.rule_scores[0, TREE.leaf_codes.index("D.4")])


def test_coverage_is_measured_against_the_non_exempt_siblings() -> None:
    options = Options(min_coverage=0.75)
    exempt = mask(TREE, 2, {0: ("D.4",), 1: ("D.4",)})
    # Row 0: D.1 missing: 3 of the 4 non-exempt weight present (0.75): enough.
    # Row 1: D.3 missing: 2 of 4 present (0.5): D is missing.
    raw = [[NAN, 40, 70, 90, 80, 60], [20, 40, NAN, 90, 80, 60]]
    out = compute(TREE, raw, options=options, exempt=exempt)
    assert out.score("D")[0] == 60.0  # (40 + 2 * 70) / 3
    assert out.flag("D")[0] == Flag.PARTIAL | Flag.EXEMPT
    assert np.isnan(out.score("D")[1])
    assert out.flag("D")[1] == Flag.MISSING | Flag.EXEMPT
    # D is missing, not exempt, so it still counts against the overall's coverage.
    assert np.isnan(out.overall[1])
    assert out.flag()[1] & Flag.MISSING
    # Had D.4 merely been missing, row 0 would carry 3 of 8: below coverage.
    missing = compute(TREE, [[NAN, 40, 70, NAN, 80, 60]], options=options)
    assert np.isnan(missing.score("D")[0])


def test_an_exempt_cell_is_not_missing_even_under_imputation() -> None:
    # One peer group; row 0 is exempt from D.1 (its raw 100 ignored), row 1 lacks D.1.
    raw = [
        [100, 40, 70, 90, 80, 60],
        [NAN, 40, 70, 90, 80, 60],
        [10, 40, 70, 90, 80, 60],
        [30, 40, 70, 90, 80, 60],
    ]
    out = compute(TREE, raw, options=Options(missing="impute"), exempt=mask(TREE, 4, {0: ("D.1",)}))
    assert np.isnan(out.score("D.1")[0])
    assert out.flag("D.1")[0] == Flag.EXEMPT
    assert out.flag("D.1")[1] == Flag.IMPUTED
    assert out.score("D.1")[1] == 20.0  # mean of 10 and 30: the exempt 100 is not a peer value
    assert out.score("D")[0] == (40 + 2 * 70 + 4 * 90) / 7
    assert out.flag("D")[0] == Flag.EXEMPT


def test_an_exempt_value_is_absent_from_the_peer_statistics() -> None:
    # Peer-relative scoring of everyone else is what it would be had the value been missing.
    tree = build_default_tree()
    levels = level_labels(60)
    raw = synthetic_raw(tree, levels, seed=2, missing=0.0)
    j = tree.leaf_codes.index("DS.2.3")  # a peer-percentile leaf
    blank = raw.copy()
    blank[5, j] = NAN
    exempt = np.zeros(raw.shape, dtype=bool)
    exempt[5, j] = True
    others = np.arange(60) != 5
    for opts in (Options(), Options(normalisation="minmax", outliers=True)):
        out = compute(tree, raw, levels, opts, exempt=exempt)
        ref = compute(tree, blank, levels, opts)
        np.testing.assert_array_equal(out.scores[others], ref.scores[others])
        assert not np.array_equal(
            out.leaf_scores[:, j], compute(tree, raw, levels, opts).leaf_scores[:, j]
        )


def test_all_children_exempt_makes_the_parent_exempt() -> None:
    raw = [[20, 40, 70, 90, 80, 60]]
    out = compute(TREE, raw, exempt=mask(TREE, 1, {0: ("E.1", "E.2")}))
    assert np.isnan(out.score("E")[0])
    assert out.flag("E")[0] == Flag.EXEMPT  # not MISSING
    assert out.overall[0] == 70.0  # D alone, complete: E left the overall as well
    assert out.flag()[0] == Flag.EXEMPT
    assert np.isnan(out.rank("E")[0]) and out.rank()[0] == 1


def test_everything_exempt_leaves_no_score_but_nothing_missing() -> None:
    out = compute(TREE, [[20, 40, 70, 90, 80, 60]], exempt=np.ones((1, 6), dtype=bool))
    assert np.isnan(out.scores).all()
    assert (out.flags == Flag.EXEMPT).all()
    assert np.isnan(out.rank()[0])


def test_an_exempt_veto_child_never_vetoes() -> None:
    raw = [[20, 40, 70, 90, 0, 60]]
    assert compute(TREE, raw).score("E")[0] == 0.0  # E.1 at 0 vetoes E
    out = compute(TREE, raw, exempt=mask(TREE, 1, {0: ("E.1",)}))
    assert out.score("E")[0] == 60.0
    assert out.flag("E")[0] == Flag.EXEMPT


def test_penalties_on_an_exempt_cell_are_ignored() -> None:
    raw = [[20, 40, 70, 90, 80, 60]]
    exempt = mask(TREE, 1, {0: ("D.4",)})
    penalties = np.full((1, 6), NAN)
    penalties[0, TREE.leaf_codes.index("D.4")] = 0.0
    out = compute(TREE, raw, exempt=exempt, penalties=penalties)
    ref = compute(TREE, raw, exempt=exempt)
    np.testing.assert_array_equal(out.scores, ref.scores)
    np.testing.assert_array_equal(out.flags, ref.flags)
    assert not (out.flags & Flag.OVERSTATED).any()
    # A penalty elsewhere in the same row still applies.
    penalties[0, TREE.leaf_codes.index("D.1")] = 0.5
    out = compute(TREE, raw, exempt=exempt, penalties=penalties)
    assert out.score("D.1")[0] == 10.0
    assert out.flag("D.1")[0] == Flag.OVERSTATED
    assert out.flag("D")[0] == Flag.OVERSTATED | Flag.EXEMPT


def test_gates_on_exempt_nodes_are_waived() -> None:
    levels = (Level("L1", 0), Level("L2", 50, min_area=40, leaf_gates=(LeafGate("D.1", 80),)))
    tree = small_tree(levels)
    raw = [[10, 100, 100, 100, 100, 100], [10, 10, 10, 10, 100, 100]]
    plain = compute(tree, raw).levels
    assert plain is not None
    assert [plain.code(0), plain.code(1)] == ["L1", "L1"]  # D.1 < 80; area D < 40 as well
    exempt = mask(tree, 2, {0: ("D.1",), 1: ("D.1", "D.2", "D.3", "D.4")})
    out = compute(tree, raw, exempt=exempt)
    assert out.levels is not None
    assert out.overall.tolist() == [100.0, 100.0]
    assert [out.levels.code(0), out.levels.code(1)] == ["L2", "L2"]
    assert out.levels.held_back(0) == () and out.levels.held_back(1) == ()
    # An exempt cell does not hold anyone else back, nor does it pass a gate for them.
    raw.append([10, 100, 100, 100, 100, 100])
    exempt = np.vstack([exempt, np.zeros((1, 6), dtype=bool)])
    out = compute(tree, raw, exempt=exempt)
    assert out.levels is not None and out.levels.code(2) == "L1"


# -- the default path and validation -------------------------------------------------------

DEFAULT = build_default_tree()
PEERS = level_labels(120)
RAW = synthetic_raw(DEFAULT, PEERS, seed=7)


def national_like_exemptions(seed: int = 0) -> np.ndarray:
    """Scattered cells, plus a whole dimension for unit 10 and a whole area for unit 20."""
    exempt = np.zeros(RAW.shape, dtype=bool)
    exempt.flat[np.random.default_rng(seed).choice(exempt.size, 40, replace=False)] = True
    for row, prefix in ((10, "DS.1."), (20, "BL.")):
        exempt[row] |= np.array([c.startswith(prefix) for c in DEFAULT.leaf_codes])
    return exempt


def same_outcome(a, b) -> None:
    for field in ("scores", "rule_scores", "flags"):
        x, y = getattr(a, field), getattr(b, field)
        assert x.dtype == y.dtype and x.tobytes() == y.tobytes(), field
    assert a.ranks.keys() == b.ranks.keys()
    for name in a.ranks:
        assert a.ranks[name].tobytes() == b.ranks[name].tobytes(), name
    assert a.levels.index.tobytes() == b.levels.index.tobytes()
    assert a.outliers == b.outliers


@pytest.mark.parametrize(
    "opts",
    [
        Options(),
        Options(normalisation="minmax", outliers=True, missing="impute"),
        Options(normalisation="zscore", aggregation="geometric", min_coverage=0.9),
    ],
)
def test_none_or_nothing_exempt_gives_todays_results(opts: Options) -> None:
    penalties = np.full(RAW.shape, NAN)
    penalties[3, 0] = 0.0
    kwargs = {"rank_groups": {"all": np.zeros(120, int)}, "penalties": penalties}
    today = compute(DEFAULT, RAW, PEERS, opts, **kwargs)
    same_outcome(compute(DEFAULT, RAW, PEERS, opts, exempt=None, **kwargs), today)
    nobody = np.zeros(RAW.shape, dtype=bool)
    same_outcome(compute(DEFAULT, RAW, PEERS, opts, exempt=nobody, **kwargs), today)


def test_sensitivity_without_exemptions_is_unchanged() -> None:
    opts = Options(sensitivity_draws=30)
    a = sensitivity(DEFAULT, RAW, PEERS, opts)
    b = sensitivity(DEFAULT, RAW, PEERS, opts, exempt=None)
    c = sensitivity(DEFAULT, RAW, PEERS, opts, exempt=np.zeros(RAW.shape, dtype=bool))
    for field in ("point", "low", "median", "high"):
        np.testing.assert_array_equal(getattr(b, field), getattr(a, field))
        np.testing.assert_array_equal(getattr(c, field), getattr(a, field))


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (np.zeros((120, 3), dtype=bool), r"exempt must have shape \(120, 43\)"),
        (np.zeros((43,), dtype=bool), r"exempt must have shape"),
        (np.zeros((120, 43), dtype=int), r"exempt must be a boolean array, got dtype int"),
        (np.zeros((120, 43)), r"exempt must be a boolean array, got dtype float64"),
        ([[True], [False, True]], r"exempt must be a boolean array"),
    ],
)
def test_bad_exemptions_are_refused(bad: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compute(DEFAULT, RAW, PEERS, exempt=bad)
    with pytest.raises(ValueError, match=message):
        sensitivity(DEFAULT, RAW, PEERS, Options(sensitivity_draws=2), exempt=bad)


def test_flags_on_the_default_tree() -> None:
    exempt = national_like_exemptions()
    out = compute(DEFAULT, RAW, PEERS, exempt=exempt)
    leaf_flags = out.flags[:, DEFAULT.leaf_columns]
    np.testing.assert_array_equal((leaf_flags & Flag.EXEMPT) != 0, exempt)
    assert not (leaf_flags[exempt] & ~Flag.EXEMPT).any()  # EXEMPT alone
    assert np.isnan(out.leaf_scores[exempt]).all()
    assert np.isnan(out.score("DS.1")[10]) and out.flag("DS.1")[10] == Flag.EXEMPT
    assert np.isnan(out.score("BL")[20]) and out.flag("BL")[20] == Flag.EXEMPT
    assert out.flag("DS")[10] & Flag.EXEMPT and out.flag()[20] & Flag.EXEMPT
    assert not out.flag("SV")[10] & Flag.EXEMPT
    # The exemptions make no overall score missing (unit 20 is scored on three areas).
    plain = compute(DEFAULT, RAW, PEERS)
    np.testing.assert_array_equal(np.isnan(out.overall), np.isnan(plain.overall))
    # Rows without an exempt cell carry no EXEMPT flag anywhere.
    untouched = ~exempt.any(axis=1)
    assert not (out.flags[untouched] & Flag.EXEMPT).any()


@pytest.mark.parametrize(
    "opts",
    [
        Options(sensitivity_draws=20, sensitivity_epsilon=0.0),
        Options(
            sensitivity_draws=20,
            sensitivity_epsilon=0.0,
            normalisation="minmax",
            outliers=True,
            missing="impute",
        ),
        Options(
            sensitivity_draws=20,
            sensitivity_epsilon=0.0,
            aggregation="geometric",
            min_coverage=0.8,
        ),
    ],
)
@pytest.mark.parametrize("node", [OVERALL, "DS", "BL"])
def test_zero_epsilon_sensitivity_reproduces_the_point_ranks(opts: Options, node: str) -> None:
    exempt = national_like_exemptions()
    penalties = np.full(RAW.shape, NAN)
    penalties[:5, 1] = 0.0
    point = compute(DEFAULT, RAW, PEERS, opts, exempt=exempt, penalties=penalties).rank(node)
    out = sensitivity(DEFAULT, RAW, PEERS, opts, node=node, exempt=exempt, penalties=penalties)
    np.testing.assert_array_equal(out.point, point)
    for field in ("low", "median", "high"):
        np.testing.assert_array_equal(getattr(out, field), point)
    # The exemptions are threaded through: without them some rank differs.
    assert not np.array_equal(
        compute(DEFAULT, RAW, PEERS, opts, penalties=penalties).rank(node), point
    )


# -- property: exempting a leaf for everyone is deleting it from the tree -------------------


def without(codes: set[str]) -> Tree:
    """``test_properties``' tree with these leaves deleted (and any area left empty)."""
    full = make_tree()
    kept = [n for n in full.nodes if n.code not in codes]
    parents = {n.parent for n in kept}
    return Tree(n for n in kept if n.rule is not None or n.code in parents)


@settings(max_examples=150, deadline=None)
@given(rounds(), options, st.sets(st.sampled_from([code for code, _, _ in LEAVES]), min_size=1))
def test_exempting_leaves_for_everyone_equals_deleting_them(
    data: tuple, opts: Options, gone: set[str]
) -> None:
    assume(len(gone) < len(LEAVES))
    raw, groups = data
    full = make_tree()
    exempt = np.zeros(raw.shape, dtype=bool)
    exempt[:, [full.leaf_codes.index(c) for c in gone]] = True
    out = compute(full, raw, groups, opts, exempt=exempt)
    smaller = without(gone)
    ref = compute(
        smaller, raw[:, [full.leaf_codes.index(c) for c in smaller.leaf_codes]], groups, opts
    )
    for code in smaller.columns:
        np.testing.assert_allclose(out.score(code), ref.score(code), rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(out.flag(code) & ~Flag.EXEMPT, ref.flag(code))
    for code in full.columns:
        if code not in smaller.columns:  # a deleted leaf or area: exempt for everyone
            assert np.isnan(out.score(code)).all()
            assert (out.flag(code) == Flag.EXEMPT).all()


@settings(max_examples=100, deadline=None)
@given(rounds(), options, st.data())
def test_exempt_cells_are_never_missing_or_imputed(data: tuple, opts: Options, pick) -> None:
    raw, groups = data
    exempt = np.array(
        pick.draw(st.lists(st.booleans(), min_size=raw.size, max_size=raw.size))
    ).reshape(raw.shape)
    out = compute(make_tree(), raw, groups, opts, exempt=exempt)
    leaf_flags = out.flags[:, out.tree.leaf_columns]
    assert (leaf_flags[exempt] == Flag.EXEMPT).all()
    assert np.isnan(out.leaf_scores[exempt]).all()
    # An aggregate with no score is either missing or exempt, never both unflagged.
    gone = np.isnan(out.scores)
    assert ((out.flags[gone] & (Flag.MISSING | Flag.EXEMPT)) != 0).all()
    present = out.scores[~gone]
    assert ((present >= 0) & (present <= 100)).all()
