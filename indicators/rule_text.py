"""A leaf's scoring rule in words, with its numbers: the Excel 说明 sheet and the region
profile say it the same way."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.models import Indicator, ScoringRule


def rule_text(node: Indicator) -> str:
    """The scoring rule in words, with its numbers (floor, target, bands)."""
    unit = node.unit or ""
    if node.rule == ScoringRule.GOALPOSTS:
        return _(
            "Goalposts: %(floor)s%(unit)s scores 0, %(target)s%(unit)s scores 100, "
            "linear in between"
        ) % {"floor": number_text(node.floor), "target": number_text(node.target), "unit": unit}
    if node.rule == ScoringRule.BANDS:
        bands = "；".join(
            f"≥{number_text(Decimal(str(t)))}{unit} → {number_text(Decimal(str(s)))}"
            for t, s in node.bands or []
        )
        return _("Bands: %(bands)s") % {"bands": bands}
    if node.rule == ScoringRule.RUBRIC:
        return _("Rubric: level L0–L5 × 20")
    if node.rule == ScoringRule.YESNO:
        return _("Yes = 100, no = 0")
    if node.rule == ScoringRule.PEER_PERCENTILE:
        return _("Percentile among the regions of the same level")
    return str(node.get_rule_display())


def number_text(value) -> str:
    """A stored number as people write it: 80, not 80.000000 or 8E+1; "–" for none."""
    if value is None:
        return "–"
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
