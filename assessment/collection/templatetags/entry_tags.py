"""The entry form's per-indicator block, rendered by Jinja2 (config/jinja2.py says why)."""

from __future__ import annotations

from django import template
from django.template import engines
from django.utils.safestring import SafeString

register = template.Library()

ROW_CONTEXT = ("can_enter", "can_review", "accept", "max_mb")


@register.simple_tag(takes_context=True)
def indicator_row(context, row) -> SafeString:
    """`{% indicator_row row %}`: one indicator with its inputs, evidence and comments."""
    block = engines["jinja2"].get_template("collection/indicator_row.html")
    values = {name: context.get(name) for name in ROW_CONTEXT}
    return SafeString(block.render({"row": row, **values}))
