"""Platform data on the administrator's round page (collection/round_page.py): how many of
the round's indicators are fed, how many values have arrived, and the ways in (raw files,
API clients)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest

from assessment.collection.models import Round, RoundStatus, Value
from assessment.collection.round_page import RoundSection
from indicators.models import DataSource, Indicator


def feeds_section(request: HttpRequest, round_: Round) -> dict | None:
    if round_.status == RoundStatus.DRAFT:
        return None
    fed = Indicator.objects.filter(system_id=round_.system_id, source=DataSource.PLATFORM)
    codes = list(fed.exclude(value_type="").order_by("order").values_list("code", flat=True))
    if not codes:
        return None
    counts = Value.objects.filter(
        submission__round=round_, indicator__source=DataSource.PLATFORM
    ).aggregate(arrived=Count("pk", filter=Q(value__isnull=False)))
    return {"codes": codes, "arrived": counts["arrived"]}


SECTION = RoundSection("feeds/_round_feeds.html", feeds_section)
