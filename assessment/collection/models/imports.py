"""Bulk Excel imports: the uploaded workbook, its dry-run report, and whether it was applied."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessment.collection.models.rounds import Round


class ImportStatus(models.TextChoices):
    CHECKED = "checked", _("Checked (dry run)")
    APPLIED = "applied", _("Applied")


def import_upload_to(instance: ImportBatch, filename: str) -> str:
    return f"imports/{instance.round_id}/{uuid.uuid4().hex}.xlsx"


class ImportBatch(models.Model):
    """One uploaded workbook. The dry run stores its problems; applying re-checks everything."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(_("workbook"), upload_to=import_upload_to, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200)
    include_approved = models.BooleanField(
        _("also overwrite submitted and approved submissions"), default=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKED
    )
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    # [sheet, row, column, message] per problem, the first PROBLEMS_KEPT of summary["problems"]
    problems = models.JSONField(_("problems"), default=list, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        db_table = "assessment_importbatch"  # kept from before the domain apps
        verbose_name = _("Excel import")
        verbose_name_plural = _("Excel imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.round} · {self.original_name}"

    @property
    def problem_count(self) -> int:
        """All problems found; only the first ones are kept in `problems`."""
        return self.summary.get("problems", len(self.problems))

    @property
    def problems_complete(self) -> bool:
        """False when the check stopped before the end of the file: there may be more."""
        return self.summary.get("problems_complete", True)

    def problem_rows(self, limit: int | None = None) -> list[dict]:
        keys = ("sheet", "row", "column", "message")
        return [dict(zip(keys, problem, strict=True)) for problem in self.problems[:limit]]
