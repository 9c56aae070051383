"""Indicators taken out of one region's score in one round (申诉豁免): set by an accepted
appeal, read by the compute step, which scores the region as if the indicator did not exist
for it and flags the result."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import Round
from assessment.regions.models import Region
from indicators.models import Indicator


class Exemption(models.Model):
    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="exemptions"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")
        ordering = ["round", "region", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "region", "indicator"], name="unique_exemption"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.region_id} · {self.indicator.code}"
