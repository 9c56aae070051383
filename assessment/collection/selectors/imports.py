"""Reads for the round pages of administrators: the round list and one round's set-up."""

from __future__ import annotations

from django.db.models import QuerySet

from assessment.collection.models import Extension, ImportBatch, Round


def round_extensions(*, round: Round) -> QuerySet[Extension]:
    """Extensions granted in a round, with region and who granted them (one query)."""
    return (
        Extension.objects.filter(submission__round=round)
        .select_related("submission__region", "granted_by")
        .order_by("submission__region_id")
    )


def recent_imports(*, round: Round, user, admin: bool, limit: int = 10) -> list[ImportBatch]:
    """The latest imports of a round: everyone's for administrators, else the user's own."""
    batches = ImportBatch.objects.filter(round=round).select_related("uploaded_by")
    if not admin:
        batches = batches.filter(uploaded_by=user)
    return list(batches.order_by("-created_at", "-id")[:limit])
