"""The audit trail: every change to a submission's values, evidence and status."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.collection.models.rounds import Submission
from indicators.models import Indicator


class AuditAction(models.TextChoices):
    VALUE = "value", _("Value changed")
    NOTE = "note", _("Note changed")
    EVIDENCE_ADDED = "evidence_added", _("Evidence added")
    EVIDENCE_REMOVED = "evidence_removed", _("Evidence removed")
    STATUS = "status", _("Status changed")
    EXTENSION = "extension", _("Deadline extended")
    VERIFIED = "verified", _("Value verified")


class AuditSource(models.TextChoices):
    FORM = "form", _("Entry form")
    IMPORT = "import", _("Excel import")
    REVIEW = "review", _("Review")
    ADMIN = "admin", _("Administration")
    TASKS = "tasks", _("Rectification completion rate")
    VERIFICATION = "verify", _("Verification")
    PLATFORM = "platform", _("Platform API")
    FEED = "feed", _("Raw data file")


class AuditEntry(models.Model):
    """One change: who, when, what (old → new) and why.

    `version` is the submission's version after the change. The entry form uses it to tell
    which fields someone else changed since the version the user started from.
    """

    submission = models.ForeignKey(
        Submission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="audit",
        db_index=False,  # the (submission, version) index below serves every lookup
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    source = models.CharField(
        _("source"), max_length=10, choices=AuditSource.choices, default=AuditSource.FORM
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    old = models.TextField(_("old"), blank=True)
    new = models.TextField(_("new"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    version = models.PositiveIntegerField(_("version after the change"), default=0)

    class Meta:
        db_table = "assessment_auditentry"  # kept from before the domain apps
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        # One index: bulk imports write an entry per value, and each index costs on insert.
        indexes = [models.Index(fields=["submission", "version"], name="audit_sub_version")]

    def __str__(self) -> str:
        return f"{self.submission} · {self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"
