"""Reads of the reminders to submit (催报)."""

from __future__ import annotations

from datetime import date

from django.db.models import Max

from assessment.collection.models import Chase, Round


def last_chases(round_: Round) -> dict[int, date]:
    """The day each submission of the round was last reminded, by submission id (one query)."""
    rows = (
        Chase.objects.filter(submission__round=round_)
        .values("submission_id")
        .annotate(last=Max("day"))
        .values_list("submission_id", "last")
    )
    return dict(rows)
