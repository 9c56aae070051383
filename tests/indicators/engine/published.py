"""Readers for the published indices in tests/data/validation (see each folder's SOURCE.md),
and flat engine trees for them: every published component is a top-level leaf scored
``Goalposts(0, 1)``, i.e. the published 0-1 value times 100 on the engine's 0-100 scale.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np

from indicators.engine import Goalposts, Level, Node, Tree

DATA = Path(__file__).resolve().parents[2] / "data" / "validation"
UNIT = Goalposts(0, 1)  # published 0-1 value -> engine score 0-100


def flat_tree(
    weights: dict[str, float], veto: dict[str, float] | None = None, levels: tuple = ()
) -> Tree:
    veto = veto or {}
    return Tree(
        [
            Node(code, None, w, order=i, rule=UNIT, veto_at=veto.get(code))
            for i, (code, w) in enumerate(weights.items())
        ],
        levels,
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:  # the OECD files carry a BOM
        return list(csv.DictReader(f))


def number(text: str) -> float:
    return float(text) if text.strip() else np.nan


def read_long(path: Path) -> dict[str, dict[str, float]]:
    """OECD long format (cc_iso3c, ref_year, variable, value) -> country -> variable -> value."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for row in read_csv(path):
        out[row["cc_iso3c"]][row["variable"]] = float(row["value"])
    return dict(out)


GTMI_GROUPS = (Level("D", 0), Level("C", 25), Level("B", 50), Level("A", 75))
