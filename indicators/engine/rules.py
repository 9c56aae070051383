"""Leaf scoring rules: raw values -> 0-100 scores, one column at a time.

Each rule is a frozen dataclass with ``score(values, groups)`` vectorised over a column of
raw values (one per unit). Missing input (NaN) always gives a missing score (NaN). Invalid
input for categorical rules (a rubric level of 2.5, a yes/no of 3) raises ``ValueError``:
bad data must be fixed at entry, not silently scored.

``direction`` (+1 higher is better, -1 lower is better) and ``target`` tell peer-relative
normalisation (normalise.py) how to read the same raw column; ``continuous`` says whether a
round-level normalisation may replace the rule (categorical rubric and yes/no leaves keep
their own rule).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import numpy as np

from indicators.engine.groups import Groups, mid_percentile


def _as_column(values: object) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"a rule scores one column (1-D array), got shape {arr.shape}")
    return arr


def _finite(name: str, value: float) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class Goalposts:
    """Clamped linear score between a floor (0) and a target (100).

    Direction follows from the goalposts: ``floor > target`` means lower is better
    (response time 20 -> 5 days; incidents 2 -> 0, so 0 incidents = 100 and each costs 50).
    """

    floor: float
    target: float
    kind: ClassVar[str] = "goalposts"
    continuous: ClassVar[bool] = True

    def __post_init__(self) -> None:
        _finite("goalposts floor", self.floor)
        _finite("goalposts target", self.target)
        if self.floor == self.target:
            raise ValueError(f"goalposts floor and target must differ, both are {self.floor}")

    @property
    def direction(self) -> int:
        return 1 if self.target > self.floor else -1

    def score(self, values: object, groups: Groups | None = None) -> np.ndarray:
        x = _as_column(values)
        share = (x - self.floor) / (self.target - self.floor)
        return np.clip(share, 0.0, 1.0) * 100.0  # np.clip keeps NaN

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **asdict(self)}


@dataclass(frozen=True)
class Bands:
    """Step score: ``thresholds`` (strictly increasing) cut the raw scale into bands.

    ``scores[i]`` is the score of the i-th band counted from the lowest raw values, so
    ``len(scores) == len(thresholds) + 1``. Reaching a threshold counts as reaching the band
    on its *better* side: for higher-is-better a value equal to a threshold gets the band
    above it, for lower-is-better the band below it (``<= 5 days`` earns the top band).
    Scores must not get worse in the better direction.
    """

    thresholds: tuple[float, ...]
    scores: tuple[float, ...]
    higher_is_better: bool = True
    kind: ClassVar[str] = "bands"
    continuous: ClassVar[bool] = True

    def __post_init__(self) -> None:
        thr = tuple(_finite("band threshold", t) for t in self.thresholds)
        sc = tuple(_finite("band score", s) for s in self.scores)
        object.__setattr__(self, "thresholds", thr)
        object.__setattr__(self, "scores", sc)
        if not thr:
            raise ValueError("bands need at least one threshold")
        if any(b <= a for a, b in itertools.pairwise(thr)):
            raise ValueError(f"band thresholds must be strictly increasing, got {thr}")
        if len(sc) != len(thr) + 1:
            raise ValueError(
                f"bands need len(thresholds) + 1 = {len(thr) + 1} scores, got {len(sc)}"
            )
        if any(not 0 <= s <= 100 for s in sc):
            raise ValueError(f"band scores must lie in [0, 100], got {sc}")
        if len(set(sc)) == 1:
            raise ValueError(f"band scores must not all be equal, got {sc}")
        ascending = all(b >= a for a, b in itertools.pairwise(sc))
        descending = all(b <= a for a, b in itertools.pairwise(sc))
        if self.higher_is_better and not ascending:
            raise ValueError(f"higher-is-better band scores must not decrease, got {sc}")
        if not self.higher_is_better and not descending:
            raise ValueError(f"lower-is-better band scores must not increase, got {sc}")

    @property
    def direction(self) -> int:
        return 1 if self.higher_is_better else -1

    @property
    def target(self) -> float:
        """The raw value at which the top score is first reached."""
        top = max(self.scores)
        if self.higher_is_better:
            return self.thresholds[self.scores.index(top) - 1]
        last_top = len(self.scores) - 1 - self.scores[::-1].index(top)
        return self.thresholds[last_top]

    def score(self, values: object, groups: Groups | None = None) -> np.ndarray:
        x = _as_column(values)
        side = "right" if self.higher_is_better else "left"
        band = np.searchsorted(np.asarray(self.thresholds), x, side=side)
        out = np.asarray(self.scores)[band]
        return np.where(np.isnan(x), np.nan, out)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "thresholds": list(self.thresholds),
            "scores": list(self.scores),
            "higher_is_better": self.higher_is_better,
        }


def _check_levels(x: np.ndarray, allowed: int, what: str) -> np.ndarray:
    """Integer codes 0..allowed-1 (NaN allowed); anything else is a data error."""
    present = ~np.isnan(x)
    bad = present & ((x != np.round(x)) | (x < 0) | (x >= allowed))
    if bad.any():
        rows = np.flatnonzero(bad)[:5].tolist()
        raise ValueError(f"{what}: invalid values {x[bad][:5].tolist()} at rows {rows}")
    return present


@dataclass(frozen=True)
class Rubric:
    """Assessed level L0..Lk (raw value k) mapped to a score; default L0-L5 -> 0, 20 .. 100."""

    scores: tuple[float, ...] = (0.0, 20.0, 40.0, 60.0, 80.0, 100.0)
    kind: ClassVar[str] = "rubric"
    continuous: ClassVar[bool] = False
    direction: ClassVar[int] = 1

    def __post_init__(self) -> None:
        sc = tuple(_finite("rubric score", s) for s in self.scores)
        object.__setattr__(self, "scores", sc)
        if len(sc) < 2:
            raise ValueError("a rubric needs at least two levels")
        if any(not 0 <= s <= 100 for s in sc) or any(b < a for a, b in itertools.pairwise(sc)):
            raise ValueError(f"rubric scores must lie in [0, 100] and not decrease, got {sc}")

    @property
    def target(self) -> float:
        return float(len(self.scores) - 1)

    def score(self, values: object, groups: Groups | None = None) -> np.ndarray:
        x = _as_column(values)
        present = _check_levels(x, len(self.scores), "rubric level")
        idx = np.where(present, x, 0).astype(np.intp)
        return np.where(present, np.asarray(self.scores)[idx], np.nan)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "scores": list(self.scores)}


@dataclass(frozen=True)
class YesNo:
    """1 (yes) -> ``yes`` (100), 0 (no) -> ``no`` (0)."""

    yes: float = 100.0
    no: float = 0.0
    kind: ClassVar[str] = "yes_no"
    continuous: ClassVar[bool] = False
    direction: ClassVar[int] = 1
    target: ClassVar[float] = 1.0

    def __post_init__(self) -> None:
        for name in ("yes", "no"):
            if not 0 <= _finite(f"yes/no {name} score", getattr(self, name)) <= 100:
                raise ValueError(f"yes/no {name} score must lie in [0, 100]")
        if self.no > self.yes:
            raise ValueError("a yes must not score less than a no")

    def score(self, values: object, groups: Groups | None = None) -> np.ndarray:
        x = _as_column(values)
        present = _check_levels(x, 2, "yes/no value (1 or 0)")
        return np.where(present, np.where(x == 1, self.yes, self.no), np.nan)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "yes": self.yes, "no": self.no}


@dataclass(frozen=True)
class PeerPercentile:
    """Percentile among the unit's peer group (counts: large regions must not win on size).

    Score = share of the *other* members of the group that the unit beats, ties counting
    half: ``100 × (below + ½·(tied − 1)) / (members − 1)``. So the best scores 100, the worst
    0, tied units share a score, and a one-member group (or a group where everyone reports
    the same value) scores 50. Missing values are not members.
    """

    higher_is_better: bool = True
    kind: ClassVar[str] = "peer_percentile"
    continuous: ClassVar[bool] = True
    target: ClassVar[float] = math.nan  # no absolute target: relative by nature

    @property
    def direction(self) -> int:
        return 1 if self.higher_is_better else -1

    def score(self, values: object, groups: Groups | None = None) -> np.ndarray:
        x = _as_column(values)
        groups = groups if groups is not None else Groups.of(None, x.shape[0])
        return mid_percentile(x * self.direction, groups)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "higher_is_better": self.higher_is_better}


Rule = Goalposts | Bands | Rubric | YesNo | PeerPercentile

_KINDS: dict[str, type] = {
    cls.kind: cls for cls in (Goalposts, Bands, Rubric, YesNo, PeerPercentile)
}


def rule_from_dict(data: dict[str, Any]) -> Rule:
    """Inverse of ``rule.to_dict()`` (rules are stored as JSON by the Django app)."""
    data = dict(data)
    kind = data.pop("kind", None)
    cls = _KINDS.get(kind)  # type: ignore[arg-type]
    if cls is None:
        raise ValueError(f"unknown rule kind {kind!r}; expected one of {sorted(_KINDS)}")
    for key in ("thresholds", "scores"):
        if key in data:
            data[key] = tuple(data[key])
    try:
        return cls(**data)
    except TypeError as exc:
        raise ValueError(f"bad fields for rule {kind!r}: {exc}") from None
