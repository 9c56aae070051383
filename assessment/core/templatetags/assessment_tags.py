"""Small template helpers shared by pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ mapping|get_item:key }}`: dictionary lookup with a variable key (empty if absent)."""
    if not mapping:
        return []
    return mapping.get(key, [])


@register.filter
def minutes(delta) -> int:
    """A timedelta as whole minutes (rounded up), for messages such as lockout times."""
    if not delta:
        return 0
    return int(-(-delta.total_seconds() // 60))
