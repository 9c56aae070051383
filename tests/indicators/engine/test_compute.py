"""The ``compute`` entry point: shapes, rankings per node and grouping, input checks."""

from __future__ import annotations

import numpy as np
import pytest

from indicators.engine import OVERALL, PEER, Flag, Options, compute
from tests.indicators.engine.default_tree import build_default_tree
from tests.indicators.engine.synthetic import level_labels, synthetic_raw

TREE = build_default_tree()
LEVELS = level_labels(120)
RAW = synthetic_raw(TREE, LEVELS, seed=2)


def test_outcome_shapes_and_columns() -> None:
    out = compute(TREE, RAW, LEVELS)
    n, width = RAW.shape[0], len(TREE.columns)
    assert out.scores.shape == out.flags.shape == (n, width)
    assert out.rule_scores.shape == RAW.shape
    assert out.ranks[PEER].shape == (n, width)
    assert out.columns[-1] == OVERALL
    assert out.levels is not None
    assert out.levels.index.shape == (n,)
    np.testing.assert_array_equal(out.leaf_scores, out.rule_scores)  # "rules" normalisation


def test_every_node_is_ranked_within_peer_groups() -> None:
    out = compute(TREE, RAW, LEVELS)
    for code in ("DS", "DS.1", "DS.1.1", OVERALL):
        ranks = out.rank(code)
        for label in np.unique(LEVELS):
            members = (label == LEVELS) & ~np.isnan(ranks)
            assert ranks[members].min() == 1
            assert ranks[members].max() <= members.sum()


def test_extra_rank_groupings() -> None:
    parent = np.arange(RAW.shape[0]) % 4 + 10 * LEVELS  # e.g. (level, parent region)
    out = compute(TREE, RAW, LEVELS, rank_groups={"parent": parent})
    assert set(out.ranks) == {PEER, "parent"}
    assert np.nanmax(out.rank(grouping="parent")) < np.nanmax(out.rank())
    with pytest.raises(ValueError, match="reserved"):
        compute(TREE, RAW, LEVELS, rank_groups={PEER: parent})


def test_peer_groups_matter_only_where_relative() -> None:
    alone = compute(TREE, RAW)  # everyone in one group
    grouped = compute(TREE, RAW, LEVELS)
    relative = [TREE.leaf_codes.index(c) for c in ("DS.2.3", "BL.2.2")]
    absolute = [j for j in range(len(TREE.leaf_codes)) if j not in relative]
    np.testing.assert_array_equal(alone.leaf_scores[:, absolute], grouped.leaf_scores[:, absolute])
    assert not np.allclose(
        alone.leaf_scores[:, relative], grouped.leaf_scores[:, relative], equal_nan=True
    )


def test_normalisation_replaces_only_continuous_leaves() -> None:
    out = compute(TREE, RAW, LEVELS, Options(normalisation="minmax"))
    rubric = TREE.leaf_codes.index("DS.5.1")
    goalposts = TREE.leaf_codes.index("DS.1.1")
    np.testing.assert_array_equal(out.leaf_scores[:, rubric], out.rule_scores[:, rubric])
    assert (LEVELS == 0).sum() == 1  # a lone province: nothing to compare with
    assert out.leaf_scores[LEVELS == 0, goalposts].tolist() == [50]
    for label in (1, 2):
        col = out.leaf_scores[label == LEVELS, goalposts]
        assert np.nanmin(col) == 0
        assert np.nanmax(col) == 100


def test_missing_cells_are_flagged() -> None:
    out = compute(TREE, RAW, LEVELS)
    missing_leaf = np.isnan(RAW)
    leaf_flags = out.flags[:, TREE.leaf_columns]
    np.testing.assert_array_equal((leaf_flags & Flag.MISSING) != 0, missing_leaf)
    rows_with_gaps = missing_leaf.any(axis=1)
    overall_partial = (out.flag() & Flag.PARTIAL) != 0
    np.testing.assert_array_equal(overall_partial, rows_with_gaps)


def test_input_is_not_modified() -> None:
    raw = RAW.copy()
    compute(TREE, raw, LEVELS, Options(normalisation="minmax", outliers=True, missing="impute"))
    np.testing.assert_array_equal(raw, RAW)


@pytest.mark.parametrize(
    ("raw", "groups", "message"),
    [
        (np.zeros((3, 5)), None, "matrix in tree.leaf_codes order"),
        (np.full((3, 43), np.inf), None, "finite or NaN"),
        (np.zeros((3, 43)), [0, 1], "shape"),
        (np.zeros((3, 43)), [0.5, 1, 2], "integers"),
    ],
)
def test_bad_input_is_rejected(raw: np.ndarray, groups: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compute(TREE, raw, groups)


def test_empty_round() -> None:
    out = compute(TREE, np.empty((0, 43)))
    assert out.scores.shape == (0, len(TREE.columns))
