"""Per-cell flags: why a score is missing, estimated or altered.

Every cell of the (row, node) score matrix carries a bitmask so that a page can show, next to
a number, whether it rests on complete data. The values are part of the stored contract
(the Django side may persist them), so never renumber them.
"""

from __future__ import annotations

import enum

import numpy as np


class Flag(enum.IntFlag):
    NONE = 0
    #: No score: the raw value is missing (leaf) or too little child weight is present
    #: (aggregate, below the minimum coverage).
    MISSING = 1
    #: Leaf: the raw value was missing and the score is the peer-group mean.
    #: Aggregate: at least one leaf below it was imputed.
    IMPUTED = 2
    #: Aggregate computed although at least one leaf below it has no score.
    PARTIAL = 4
    #: Leaf: the raw value was winsorised before peer-relative normalisation.
    OUTLIER_TREATED = 8
    #: Leaf: the whole indicator (within the peer group) was log-transformed before
    #: peer-relative normalisation because winsorisation could not fix its distribution.
    LOG_TRANSFORMED = 16
    #: Aggregate forced to 0 because a child with a veto threshold scored at or below it.
    VETOED = 32
    #: Leaf: the score was reduced (or set to 0) because the region's own value overstated
    #: the verified one beyond the round's tolerance (虚报). Aggregate: a leaf below it was.
    OVERSTATED = 64
    #: Leaf: the region is exempt from this indicator (an accepted appeal, 申诉豁免): the
    #: indicator does not exist for the region, so the cell has no score and is neither
    #: MISSING nor imputed. Aggregate: at least one leaf below it was exempt; an aggregate
    #: whose children are all exempt is itself exempt (no score, not MISSING).
    EXEMPT = 128


#: dtype of flag arrays; all flags fit in 8 bits (EXEMPT = 128 takes the last one).
FLAG_DTYPE = np.uint8


def describe_flags(value: int) -> tuple[str, ...]:
    """Names of the flags set in ``value`` (e.g. for logs and tests)."""
    return tuple(f.name for f in Flag if f and value & f and f.name)
