"""Scoring engine: pure Python + NumPy, no Django.

Build a ``Tree`` of ``Node``s (with leaf ``rules`` and maturity ``Level``s), then call
``compute(tree, raw, peer_groups, options)`` for scores, flags, ranks and levels, and
``sensitivity(...)`` for Monte Carlo rank intervals. ``docs/METHODOLOGY.md`` explains the
method in plain words.
"""

from __future__ import annotations

from indicators.engine.compute import PEER, Outcome, compute
from indicators.engine.describe import describe
from indicators.engine.flags import FLAG_DTYPE, Flag, describe_flags
from indicators.engine.groups import Groups
from indicators.engine.levels import (
    GateFailure,
    LeafGate,
    Level,
    LevelResult,
    assign_levels,
)
from indicators.engine.normalise import METHODS, normalise
from indicators.engine.options import Options
from indicators.engine.outliers import OutlierRecord, skew_kurt
from indicators.engine.ranking import rank_desc
from indicators.engine.rounding import round_score, scaled_round
from indicators.engine.rules import (
    Bands,
    Goalposts,
    PeerPercentile,
    Rubric,
    Rule,
    YesNo,
    rule_from_dict,
)
from indicators.engine.sensitivity import RankIntervals, sensitivity
from indicators.engine.tree import OVERALL, Node, Tree, TreeError

__all__ = [
    "FLAG_DTYPE",
    "METHODS",
    "OVERALL",
    "PEER",
    "Bands",
    "Flag",
    "GateFailure",
    "Goalposts",
    "Groups",
    "LeafGate",
    "Level",
    "LevelResult",
    "Node",
    "Options",
    "Outcome",
    "OutlierRecord",
    "PeerPercentile",
    "RankIntervals",
    "Rubric",
    "Rule",
    "Tree",
    "TreeError",
    "YesNo",
    "assign_levels",
    "compute",
    "describe",
    "describe_flags",
    "normalise",
    "rank_desc",
    "round_score",
    "rule_from_dict",
    "scaled_round",
    "sensitivity",
    "skew_kurt",
]
