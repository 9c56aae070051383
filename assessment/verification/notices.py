"""What verification tells people (assessment/notifications): values an evaluator corrected,
once per save, to the region's staff."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from assessment.collection.models import Submission
from assessment.notifications.models import Kind
from assessment.notifications.recipients import region_staff
from assessment.notifications.services import after_commit, notify


def on_corrected(submission: Submission, codes: list[str]) -> None:
    """One notice for the save, if it corrected anything."""
    if codes:
        after_commit(values_corrected, submission.pk, sorted(set(codes)))


def values_corrected(submission_id: int, codes: list[str]) -> int:
    submission = Submission.objects.select_related("round", "region").get(pk=submission_id)
    params = {
        "region": submission.region.name,
        "round": submission.round.name,
        "count": len(codes),
        "codes": "、".join(codes),
    }
    return notify(
        region_staff(submission.region_id),
        Kind.VALUES_CORRECTED,
        _("%(region)s: verification corrected %(count)s value(s) in %(round)s") % params,
        body=_("Corrected: %(codes)s. The results use the verified values; the history of "
               "the form shows each correction with its reason.") % params,
        url=reverse("assessment:entry_history", args=[submission.round_id, submission.region_id]),
        region=submission.region_id,
    )  # fmt: skip
