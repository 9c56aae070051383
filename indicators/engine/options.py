"""Round-level methodology options, storable as JSON (``to_dict``/``from_dict``).

A round stores its options so that results can be recomputed and pages can print how they
were made (describe.py). Unknown keys are rejected on load: a typo must not silently fall
back to a default.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

from indicators.engine.normalise import METHODS
from indicators.engine.rounding import check_precision

NORMALISATIONS = ("rules", *METHODS)
MISSING_RULES = ("reweight", "impute")
AGGREGATIONS = ("arithmetic", "geometric")
LOG_SHIFTS = ("ct", "ct_orig")
#: Bumped when the meaning of a stored field changes.
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Options:
    """How a round turns raw values into scores, ranks and levels.

    normalisation: ``"rules"`` (each leaf's own rule: goalposts, bands, rubric, yes/no, peer
        percentile) or a peer-relative method from normalise.py for continuous leaves.
    missing: ``"reweight"`` (weighted mean over the children present, if they carry at least
        ``min_coverage`` of the sibling weight; else missing) or ``"impute"`` (missing leaf
        scores replaced by the peer-group mean, then as ``"reweight"`` for what is left).
    min_coverage: share of child weight that must be present for an aggregate (0..1).
    aggregation: weighted ``"arithmetic"`` mean or weighted ``"geometric"`` mean.
    outliers: winsorise / log-transform skewed indicators before ``minmax``/``zscore``.
    outlier_winmax, outlier_skew, outlier_kurt, outlier_log: COINr ``Treat()`` defaults.
    precision: decimals of the published score; ranks and levels use the rounded score.
    sensitivity_*: Monte Carlo rank intervals: number of draws, weight noise epsilon (each
        weight x U(1-eps, 1+eps)), seed, normalisation methods drawn at random per draw
        (empty: the round's own), and the reported quantiles of the rank.
    """

    normalisation: str = "rules"
    missing: str = "reweight"
    min_coverage: float = 0.5
    aggregation: str = "arithmetic"
    outliers: bool = False
    outlier_winmax: int = 5
    outlier_skew: float = 2.0
    outlier_kurt: float = 3.5
    outlier_log: str = "ct"
    precision: int = 2
    sensitivity_draws: int = 1000
    sensitivity_epsilon: float = 0.25
    sensitivity_seed: int = 0
    sensitivity_methods: tuple[str, ...] = ()
    sensitivity_interval: tuple[float, float] = (0.05, 0.95)

    def __post_init__(self) -> None:
        _one_of("normalisation", self.normalisation, NORMALISATIONS)
        _one_of("missing", self.missing, MISSING_RULES)
        _one_of("aggregation", self.aggregation, AGGREGATIONS)
        _one_of("outlier_log", self.outlier_log, LOG_SHIFTS)
        _number("min_coverage", self.min_coverage, 0.0, 1.0)
        _number("outlier_skew", self.outlier_skew, 0.0, math.inf)
        _number("outlier_kurt", self.outlier_kurt, -math.inf, math.inf)
        _number("sensitivity_epsilon", self.sensitivity_epsilon, 0.0, 1.0, upper_open=True)
        if type(self.outliers) is not bool:
            raise ValueError(f"outliers must be true or false, got {self.outliers!r}")
        _integer("outlier_winmax", self.outlier_winmax, 0)
        _integer("sensitivity_draws", self.sensitivity_draws, 1)
        _integer("sensitivity_seed", self.sensitivity_seed, 0)
        check_precision(self.precision)
        methods = tuple(self.sensitivity_methods)
        for m in methods:
            _one_of("sensitivity_methods item", m, NORMALISATIONS)
        if len(set(methods)) != len(methods):
            raise ValueError(f"sensitivity_methods has duplicates: {methods}")
        object.__setattr__(self, "sensitivity_methods", methods)
        interval = tuple(self.sensitivity_interval)
        if len(interval) != 2 or not all(isinstance(q, (int, float)) for q in interval):
            raise ValueError(f"sensitivity_interval must be two quantiles, got {interval!r}")
        if not 0.0 <= interval[0] < interval[1] <= 1.0:
            raise ValueError(f"sensitivity_interval must satisfy 0 <= low < high <= 1: {interval}")
        object.__setattr__(self, "sensitivity_interval", (float(interval[0]), float(interval[1])))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (tuples become lists) with a schema version."""
        data = asdict(self)
        data["sensitivity_methods"] = list(self.sensitivity_methods)
        data["sensitivity_interval"] = list(self.sensitivity_interval)
        return {"version": SCHEMA_VERSION, **data}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Options:
        """Inverse of ``to_dict``; missing keys take their defaults, unknown keys are errors."""
        data = dict(data)
        version = data.pop("version", SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            raise ValueError(f"unsupported options version {version!r}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown option(s): {', '.join(unknown)}")
        for key in ("sensitivity_methods", "sensitivity_interval"):
            if key in data:
                data[key] = tuple(data[key])
        return cls(**data)


def _one_of(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")


def _number(name: str, value: object, lo: float, hi: float, *, upper_open: bool = False) -> None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isnan(value)
    if ok:
        ok = lo <= value < hi if upper_open else lo <= value <= hi
    if not ok:
        bound = ")" if upper_open else "]"
        raise ValueError(f"{name} must be a number in [{lo}, {hi}{bound}, got {value!r}")


def _integer(name: str, value: object, lo: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < lo:
        raise ValueError(f"{name} must be an integer >= {lo}, got {value!r}")
