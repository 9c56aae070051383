"""Issuing, rotating and revoking API clients' tokens. A token is shown once, when it is
issued; only its SHA-256 and its first characters (to tell tokens apart) are kept."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from assessment.api.models import TOKEN_PREFIX, ApiClient, token_digest
from assessment.regions.models import Region
from indicators.models import DataSource, Indicator

HINT_LENGTH = 10


def _new_token() -> tuple[str, str, str]:
    """(token, digest, hint): 256 random bits, URL-safe."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, token_digest(token), token[:HINT_LENGTH]


def fed_indicator_codes() -> list[str]:
    """Codes of platform-fed leaves in any indicator system, in form order."""
    codes = (
        Indicator.objects.filter(source=DataSource.PLATFORM)
        .exclude(value_type="")
        .order_by("order", "code")
        .values_list("code", flat=True)
    )
    return list(dict.fromkeys(codes))


@transaction.atomic
def create_client(
    *, name: str, scope: Region | None, can_read: bool, push_indicators: list[str], user
) -> tuple[ApiClient, str]:
    token, digest, hint = _new_token()
    client = ApiClient.objects.create(
        name=name,
        scope=scope,
        can_read=can_read,
        push_indicators=sorted(push_indicators),
        token_hash=digest,
        token_hint=hint,
        created_by=user,
        rotated_at=timezone.now(),
    )
    return client, token


def rotate_token(client: ApiClient) -> str:
    """A new token; the old one stops working at once."""
    token, digest, hint = _new_token()
    client.token_hash, client.token_hint, client.rotated_at = digest, hint, timezone.now()
    client.revoked_at = None
    client.save(update_fields=["token_hash", "token_hint", "rotated_at", "revoked_at"])
    return token


def revoke(client: ApiClient) -> None:
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
