"""Publishing a round's results: the public display (晾晒) and staff profiles open up, and
the findings become rectification tasks: publishing is where the loop 发现→反馈→整改 starts,
so it lives here, above the results it publishes."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.appeals.services import blocking_final
from assessment.collection.models import Round, RoundStatus
from assessment.rectification import notices
from assessment.rectification.services.task_generation import generate_tasks

NOT_COMPUTED = _("Compute the results of “%(round)s” before publishing them.")
NOT_CLOSED = _("Only a closed round can be published: “%(round)s” is %(status)s.")
ALREADY_PUBLISHED = _("“%(round)s” is already published.")
NOT_PUBLISHED = _("“%(round)s” is not published.")


class PublishError(ValueError):
    """The round cannot change publication state as it stands (the message says why)."""


def _locked(round_: Round) -> Round:
    return Round.objects.select_for_update().get(pk=round_.pk)


def publish_round(*, round_: Round) -> Round:
    """closed → published, with `published_at` now. Results must have been computed; after
    provisional results, the appeal window must have closed and every appeal been decided.

    In the same transaction the round's findings become rectification tasks, so a published
    round always has its tasks: publishing again (after unpublishing or recomputing) adds only
    the missing ones.
    `locked.tasks_created` says how many were added.
    """
    with transaction.atomic():
        locked = _locked(round_)
        params = {"round": locked, "status": locked.get_status_display()}
        if locked.status == RoundStatus.PUBLISHED:
            raise PublishError(ALREADY_PUBLISHED % params)
        if locked.status != RoundStatus.CLOSED:
            raise PublishError(NOT_CLOSED % params)
        if locked.computed_at is None:
            raise PublishError(NOT_COMPUTED % params)
        blocked = blocking_final(locked)  # provisional results: the window and the appeals
        if blocked:
            raise PublishError(blocked)
        locked.status = RoundStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at"])
        locked.tasks_created = generate_tasks(round_=locked)
        notices.on_published(locked)
    return locked


def unpublish_round(*, round_: Round) -> Round:
    """published → closed: the public page and staff profiles disappear again (404)."""
    with transaction.atomic():
        locked = _locked(round_)
        if locked.status != RoundStatus.PUBLISHED:
            raise PublishError(NOT_PUBLISHED % {"round": locked})
        locked.status = RoundStatus.CLOSED
        locked.published_at = None
        locked.save(update_fields=["status", "published_at"])
    return locked
