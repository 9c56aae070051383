"""Maturity levels: ordered score bands plus gates.

A unit gets the *highest* level whose band (overall score >= the level's minimum) and gate
it both satisfy, so a strong area cannot hide a weak one: a region with 92 overall but an
area at 70 is held below L5. Gates are cumulative, because maturity is a staircase: a
level's gate includes the gates of every level below it, so a region that fails L4's
"DS.3.1 >= 80" cannot reach L5 either, even though L5's own gate does not repeat it.
Gates:

* ``min_area``: no top-level area may score below this;
* ``leaf_gates``: named leaves must score at least a minimum (``100`` expresses "no
  incident" for an incident count scored 0 incidents = 100).

Everything is compared on scores rounded to the published precision (rounding.py), so the
level always agrees with the numbers printed on the page. A gate on a missing value fails
(the unit cannot demonstrate it), and a missing overall score gives no level (-1). A gate on
a node the unit is *exempt* from (an accepted appeal, 申诉豁免: an exempt leaf, or an area
whose leaves are all exempt) does not apply to that unit: the indicator does not exist for
it, so it neither passes nor fails and never holds the unit back (nor is it reported by
``held_back``).
The same mechanism expresses GTMI's A-D groups (levels without gates).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from indicators.engine.rounding import scaled_round


@dataclass(frozen=True)
class LeafGate:
    """The leaf ``code`` must score at least ``min_score`` (on its own rule)."""

    code: str
    min_score: float


@dataclass(frozen=True)
class Level:
    code: str
    min_score: float
    min_area: float | None = None
    leaf_gates: tuple[LeafGate, ...] = ()
    name: str = ""

    def conditions(self, area_codes: tuple[str, ...]) -> tuple[tuple[str, str, float], ...]:
        """The gate as (kind, node, required) triples: one per area, one per gated leaf."""
        out: list[tuple[str, str, float]] = []
        if self.min_area is not None:
            out.extend(("area", a, float(self.min_area)) for a in area_codes)
        out.extend(("leaf", g.code, float(g.min_score)) for g in self.leaf_gates)
        return tuple(out)


@dataclass(frozen=True)
class GateFailure:
    """One gate condition that held a unit below a level its score would reach."""

    level: str
    kind: str  # "area" or "leaf"
    node: str
    required: float
    actual: float  # NaN when the value is missing

    def describe(self, lang: str = "en", precision: int = 2) -> str:
        missing = np.isnan(self.actual)
        actual = f"{self.actual:.{precision}f}"
        if lang == "zh":
            what = "领域" if self.kind == "area" else "指标"
            if missing:
                return f"{self.level}：{what} {self.node} 缺少数据（要求 ≥ {self.required:g}）"
            return f"{self.level}：{what} {self.node} 得分 {actual} < {self.required:g}"
        what = "area" if self.kind == "area" else "leaf"
        if missing:
            return f"{self.level}: {what} {self.node} missing (needs >= {self.required:g})"
        return f"{self.level}: {what} {self.node} {actual} < {self.required:g}"


@dataclass(frozen=True, eq=False)
class LevelResult:
    """Per-row level assignment.

    ``index[i]`` is the level achieved (position in ``codes``; -1 = none), ``band[i]`` the
    level by score alone. ``failed[j]`` is a (n, conditions of level j) boolean matrix of
    level j's *own* gate conditions ``conditions[j]`` (inherited ones are reported at their
    own level); ``actual`` holds the compared values, rounded to ``precision``.
    """

    codes: tuple[str, ...]
    index: np.ndarray
    band: np.ndarray
    conditions: tuple[tuple[tuple[str, str, float], ...], ...]
    failed: tuple[np.ndarray, ...]
    actual: Mapping[tuple[str, str], np.ndarray]
    precision: int

    def code(self, row: int) -> str | None:
        i = int(self.index[row])
        return self.codes[i] if i >= 0 else None

    def held_back(self, row: int) -> tuple[GateFailure, ...]:
        """Gate conditions that kept ``row`` below its band level (empty if none).

        Each failing value is reported once, at the lowest level that requires it: an area
        at 45 is reported as "L3: area < 50", not again for L4 and L5.
        """
        out: list[GateFailure] = []
        seen: set[tuple[str, str]] = set()
        for j in range(int(self.index[row]) + 1, int(self.band[row]) + 1):
            for c, (kind, node, required) in enumerate(self.conditions[j]):
                if self.failed[j][row, c] and (kind, node) not in seen:
                    seen.add((kind, node))
                    value = float(self.actual[(kind, node)][row])
                    out.append(GateFailure(self.codes[j], kind, node, required, value))
        return tuple(out)

    def explain(self, row: int, lang: str = "en") -> str:
        """E.g. "held at L3 by L4: area BL 62.00 < 65" (empty when nothing held it back)."""
        failures = self.held_back(row)
        if not failures:
            return ""
        reasons = "; ".join(f.describe(lang, self.precision) for f in failures)
        held = self.code(row) or "-"
        if lang == "zh":
            return f"受门槛限制停留在 {held}：{reasons}"
        return f"held at {held} by {reasons}"


def assign_levels(
    levels: tuple[Level, ...],
    overall: np.ndarray,
    areas: Mapping[str, np.ndarray],
    leaves: Mapping[str, np.ndarray],
    precision: int,
    exempt: Mapping[str, np.ndarray] | None = None,
) -> LevelResult:
    """Vectorised level assignment; ``areas`` and ``leaves`` map codes to (n,) scores.

    ``exempt``: node code -> (n,) mask of the units exempt from that area or leaf, whose
    gate on it is waived (codes not in it: nobody is exempt).
    """
    n = overall.shape[0]
    q_overall = scaled_round(overall, precision)
    area_codes = tuple(areas)
    rounded = {
        (kind, code): scaled_round(values, precision)
        for kind, source in (("area", areas), ("leaf", leaves))
        for code, values in source.items()
    }
    ok = np.zeros((n, len(levels)), dtype=bool)
    band_ok = np.zeros((n, len(levels)), dtype=bool)
    gates_ok = np.ones(n, dtype=bool)  # this level's gate and every gate below it
    conditions = []
    failed = []
    for j, level in enumerate(levels):
        conds = level.conditions(area_codes)
        fails = np.zeros((n, len(conds)), dtype=bool)
        for c, (kind, node, required) in enumerate(conds):
            # NaN compares False, so a missing value fails the gate.
            fails[:, c] = ~(rounded[(kind, node)] >= scaled_round(required, precision))
            if exempt is not None and node in exempt:
                fails[:, c] &= ~exempt[node]
        conditions.append(conds)
        failed.append(fails)
        band_ok[:, j] = q_overall >= scaled_round(level.min_score, precision)
        gates_ok &= ~fails.any(axis=1)
        ok[:, j] = band_ok[:, j] & gates_ok
    return LevelResult(
        codes=tuple(level.code for level in levels),
        index=_highest(ok),
        band=_highest(band_ok),
        conditions=tuple(conditions),
        failed=tuple(failed),
        actual={key: q / 10.0**precision for key, q in rounded.items()},
        precision=precision,
    )


def _highest(mask: np.ndarray) -> np.ndarray:
    """Index of the last True per row, -1 when none."""
    if mask.shape[1] == 0:
        return np.full(mask.shape[0], -1, dtype=np.intp)
    last = mask.shape[1] - 1 - np.argmax(mask[:, ::-1], axis=1)
    return np.where(mask.any(axis=1), last, -1).astype(np.intp)
