"""The entry point: ``compute(tree, raw, peer_groups, options) -> Outcome``.

One call per round: raw values in, every score, flag, rank and maturity level out, as dense
arrays the Django side writes in bulk.

Exemptions (申诉豁免): an accepted appeal may exempt a region from an indicator (a leaf) in a
round; ``exempt`` marks those (unit, leaf) cells. The leaf is taken out of that region's
score entirely, as if the indicator did not exist for it:

* the cell has no score (NaN) and is flagged ``EXEMPT``, not ``MISSING``; it is never
  imputed and never penalised, and its rule score (what the gates read) is NaN;
* its raw value is ignored, for the peer statistics too: it is treated as absent when
  other regions' peer percentiles, peer-relative normalisation, outlier treatment and
  imputation means are worked out, because the appeal found it wrong or not applicable
  (so exempting a cell can move other regions' scores under peer-relative scoring,
  exactly as a missing value would);
* each parent is the weighted mean over its non-exempt children, and coverage is the
  present weight over the non-exempt sibling weight: exempting one of four children
  leaves the parent complete (not ``PARTIAL``) over the other three, weights
  renormalised. A parent with every child exempt is exempt itself (NaN, ``EXEMPT``, not
  ``MISSING``) and leaves its own parent likewise; every ancestor of an exempt leaf is
  flagged ``EXEMPT``. An exempt child never vetoes. So on complete data exemptions never
  leave an aggregate (or the overall score) without a score unless every leaf below it is
  exempt; where siblings are missing too, coverage is judged on the non-exempt weight;
* an exempt cell is unranked at its own node; a maturity gate on an exempt leaf (or a
  wholly exempt area) is waived for the region and does not hold it back.

``exempt=None`` (or no cell exempt) gives exactly the results of a round without appeals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from indicators.engine import leaves
from indicators.engine.aggregate import aggregate, exempt_nodes
from indicators.engine.groups import Groups
from indicators.engine.levels import LevelResult, assign_levels
from indicators.engine.options import Options
from indicators.engine.outliers import OutlierRecord
from indicators.engine.ranking import rank_desc
from indicators.engine.tree import OVERALL, Tree

#: Name of the default ranking grouping (the peer groups) in ``Outcome.ranks``.
PEER = "peer"


@dataclass(frozen=True, eq=False)
class Outcome:
    """Everything one round produces. Matrices are (units, columns) in ``tree.columns`` order
    (every node in pre-order, leaves included, ``OVERALL`` last).

    scores: leaf columns hold the score used for aggregation (rule or normalised, imputed
        where flagged); aggregates are NaN when missing. Exempt cells are NaN.
    rule_scores: (units, leaves) each leaf by its own rule, whatever the normalisation; the
        maturity gates use these (a gate is an absolute requirement). NaN where exempt.
    flags: ``Flag`` bitmask per cell.
    ranks: grouping name -> ranks per cell (float, NaN = unranked), on the score rounded to
        ``options.precision``, descending, ties share the best rank.
    levels: maturity levels (None when the tree defines none).
    outliers: one record per treated (indicator, peer group).
    """

    tree: Tree
    options: Options
    scores: np.ndarray
    rule_scores: np.ndarray
    flags: np.ndarray
    ranks: Mapping[str, np.ndarray]
    levels: LevelResult | None
    outliers: tuple[OutlierRecord, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.tree.columns

    @property
    def overall(self) -> np.ndarray:
        return self.scores[:, -1]

    @property
    def leaf_scores(self) -> np.ndarray:
        return self.scores[:, self.tree.leaf_columns]

    def score(self, code: str = OVERALL) -> np.ndarray:
        return self.scores[:, self.tree.column(code)]

    def flag(self, code: str = OVERALL) -> np.ndarray:
        return self.flags[:, self.tree.column(code)]

    def rank(self, code: str = OVERALL, grouping: str = PEER) -> np.ndarray:
        return self.ranks[grouping][:, self.tree.column(code)]


def compute(
    tree: Tree,
    raw: object,
    peer_groups: object | None = None,
    options: Options | None = None,
    *,
    rank_groups: Mapping[str, object] | None = None,
    penalties: object | None = None,
    exempt: object | None = None,
) -> Outcome:
    """Score a round.

    raw: (units, leaves) raw values in ``tree.leaf_codes`` order, NaN = missing.
    peer_groups: integer label per unit (e.g. 0 province, 1 city, 2 county); peer
        percentiles, peer-relative normalisation, imputation and the default ranking are
        computed within these groups. ``None``: all units are peers.
    rank_groups: extra rankings, name -> integer labels per unit (e.g. ``{"parent": ...}``
        with one label per (level, parent region)); the peer ranking is always included
        under ``"peer"``.
    penalties: (units, leaves) multipliers in [0, 1] applied to leaf scores after scoring
        (1 or NaN: none), e.g. 0 for an overstated value (虚报); such leaves are flagged
        ``OVERSTATED`` and their rule scores, which the maturity gates read, reduced alike.
    exempt: (units, leaves) boolean array in ``tree.leaf_codes`` order, True where an
        accepted appeal exempts the region from the indicator (申诉豁免): see the module
        docstring. None: nobody is exempt.
    """
    options = options or Options()
    raw_arr = leaves.check_raw(tree, raw)
    n = raw_arr.shape[0]
    excused = leaves.check_exempt(tree, exempt, n)
    leaves.withhold(raw_arr, excused)
    groups = Groups.of(peer_groups, n)
    prep = leaves.prepare(tree, raw_arr, groups, options, (options.normalisation,))
    leaf_scores, leaf_flags = leaves.score(prep, groups, options.normalisation, options, excused)
    factors = leaves.check_penalties(tree, penalties, n, excused)
    leaves.penalise(leaf_scores, leaf_flags, factors)
    rule_scores = prep.rule_scores.copy()
    leaves.penalise(rule_scores, None, factors)
    node_exempt = exempt_nodes(tree, excused)
    scores, flags = aggregate(
        tree,
        leaf_scores,
        leaf_flags,
        geometric=options.aggregation == "geometric",
        min_coverage=options.min_coverage,
        exempt=node_exempt,
    )
    by_column = np.ascontiguousarray(scores.T)  # rank along the unit axis, all nodes at once
    groupings: dict[str, Groups] = {PEER: groups}
    for name, labels in (rank_groups or {}).items():
        if name == PEER:
            raise ValueError(f"rank grouping name {PEER!r} is reserved for the peer groups")
        groupings[name] = Groups.of(labels, n)
    ranks = {name: rank_desc(by_column, g, options.precision).T for name, g in groupings.items()}
    levels = None
    if tree.levels:
        gate_leaves = {g.code for level in tree.levels for g in level.leaf_gates}
        levels = assign_levels(
            tree.levels,
            scores[:, -1],
            {a: scores[:, tree.column(a)] for a in tree.area_codes},
            # Rule scores come from the raw values, so a missing (even if imputed) leaf is
            # NaN here and fails its gate: a gate needs evidence.
            {
                code: rule_scores[:, j]
                for j, code in enumerate(tree.leaf_codes)
                if code in gate_leaves
            },
            options.precision,
            exempt=None if node_exempt is None else _gate_exemptions(tree, node_exempt),
        )
    return Outcome(
        tree=tree,
        options=options,
        scores=scores,
        rule_scores=rule_scores,
        flags=flags,
        ranks=ranks,
        levels=levels,
        outliers=prep.records,
    )


def _gate_exemptions(tree: Tree, node_exempt: np.ndarray) -> dict[str, np.ndarray]:
    """Area and gated-leaf code -> (n,) mask of the units exempt from it (some unit is)."""
    gated = {g.code for level in tree.levels for g in level.leaf_gates}
    codes = [*tree.area_codes, *(c for c in tree.leaf_codes if c in gated)]
    masks = {code: node_exempt[:, tree.column(code)] for code in codes}
    return {code: mask for code, mask in masks.items() if mask.any()}
