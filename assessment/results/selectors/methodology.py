"""The methodology panel: how a round's numbers were made, from what the round stores.

`Round.method` holds the engine options the results were computed with and
`Round.compute_notes` the computation record; the engine's `describe()` writes the sentence.
No query of its own: the indicator tree comes from the page's selector.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from assessment.collection.models import Round
from assessment.regions.models import RegionLevel
from assessment.results.selectors.nodes import NodeInfo, SystemNodes
from assessment.results.services.classes import scheme_names
from indicators.engine import Options, describe
from indicators.language import in_english

NORMALISATIONS = {
    "rules": _("each indicator's own scoring rule"),
    "minmax": _("min–max within peers"),
    "zscore": _("z-score within peers"),
    "rank": _("rank within peers"),
    "percentile": _("percentile within peers"),
    "distance_to_target": _("distance to target"),
    "fraction_of_max": _("fraction of the best peer"),
}
MISSING_RULES = {
    "reweight": _("left out, other weights rescaled"),
    "impute": _("filled with the peer-group mean"),
}
AGGREGATIONS = {
    "arithmetic": _("weighted arithmetic mean"),
    "geometric": _("weighted geometric mean"),
}
INVALID_OPTIONS = _("The round's methodology options are invalid: %(error)s")


@dataclass(frozen=True)
class Methodology:
    system: str
    text: str  # the engine's plain-language description
    normalisation: str
    missing: str
    min_coverage: float
    aggregation: str
    outliers: bool
    precision: int
    draws: int  # Monte Carlo draws behind the rank intervals (0: no intervals)
    epsilon: float
    interval: tuple[float, float]
    areas: list[NodeInfo]
    computed_at: datetime | None
    regions: int | None
    values: int | None
    outlier_treatments: int
    error: str = ""
    exempted: int = 0  # (region, indicator) cells taken out of the score by accepted appeals
    # Indicators limited to some levels, grouped: (level names, indicator codes).
    applicability: tuple[tuple[str, str], ...] = ()
    schemes: tuple[str, ...] = ()  # classification schemes ranked within

    @property
    def coverage_percent(self) -> int:
        return round(self.min_coverage * 100)

    @property
    def epsilon_percent(self) -> int:
        return round(self.epsilon * 100)

    @property
    def interval_percent(self) -> tuple[int, int]:
        return (round(self.interval[0] * 100), round(self.interval[1] * 100))


def methodology(*, round_: Round, nodes: SystemNodes) -> Methodology:
    notes = round_.compute_notes or {}
    try:
        options = Options.from_dict(round_.method or {})
        error = ""
    except (TypeError, ValueError) as problem:
        options = Options()
        error = str(INVALID_OPTIONS % {"error": problem})
    lang = "en" if in_english() else "zh"
    return Methodology(
        system=f"{round_.system.name} v{round_.system.version}",
        text=describe(options, lang),
        normalisation=str(NORMALISATIONS.get(options.normalisation, options.normalisation)),
        missing=str(MISSING_RULES.get(options.missing, options.missing)),
        min_coverage=options.min_coverage,
        aggregation=str(AGGREGATIONS.get(options.aggregation, options.aggregation)),
        outliers=options.outliers,
        precision=options.precision,
        draws=int(notes.get("sensitivity_draws") or 0),
        epsilon=options.sensitivity_epsilon,
        interval=options.sensitivity_interval,
        areas=nodes.areas,
        computed_at=round_.computed_at,
        regions=notes.get("regions"),
        values=notes.get("values"),
        outlier_treatments=len(notes.get("outliers") or []),
        error=error,
        exempted=int(notes.get("exempted") or 0),
        applicability=_applicability(nodes),
        schemes=tuple(scheme_names(round_)),
    )


def _applicability(nodes: SystemNodes) -> tuple[tuple[str, str], ...]:
    """The leaves that apply to some levels only, grouped by those levels."""
    names = dict(RegionLevel.choices)
    groups: dict[tuple[str, ...], list[str]] = {}
    for leaf in nodes.leaves:
        if leaf.levels and set(leaf.levels) != set(RegionLevel.values):
            groups.setdefault(tuple(sorted(leaf.levels, key=RegionLevel.values.index)), []).append(
                leaf.code
            )
    return tuple(
        ("、".join(str(names[level]) for level in levels), "、".join(codes))
        for levels, codes in groups.items()
    )
