"""What data collection adds to a submission: deadline extensions, evidence, review comments."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessment.models.rounds import Submission, validate_round_year
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
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["submission"]

    def __str__(self) -> str:
        return f"{self.submission} → {self.closes_at:%Y-%m-%d %H:%M}"


class EvidenceKind(models.TextChoices):
    FILE = "file", _("File")
    LINK = "link", _("Link")


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """A generated name: the uploader's file name is never used on disk.

    `filename` is only consulted for its (already checked) extension.
    """
    suffix = PurePosixPath(filename).suffix.lower()
    submission = instance.submission
    return f"evidence/{submission.round_id}/{submission.region_id}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A file or a link backing one indicator's value. Files are served only through a view."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="evidence"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=4, choices=EvidenceKind.choices)
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=200, blank=True)
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    url = models.URLField(_("link"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["submission", "indicator", "added_at", "id"]
        indexes = [models.Index(fields=["submission", "indicator"], name="evidence_sub_ind")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.original_name if self.kind == EvidenceKind.FILE else self.url


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
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["submission", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.submission} · {self.indicator.code}: {self.text[:40]}"
