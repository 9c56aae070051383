"""What data collection adds to a submission: deadline extensions, evidence, review comments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessment.collection.models.rounds import Submission, validate_round_year
from assessment.core.attachments import AttachedFile
from indicators.models import Indicator


class Extension(models.Model):
    """A later deadline for one region's submission, granted by an administrator.

    One per submission: granting again moves the deadline (each grant is in the audit trail).
    """

    submission = models.OneToOneField(
        Submission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="extension",
    )
    closes_at = models.DateTimeField(_("new deadline"), validators=[validate_round_year])
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now=True)

    class Meta:
        db_table = "assessment_extension"  # kept from before the domain apps
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["submission"]

    def __str__(self) -> str:
        return f"{self.submission} → {self.closes_at:%Y-%m-%d %H:%M}"


class Evidence(AttachedFile):
    """A file or a link backing one indicator's value. Files are served only through a view."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="evidence"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        db_table = "assessment_evidence"  # kept from before the domain apps
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["submission", "indicator", "added_at", "id"]
        indexes = [models.Index(fields=["submission", "indicator"], name="evidence_sub_ind")]

    def storage_parts(self) -> tuple[str, int, str]:
        return ("evidence", self.submission.round_id, self.submission.region_id)


class ReviewComment(models.Model):
    """A reviewer's remark on one indicator of a submission (shown to staff beside it)."""

    submission = models.ForeignKey(
        Submission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "assessment_reviewcomment"  # kept from before the domain apps
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["submission", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.submission} · {self.indicator.code}: {self.text[:40]}"
