"""Number formats of the results pages: scores at the round's precision, signed changes,
places gained or lost. Values arrive already rounded as published (selectors)."""

from __future__ import annotations

from django import template
from django.template import engines
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from assessment.dashboards.flags import data_flags
from assessment.dashboards.tables import (
    DASH,
    RankingTable,
    number,
    places,
    signed,
)

register = template.Library()


@register.filter
def lookup(mapping: dict | None, key):
    """`{{ sources|lookup:code }}`: the mapping's value for the key, or None."""
    return mapping.get(key) if mapping else None


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


@register.simple_tag
def table_rows(table: RankingTable) -> SafeString:
    """`{% table_rows table %}`: the body rows of this page of a ranking table, drawn by the
    Jinja2 template `dashboards/table_rows.html` from the rows' records, visible columns only;
    each column's cell attributes are worked out once per table."""
    template = engines["jinja2"].get_template("dashboards/table_rows.html")
    context = {
        "table": table,
        "rows": table.paginated_rows,
        "columns": [(column.name, column.attrs["td"].as_html()) for column in table.columns],
        "areas": table.area_slots(),
        "data_flags": data_flags,
        "texts": {
            "task": gettext("task"),
            "task_title": gettext("Create a rectification task for this region"),
            "gate": gettext("gate"),
            "held_back": gettext("Held back by a gate: the score alone reaches %(level)s"),
        },
    }
    return SafeString(template.render(context))
