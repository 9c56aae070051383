"""Number formats of the results pages: scores at the round's precision, signed changes,
places gained or lost. Values arrive already rounded as published (selectors)."""

from __future__ import annotations

from django import template
from django.template import engines
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django_tables2.templatetags.django_tables2 import table_page_range

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


@register.simple_tag
def table_head(table: RankingTable) -> SafeString:
    """`{% table_head table %}`: the header row of a ranking table, django-tables2's columns
    with their header cell attributes and sort links (each column's next ordering), drawn by
    the Jinja2 template `dashboards/table_head.html` instead of a template node per cell."""
    link = _link_with(table, table.prefixed_order_by_field)
    head = [
        (
            column.attrs["th"].as_html(),
            column.header,
            link(column.order_by_alias.next) if column.orderable else None,
        )
        for column in table.columns
    ]
    return _render("dashboards/table_head.html", {"head": head})


@register.simple_tag
def table_pagination(table: RankingTable) -> SafeString:
    """`{% table_pagination table %}`: the page links under a paginated ranking table, as
    django-tables2's stock template draws them (its page range), by Jinja2."""
    page = getattr(table, "page", None)
    if page is None or table.paginator.num_pages <= 1:
        return SafeString("")
    link = _link_with(table, table.prefixed_page_field)
    context = {
        "page": page,
        "pages": [
            (number, None if number == "..." else link(number))
            for number in table_page_range(page, table.paginator)
        ]
        if page.has_previous() or page.has_next()
        else [],
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "next": link(page.next_page_number()) if page.has_next() else None,
    }
    return _render("dashboards/table_pagination.html", context)


def _link_with(table: RankingTable, key: str):
    """The page's query string with `key` set to a value, as django-tables2's
    `querystring_replace` writes it (the request's other parameters kept)."""
    params = dict(table.request.GET)

    def link(value) -> str:
        return "?" + urlencode({**params, key: value}, doseq=True)

    return link


def _render(name: str, context: dict) -> SafeString:
    return SafeString(engines["jinja2"].get_template(name).render(context))
