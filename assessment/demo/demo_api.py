"""The demo's open API: the provincial service platform as an API client with a known token
(printed by `seed_demo`, like the demo passwords), so the README's curl examples work."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from assessment.api.models import ApiClient, token_digest
from assessment.regions.models import Region

DEMO_PLATFORM = "浙江省一体化政务服务平台（演示）"
DEMO_API_TOKEN = "gm_demo-zhejiang-platform-0000000000000000000000"
DEMO_PUSHES = ["DS.2.3", "DS.3.1", "SV.3.1", "SV.4.1", "SV.4.2", "SV.4.3", "BL.4.2"]


def ensure_api_client(province: str) -> str:
    """The demo client (reads Zhejiang's results, pushes its platform-fed indicators)."""
    ApiClient.objects.get_or_create(
        token_hash=token_digest(DEMO_API_TOKEN),
        defaults={
            "name": DEMO_PLATFORM,
            "scope": Region.objects.get(code=province),
            "can_read": True,
            "push_indicators": DEMO_PUSHES,
            "token_hint": DEMO_API_TOKEN[:10],
            "created_by": get_user_model().objects.get(username="admin"),
        },
    )
    return DEMO_API_TOKEN
