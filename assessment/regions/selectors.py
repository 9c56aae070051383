"""Reads of the region tree: code ranges that select a subtree with an index range scan."""

from __future__ import annotations

from collections.abc import Iterable


def code_range(codes: Iterable[str]) -> tuple[str, str] | None:
    """A [low, high) range of region codes that holds every code in `codes` and as few others
    as their common prefix allows, or None when nothing narrower than "all" exists.

    Result queries filter on it: a range on the last column of the (round, kind, region)
    index, with no join, so the plan does not depend on table statistics.
    """
    codes = list(codes)
    if not codes:
        return None
    first, last = min(codes), max(codes)
    prefix = ""
    for a, b in zip(first, last, strict=False):
        if a != b:
            break
        prefix += a
    if not prefix.isdigit():
        return None
    upper = str(int(prefix) + 1).zfill(len(prefix))
    if len(upper) != len(prefix):  # "99…": no upper bound of the same length
        return None
    return (prefix, upper)


def range_filter(codes: Iterable[str], field: str = "region_id") -> dict[str, str]:
    bounds = code_range(codes)
    if bounds is None:
        return {}
    return {f"{field}__gte": bounds[0], f"{field}__lt": bounds[1]}
