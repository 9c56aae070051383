"""Raw platform files turned into values (a dry run first, then all or nothing), and the
population table that per-10,000 rates divide by."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import Round
from assessment.regions.models import Region
from indicators.models import Indicator


class Population(models.Model):
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    people = models.PositiveIntegerField(_("resident population"))

    class Meta:
        verbose_name = _("population")
        verbose_name_plural = _("population table")
        ordering = ["region", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="unique_population_year")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}: {self.people}"


class AggregationKind(models.TextChoices):
    COUNT = "count", _("Count of rows")
    RATE = "rate", _("Rate of a condition (%)")
    MEAN = "mean", _("Mean of a column")
    SUM = "sum", _("Sum of a column")
    PER_10K = "per_10k", _("Rows per 10,000 population")


class ConditionOp(models.TextChoices):
    EQ = "eq", _("equals")
    NE = "ne", _("differs from")
    IN = "in", _("is one of (comma-separated)")
    LT = "lt", "<"
    LE = "le", "≤"
    GT = "gt", ">"
    GE = "ge", "≥"


class FeedStatus(models.TextChoices):
    CHECKED = "checked", _("Checked (dry run)")
    APPLIED = "applied", _("Applied")


def feed_upload_to(instance: RawFeed, filename: str) -> str:
    return f"feeds/{instance.round_id}/{uuid.uuid4().hex}.csv"


class RawFeed(models.Model):
    """One raw file and the aggregation declared for it. The dry run stores the per-region
    values and the problems; applying aggregates the file again and writes in one go."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="raw_feeds"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    source_name = models.CharField(
        _("platform"), max_length=120, help_text=_("e.g. 省好差评系统: shown beside the values.")
    )
    file = models.FileField(_("file"), upload_to=feed_upload_to, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200)
    aggregation = models.CharField(_("aggregation"), max_length=10, choices=AggregationKind.choices)
    region_column = models.CharField(_("region code column"), max_length=100)
    value_column = models.CharField(_("value column"), max_length=100, blank=True)
    condition_column = models.CharField(_("condition column"), max_length=100, blank=True)
    condition_op = models.CharField(
        _("condition"), max_length=2, choices=ConditionOp.choices, blank=True
    )
    condition_value = models.CharField(_("condition value"), max_length=200, blank=True)
    date_column = models.CharField(_("date column"), max_length=100, blank=True)
    date_from = models.DateField(_("from"), null=True, blank=True)
    date_to = models.DateField(_("to"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=FeedStatus.choices, default=FeedStatus.CHECKED
    )
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)  # [row, column, text]
    values = models.JSONField(_("values"), default=dict, blank=True)  # region code → text
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("raw data file")
        verbose_name_plural = _("raw data files")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.round} · {self.indicator.code} · {self.original_name}"

    @property
    def fed_from(self) -> str:
        """What the values say they came from (kept beside each value, ≤ 200 characters)."""
        rows = self.summary.get("rows", 0)
        return f"{self.source_name} · {self.original_name[:80]} ({rows:,} 行)"[:200]
