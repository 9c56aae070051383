"""The API: one NinjaAPI with token auth and a per-client rate limit; mounted at /api/v1/ by
config/urls.py. The schema is at /api/v1/openapi.json, the documentation at /api/v1/docs
(Swagger UI from django-ninja's own static files: no CDN)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.throttling import AuthRateThrottle

from assessment.api import pushes, reads
from assessment.api.auth import ClientToken

DESCRIPTION = """
数字政府成熟度评估平台开放接口 · Open API of the maturity assessment platform.

Authenticate with `Authorization: Bearer <token>`; an administrator issues tokens on the
API clients page (接口客户端). Each client sees the rounds and regions of its subtree only
(anything else is a 404), reads results of published rounds, and pushes values of the
platform-fed indicators it was granted. Pushes are all or nothing and need an
`Idempotency-Key` header: a retry with the same key and body is answered without writing again.
"""

api = NinjaAPI(
    title="数字政府成熟度评估 API",
    version="1",
    description=DESCRIPTION,
    auth=ClientToken(),
    throttle=[AuthRateThrottle(settings.API_RATE)],
    urls_namespace="api",
)
api.add_router("/", reads.router)
api.add_router("/", pushes.router)


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024 // 1024
    detail = _("The request body is larger than %(limit)s MB: split the push.") % {"limit": limit}
    return api.create_response(request, {"detail": detail}, status=413)
