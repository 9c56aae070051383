"""Reads of the practice library (典型案例库): search, filters, one practice's page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from assessment.rectification.access import practice_visibility
from assessment.rectification.models import Practice, PracticeEvidence
from assessment.regions.models import level_for_code, subtree_prefix_for
from indicators.language import localized
from indicators.models import Indicator, SystemStatus

PRACTICES_PER_PAGE = 20
_CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class LibraryFilter:
    q: str = ""  # words in the title or the description
    area: str = ""  # an area code, e.g. "DS"
    indicator: str = ""  # an indicator code, e.g. "DS.1.3"
    region: str = ""  # a region code (its subtree) or part of a region's name
    status: str = ""


def practice_queryset(*, user, filters: LibraryFilter) -> QuerySet[Practice]:
    """The practices the user may read, filtered, best ranked and newest first."""
    practices = Practice.objects.filter(practice_visibility(user))
    if filters.q:
        practices = practices.filter(
            Q(title__icontains=filters.q) | Q(description__icontains=filters.q)
        )
    if filters.area:
        practices = practices.filter(indicator__code__startswith=f"{filters.area}.")
    if filters.indicator:
        practices = practices.filter(indicator__code=filters.indicator)
    if filters.region:
        practices = practices.filter(_region_q(filters.region))
    if filters.status:
        practices = practices.filter(status=filters.status)
    return practices.select_related("region", "indicator", "round").order_by("-created_at", "-id")


def _region_q(text: str) -> Q:
    text = text.strip()
    if _CODE.match(text):
        return Q(region__code__startswith=subtree_prefix_for(text, level_for_code(text)))
    return Q(region__name__icontains=text)


def library_page(*, user, filters: LibraryFilter, page: int | str) -> Page:
    """One page of the library (a count and a page query)."""
    return Paginator(practice_queryset(user=user, filters=filters), PRACTICES_PER_PAGE).get_page(
        page
    )


@dataclass(frozen=True)
class NodeChoice:
    code: str
    label: str


@dataclass(frozen=True)
class LibraryChoices:
    areas: list[NodeChoice]
    indicators: list[NodeChoice]


def library_choices() -> LibraryChoices:
    """Areas and indicators of the published indicator systems, by code (one query)."""
    rows = (
        Indicator.objects.filter(system__status=SystemStatus.PUBLISHED)
        .order_by("-system__version", "order", "code")
        .values_list("code", "name_zh", "name_en", "parent_id", "value_type")
    )
    areas: dict[str, NodeChoice] = {}
    leaves: dict[str, NodeChoice] = {}
    for code, name_zh, name_en, parent_id, value_type in rows:
        name = localized(name_zh, name_en)
        choice = NodeChoice(code, f"{code} {name}")
        if parent_id is None:
            areas.setdefault(code, choice)
        elif value_type:
            leaves.setdefault(code, choice)
    return LibraryChoices(
        areas=sorted(areas.values(), key=lambda c: c.code),
        indicators=sorted(leaves.values(), key=lambda c: _code_key(c.code)),
    )


def _code_key(code: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in code.split("."))


def practice_evidence(practice: Practice) -> list[PracticeEvidence]:
    return list(practice.evidence.order_by("added_at", "id"))
