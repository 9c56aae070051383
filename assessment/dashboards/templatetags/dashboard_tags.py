"""Number formats of the results pages: scores at the round's precision, signed changes,
places gained or lost. Values arrive already rounded as published (selectors)."""

from __future__ import annotations

from django import template

from assessment.dashboards.tables import DASH, number, places, signed

register = template.Library()


@register.filter
def score(value: float | None, decimals: int = 2) -> str:
    """`{{ value|score:precision }}`: 87.50, or – when there is no score."""
    return number(value, int(decimals))


@register.filter
def change(value: float | None, decimals: int = 2) -> str:
    """`{{ value|change:precision }}`: +1.25 / −0.50 in green or red, – when unknown."""
    return signed(value, int(decimals))


@register.filter
def rank_change(value: int | None) -> str:
    """`{{ value|rank_change }}`: ↑3 / ↓2 / 0, – when unknown."""
    return places(value)


@register.filter
def or_dash(value) -> str:
    return DASH if value is None or value == "" else value
