"""Token authentication for API clients: `Authorization: Bearer gm_…`.

Only the token's SHA-256 is stored; a request is matched by one indexed lookup. A revoked
token, an unknown one and a missing one are all a 401, and the token itself is never logged
or echoed.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_variables
from ninja.security import HttpBearer

from assessment.api.models import ApiClient, token_digest

# "Last used" is for the administrator's list, not an audit: writing it on every request would
# put a row update on every read.
LAST_USED_PRECISION = timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200


class ClientToken(HttpBearer):
    @method_decorator(sensitive_variables("token"))
    def authenticate(self, request, token: str) -> ApiClient | None:
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        client = (
            ApiClient.objects.select_related("scope", "created_by")
            .filter(token_hash=token_digest(token), revoked_at__isnull=True)
            .first()
        )
        if client is None:
            return None
        now = timezone.now()
        if client.last_used_at is None or now - client.last_used_at > LAST_USED_PRECISION:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
            client.last_used_at = now
        return client
