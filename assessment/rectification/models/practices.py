"""Shared practices (典型案例): how a region that does well on an indicator did it, so that
one region's innovation is reused elsewhere (一地创新、多地复用)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessment.collection.models.rounds import Round
from assessment.core.attachments import AttachedFile
from assessment.regions.models import Region
from indicators.models import Indicator


class PracticeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")


class Practice(models.Model):
    """A region's account of one indicator it does well on, in the round that showed it.

    Only approved practices are visible to other regions; until then only the region's staff
    and the supervisors over it see it.
    """

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="practices"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="practices"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what was done"))
    results = models.TextField(_("results achieved"))
    contacts = models.CharField(_("contacts"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=PracticeStatus.choices, default=PracticeStatus.PENDING
    )
    invited = models.BooleanField(
        _("invited by a supervisor"),
        default=False,
        help_text=_("Shared on a supervisor's invitation rather than as a top-10% peer."),
    )
    score = models.FloatField(_("score in the round"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank among peers"), null=True, blank=True)
    peers = models.PositiveIntegerField(_("peers with a score"), null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        db_table = "assessment_practice"  # kept from before the domain apps
        verbose_name = _("shared practice")
        verbose_name_plural = _("shared practices")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "indicator"], name="practice_status_indicator"),
            models.Index(fields=["region", "status"], name="practice_region_status"),
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.title}"

    @property
    def approved(self) -> bool:
        return self.status == PracticeStatus.APPROVED


class PracticeInvitation(models.Model):
    """A supervisor asks a region to share its practice on an indicator, whatever its rank."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited at"), auto_now_add=True)

    class Meta:
        db_table = "assessment_practiceinvitation"  # kept from before the domain apps
        verbose_name = _("practice invitation")
        verbose_name_plural = _("practice invitations")
        ordering = ["-invited_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "region", "indicator"], name="unique_practice_invitation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.indicator.code}"


class PracticeEvidence(AttachedFile):
    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="evidence"
    )

    class Meta:
        db_table = "assessment_practiceevidence"  # kept from before the domain apps
        verbose_name = _("practice evidence")
        verbose_name_plural = _("practice evidence")
        ordering = ["practice", "added_at", "id"]

    def storage_parts(self) -> tuple[str, int, str]:
        return ("practices", self.practice.round_id, self.practice.region_id)
