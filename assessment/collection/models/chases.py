"""Reminders to submit (催报): who chased which region's submission, and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.collection.models.rounds import Submission


class Chase(models.Model):
    """A supervisor's reminder to one region to submit. At most one per region and day (local
    date): the constraint holds even for two supervisors chasing at the same moment."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="chases"
    )
    day = models.DateField(_("day"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    chased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chased by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reminder to submit")
        verbose_name_plural = _("reminders to submit")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "day"], name="one_chase_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.day}"
