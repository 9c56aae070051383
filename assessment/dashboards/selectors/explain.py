"""Why a region scored what it did, for its profile: per indicator the value it entered (and the
verified one where verification corrected it), the scoring rule with its floor and target, the
points it adds to the overall score and the points it could add; and what the region lacks for
the next maturity level.

The numbers come from the engine's explanations (indicators/engine/explain.py) applied to the
region's stored results, so they are the engine's own: with arithmetic means the indicators'
points add up to the overall score. Two queries: the leaves with the region's values, and the
maturity levels with their gates.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from assessment.collection.models import Round, SubmissionStatus, Value
from assessment.collection.selectors.entry import display_value
from assessment.regions.models import Region
from assessment.results.models import Result, ResultFlag
from assessment.results.selectors.nodes import SystemNodes
from assessment.results.services.compute import rule_for
from assessment.verification.models import Verification
from indicators.engine import OVERALL, LeafGate, Level, Options, PeerPercentile
from indicators.engine.explain import LevelGap, Share, next_level_gap, shares
from indicators.models import Indicator, MaturityLevel
from indicators.rule_text import rule_text

#: What the profile reads of a leaf: the rule and its numbers, and how values are shown.
LEAF_FIELDS = ("pk", "code", "value_type", "unit_zh", "unit_en", "direction", "rule", "floor",
               "target", "bands")  # fmt: skip


@dataclass(frozen=True)
class LeafExplanation:
    """One indicator of the profile: value, verified value, rule, points."""

    value: str  # as entered, with its unit ("" none)
    verified: str  # the verifier's value where verification corrected it, else ""
    rule: str


@dataclass
class Explanation:
    """The profile's explanations. ``shares``: node code -> its points and contribution (every
    node, dimensions too); ``additive``: whether the contributions add up (arithmetic means)."""

    leaves: dict[str, LeafExplanation] = field(default_factory=dict)
    shares: dict[str, Share] = field(default_factory=dict)
    additive: bool = True
    next_level: LevelGap | None = None
    next_level_parts: list[str] = field(default_factory=list)

    @property
    def next_level_text(self) -> str:
        """E.g. "To reach L4: overall score +2.30; SV.4.2 needs 80 (now 72.00); every area at
        least 65 (BL now 61.00)"; "" at the top level."""
        if self.next_level is None or not self.next_level_parts:
            return ""
        head = _("To reach %(level)s:") % {"level": self.next_level.level}
        return f"{head} {pgettext('list of what is lacking', '; ').join(self.next_level_parts)}"


def explanation(
    *,
    round_: Round,
    region: Region,
    nodes: SystemNodes,
    own: Mapping[int | None, Result],
) -> Explanation:
    """The explanations of the region's results in the round (two queries). `own`: the
    region's Result rows by indicator id (None: the overall score)."""
    options = _options(round_)
    leaves = _leaves_with_values(round_, region)
    exempt = {
        n.code
        for n in nodes.leaves
        if not n.applies_to(region.level) or (n.pk in own and own[n.pk].flags & ResultFlag.EXEMPT)
    }
    scores = {n.code: own[n.pk].score if n.pk in own else None for n in nodes.nodes}
    scores[OVERALL] = own[None].score
    vetoed = {n.code for n in nodes.nodes if n.pk in own and own[n.pk].flags & ResultFlag.VETOED}
    geometric = options.aggregation == "geometric"
    out = Explanation(
        leaves={leaf.code: _leaf(leaf) for leaf in leaves},
        shares=shares(_structure(nodes), scores, exempt=exempt, geometric=geometric, vetoed=vetoed),
        additive=not geometric,
    )
    levels, current = _levels(round_, own[None].level_id)
    gate_leaves = {gate.code for level in levels for gate in level.leaf_gates}
    by_code = {leaf.code: leaf for leaf in leaves}
    nodes_by_code = {n.code: n for n in nodes.nodes}
    gate_scores = {}
    for code in gate_leaves:
        node = nodes_by_code.get(code)
        if node is not None and code in by_code:
            value = _gate_score(by_code[code], own.get(node.pk), options)
            if value is not None:
                gate_scores[code] = value
    waived = exempt | {a.code for a in nodes.areas if out.shares[a.code].points is None}
    out.next_level = next_level_gap(
        levels,
        current,
        own[None].score,
        {a.code: scores[a.code] for a in nodes.areas},
        gate_scores,
        options.precision,
        exempt=waived,
    )
    out.next_level_parts = _gap_parts(out.next_level, options.precision)
    return out


def _options(round_: Round) -> Options:
    try:
        return Options.from_dict(round_.method or {})
    except (TypeError, ValueError):  # as precision_of: a page still shows what it can
        return Options()


def _structure(nodes: SystemNodes) -> dict[str | None, list[tuple[str, float]]]:
    """Parent code -> [(child code, weight)]: the points stand for the weights, since siblings'
    points are in the ratio of their weights."""
    code_of = {n.pk: n.code for n in nodes.nodes}
    out: dict[str | None, list[tuple[str, float]]] = {}
    for n in nodes.nodes:
        out.setdefault(code_of.get(n.parent_id), []).append((n.code, n.points))
    return out


def _leaves_with_values(round_: Round, region: Region) -> list[Indicator]:
    """The system's leaves, each with the region's approved value (`own`) and the verifier's
    value (`verified`) and whether it was a correction (`corrected`) in the round (one query).
    """
    mine = {
        "submission__round": round_,
        "submission__region": region,
        "submission__status": SubmissionStatus.APPROVED,
        "indicator": OuterRef("pk"),
    }
    verification = Verification.objects.filter(**mine)
    return list(
        Indicator.objects.filter(system_id=round_.system_id)
        .exclude(value_type="")
        .only(*LEAF_FIELDS)
        .annotate(
            own=Subquery(Value.objects.filter(**mine).values("value")[:1]),
            verified=Subquery(verification.values("verified_value")[:1]),
            corrected=Subquery(verification.values("corrected")[:1]),
        )
    )


def _leaf(leaf: Indicator) -> LeafExplanation:
    corrected = leaf.corrected and leaf.verified is not None
    return LeafExplanation(
        value=display_value(leaf, leaf.own, unit=True),
        verified=display_value(leaf, leaf.verified, unit=True) if corrected else "",
        rule=rule_text(leaf),
    )


def _levels(round_: Round, level_id: int | None) -> tuple[list[Level], int | None]:
    """The system's maturity levels as the engine's, lowest first, and the index of the
    region's level (one query: levels with their gates)."""
    rows = MaturityLevel.objects.filter(system_id=round_.system_id).order_by("order", "pk")
    found: dict[int, tuple[str, float, float | None, list[LeafGate]]] = {}
    for pk, code, minimum, area, gate, gate_min in rows.values_list(
        "pk", "code", "min_score", "gate_min_area", "gates__indicator__code", "gates__min_score"
    ):
        entry = found.setdefault(pk, (code, float(minimum), _float(area), []))
        if gate is not None:
            entry[3].append(LeafGate(gate, float(gate_min)))
    levels = [
        Level(code, minimum, area, tuple(sorted(gates, key=lambda g: g.code)))
        for code, minimum, area, gates in found.values()
    ]
    order = list(found)
    return levels, order.index(level_id) if level_id in found else None


def _float(value) -> float | None:
    return None if value is None else float(value)


def _gate_score(leaf: Indicator, result: Result | None, options: Options) -> float | None:
    """The leaf's score by its own rule, as the gates read it (NaN: no data); None when it
    cannot be told from the stored results.

    With the default normalisation (and always for rubric and yes/no leaves) that is the stored
    score, unless it was imputed (a gate needs evidence). A peer-relative normalisation replaces
    the stored score of a continuous leaf, so the rule is applied to the scored value instead;
    a peer percentile or a reduced (overstated) value is not known from one region alone."""
    if result is None:
        return None
    flags = result.flags
    rule = rule_for(leaf)
    if options.normalisation == "rules" or not rule.continuous:
        missing = result.score is None or flags & ResultFlag.IMPUTED
        return math.nan if missing else result.score
    if isinstance(rule, PeerPercentile) or flags & ResultFlag.OVERSTATED:
        return None
    value = leaf.verified if leaf.verified is not None else leaf.own
    if value is None:
        return math.nan
    return float(rule.score(np.array([float(value)]))[0])


def _gap_parts(gap: LevelGap | None, precision: int) -> list[str]:
    """What the region lacks, one phrase per condition: the score, the leaves, the areas."""
    if gap is None:
        return []

    def now(actual: float) -> str:
        return _("no data") if math.isnan(actual) else f"{actual:.{precision}f}"

    parts = []
    if gap.score is not None:
        parts.append(_("overall score +%(points)s") % {"points": f"{gap.score:.{precision}f}"})
    for failure in gap.leaves:
        parts.append(
            _("%(code)s needs %(required)s (now %(actual)s)")
            % {"code": failure.node, "required": f"{failure.required:g}",
               "actual": now(failure.actual)}
        )  # fmt: skip
    if gap.areas:
        areas = pgettext("list of areas", ", ").join(
            _("%(code)s now %(actual)s") % {"code": f.node, "actual": now(f.actual)}
            for f in gap.areas
        )
        parts.append(
            _("every area at least %(required)s (%(areas)s)")
            % {"required": f"{gap.min_area:g}", "areas": areas}
        )
    return parts
