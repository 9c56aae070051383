"""Reading rounds, rankings, profiles and results: scoped to the client's subtree, results of
published rounds only (the same rule as the public display)."""

from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from assessment.api.schemas import (
    ERRORS,
    IndicatorRowOut,
    ProfileOut,
    RoundDetailOut,
    RoundOut,
    StandingOut,
)
from assessment.api.scoping import (
    published_round_for,
    region_filter,
    region_for,
    round_for,
    visible_rounds,
)
from assessment.collection.models import Value
from assessment.collection.services.values import canonical
from assessment.regions.models import RegionLevel
from assessment.results.models import Result, ResultKind, Standing
from indicators.models import Indicator

router = Router(tags=["read"])
NOT_ALLOWED = gettext_lazy("This client may not read results.")
UNKNOWN_INDICATOR = gettext_lazy("Unknown indicator.")
KINDS = {
    ResultKind.OVERALL: "overall",
    ResultKind.AREA: "area",
    ResultKind.DIMENSION: "dimension",
    ResultKind.LEAF: "indicator",
}


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int | None = Field(None, ge=1, le=500)


class Pages(PageNumberPagination):
    """Page numbers are bounded: an offset past any real round is a 422, not a database
    overflow."""

    Input = PageQuery


class RegionFilter(Schema):
    level: RegionLevel | None = Field(None, description="Only regions of this level.")
    parent: str | None = Field(None, pattern=r"^\d{6}$", description="Only regions under it.")


class RankingFilter(RegionFilter):
    maturity: str | None = Field(
        None, max_length=10, description="Only regions at this maturity level, e.g. L3."
    )


def _reader(request):
    client = request.auth
    if not client.can_read:
        raise HttpError(403, str(NOT_ALLOWED))
    return client


@router.get("/rounds", response={200: list[RoundOut], **ERRORS}, summary="Rounds")
@paginate(Pages, page_size=50)
def rounds(request):
    return visible_rounds(_reader(request))


@router.get("/rounds/{round_id}", response={200: RoundDetailOut, **ERRORS}, summary="A round")
def round_detail(request, round_id: int):
    round_ = round_for(_reader(request), round_id)
    nodes = Indicator.objects.filter(system_id=round_.system_id).select_related("parent")
    round_.indicators = [
        {
            "code": node.code,
            "name": node.name,
            "parent": node.parent.code if node.parent_id else None,
            "weight": float(node.weight),
            "value_type": node.value_type,
            "unit": node.unit,
            "source": node.source if node.is_leaf else "",
        }
        for node in nodes.order_by("order")
    ]
    return round_


@router.get(
    "/rounds/{round_id}/ranking",
    response={200: list[StandingOut], **ERRORS},
    summary="The ranking (latest snapshot)",
)
@paginate(Pages, page_size=100)
def ranking(request, round_id: int, filters: Query[RankingFilter]):
    client = _reader(request)
    round_ = published_round_for(client, round_id)
    request.area_codes = _area_codes(round_)
    standings = (
        Standing.objects.filter(round=round_)
        .filter(region_filter(client))
        .select_related("maturity")
        .order_by("region_level", "rank", "region_id")
    )
    if filters.level:
        standings = standings.filter(region_level=filters.level)
    if filters.parent:
        standings = standings.filter(parent_id=region_for(client, filters.parent).code)
    if filters.maturity:
        standings = standings.filter(maturity__code=filters.maturity)
    return standings


@router.get(
    "/rounds/{round_id}/regions/{code}",
    response={200: ProfileOut, **ERRORS},
    summary="A region's results",
)
def profile(request, round_id: int, code: str):
    client = _reader(request)
    round_ = published_round_for(client, round_id)
    region = region_for(client, code)
    request.area_codes = _area_codes(round_)
    overall = (
        Standing.objects.filter(round=round_, region=region).select_related("maturity").first()
    )
    values = dict(
        Value.objects.filter(submission__round=round_, submission__region=region).values_list(
            "indicator_id", "value"
        )
    )
    results = [
        {
            "code": result.indicator.code if result.indicator_id else None,
            "kind": KINDS[result.kind],
            "score": result.score,
            "rank": result.rank,
            "rank_in_parent": result.rank_in_parent,
            "value": canonical(values[result.indicator_id])
            if values.get(result.indicator_id) is not None
            else None,
        }
        for result in Result.objects.filter(round=round_, region=region)
        .select_related("indicator")
        .order_by("kind", "indicator__order")
    ]
    return {
        "round": round_.pk,
        "region": region.code,
        "name": region.name,
        "level": region.level,
        "snapshot_at": round_.computed_at,
        "overall": overall,
        "results": results,
    }


@router.get(
    "/rounds/{round_id}/indicators/{code}",
    response={200: list[IndicatorRowOut], **ERRORS},
    summary="One indicator's results across regions",
)
@paginate(Pages, page_size=100)
def indicator_results(request, round_id: int, code: str, filters: Query[RegionFilter]):
    client = _reader(request)
    round_ = published_round_for(client, round_id)
    indicator = Indicator.objects.filter(system_id=round_.system_id, code=code).first()
    if indicator is None:
        raise HttpError(404, str(UNKNOWN_INDICATOR))
    results = (
        Result.objects.filter(round=round_, indicator=indicator)
        .filter(region_filter(client))
        .select_related("region")
        .order_by("region__level", "rank", "region_id")
    )
    if filters.level:
        results = results.filter(region__level=filters.level)
    if filters.parent:
        results = results.filter(region__parent_id=region_for(client, filters.parent).code)
    return results


def _area_codes(round_) -> list[str]:
    return list(
        Indicator.objects.filter(system_id=round_.system_id, parent__isnull=True)
        .order_by("order")
        .values_list("code", flat=True)
    )
