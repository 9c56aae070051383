"""Pushing values of platform-fed indicators: bulk, idempotent by key, all or nothing."""

# No `from __future__ import annotations`: django-ninja reads these annotations at import.
import hashlib

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy
from ninja import Header, Router, Status
from ninja.errors import HttpError

from assessment.api.models import ApiClient, ApiPush
from assessment.api.schemas import ERRORS_PUSH, PushIn, PushOut, PushProblems
from assessment.api.scoping import region_filter, round_for
from assessment.collection.models import AuditSource
from assessment.collection.services.importing import ImportRefused
from assessment.feeds.push import Item, Writer, apply_push

router = Router(tags=["push"])
NOT_ALLOWED = gettext_lazy("This client may not push values.")
KEY_REUSED = gettext_lazy("This Idempotency-Key was used for a different request body.")
REFUSED = gettext_lazy("%(count)s problem(s); nothing was written.")


@router.post(
    "/rounds/{round_id}/values",
    response={200: PushOut, 422: PushProblems, **ERRORS_PUSH},
    summary="Push values (all or nothing)",
)
def push_values(
    request,
    round_id: int,
    payload: PushIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1, max_length=100),
):
    client: ApiClient = request.auth
    if not client.push_indicators:
        raise HttpError(403, str(NOT_ALLOWED))
    round_ = round_for(client, round_id)
    digest = hashlib.sha256(request.body).hexdigest()
    earlier = ApiPush.objects.filter(client=client, key=idempotency_key).first()
    if earlier is not None:
        return _replay(earlier, digest, round_.pk)
    items = [
        Item(index, row.region, row.indicator, row.value)
        for index, row in enumerate(payload.values)
    ]
    writer = Writer(
        source=AuditSource.PLATFORM,
        label=f"API · {client.name}"[:200],
        reason=f"API · {client.name} · Idempotency-Key {idempotency_key} · {len(items):,} 行",
        indicators=frozenset(client.push_indicators),
        scope=region_filter(client) if client.scope_id else None,
        job_owner=client.created_by,
    )
    try:
        with transaction.atomic():
            check, recompute = apply_push(round_, items, writer)
            response = {
                "round": round_.pk,
                "rows": len(items),
                "changed": len(check.changes),
                "unchanged": check.unchanged,
                "submissions": len(check.submissions),
                "recompute": recompute,
            }
            ApiPush.objects.create(
                client=client,
                key=idempotency_key,
                round=round_,
                digest=digest,
                response=response,
                rows=len(items),
                changed=len(check.changes),
            )
    except ImportRefused as refused:
        return Status(422, _problems(refused.check))
    except IntegrityError:  # the same key applied by a concurrent request a moment ago
        earlier = ApiPush.objects.filter(client=client, key=idempotency_key).first()
        if earlier is None:
            raise
        return _replay(earlier, digest, round_.pk)
    return Status(200, response)


def _replay(earlier: ApiPush, digest: str, round_id: int):
    if earlier.digest != digest or earlier.round_id != round_id:
        raise HttpError(409, str(KEY_REUSED))
    return Status(200, {**earlier.response, "replayed": True})


def _problems(check) -> dict:
    rows = [
        {
            "index": problem.row,
            "indicator": None if problem.column in (None, "A") else problem.column,
            "message": problem.message,
        }
        for problem in check.problems[:1000]
    ]
    return {
        "detail": str(REFUSED % {"count": check.problem_count}),
        "problems": rows,
        "problem_count": check.problem_count,
    }
