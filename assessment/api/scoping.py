"""What a client may see: rounds that reach into its subtree, regions inside it. Anything
else is a 404, exactly as a region outside a user's subtree is on the pages."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy
from ninja.errors import HttpError

from assessment.api.models import ApiClient
from assessment.collection.models import Round, RoundStatus
from assessment.regions.models import Region

NOT_FOUND = gettext_lazy("Not found.")
NO_RESULTS = gettext_lazy("The round's results are not published.")


def visible_rounds(client: ApiClient) -> QuerySet[Round]:
    """Nationwide rounds, rounds inside the client's subtree and rounds around it."""
    rounds = Round.objects.select_related("scope", "system").order_by("-period", "-id")
    if not client.scope_id:
        return rounds
    code = client.scope_id
    around = {code[:2] + "0000", code[:4] + "00"} - {code}  # its province and city, by code
    return rounds.filter(
        Q(scope__isnull=True)
        | Q(scope__code__startswith=client.scope_prefix)
        | Q(scope__code__in=around)
    )


def round_for(client: ApiClient, round_id: int) -> Round:
    round_ = visible_rounds(client).filter(pk=round_id).first()
    if round_ is None:
        raise HttpError(404, str(NOT_FOUND))
    return round_


def published_round_for(client: ApiClient, round_id: int) -> Round:
    round_ = round_for(client, round_id)
    if round_.status != RoundStatus.PUBLISHED or round_.computed_at is None:
        raise HttpError(404, str(NO_RESULTS))
    return round_


def region_filter(client: ApiClient, field: str = "region__code") -> Q:
    return Q(**{f"{field}__startswith": client.scope_prefix}) if client.scope_id else Q()


def region_for(client: ApiClient, code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None or (client.scope_id and not code.startswith(client.scope_prefix)):
        raise HttpError(404, str(NOT_FOUND))
    return region
