"""Computed results: one row per (round, region, node). Dashboards and reports read only this."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from assessment.models.regions import Region
from assessment.models.rounds import Round
from indicators.models import Indicator, MaturityLevel


class ResultKind(models.IntegerChoices):
    OVERALL = 0, _("Overall")
    AREA = 1, _("Area")
    DIMENSION = 2, _("Dimension")
    LEAF = 3, _("Indicator")


class ResultFlag:
    """Bit flags on a result cell, so pages can mark what was not measured directly."""

    MISSING = 1  # no value, no score
    IMPUTED = 2  # score filled in from the peer-group mean
    PARTIAL = 4  # aggregate over incomplete children (re-weighted)
    OUTLIER_TREATED = 8  # the indicator was winsorised or log-transformed


class Result(models.Model):
    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="results"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="results"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator node"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="results",
        help_text=_("Empty for the overall score."),
    )
    kind = models.PositiveSmallIntegerField(_("kind"), choices=ResultKind.choices)
    score = models.FloatField(_("score"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank among peers"), null=True, blank=True)
    rank_in_parent = models.PositiveIntegerField(
        _("rank within the parent region"), null=True, blank=True
    )
    rank_low = models.PositiveIntegerField(_("best plausible rank"), null=True, blank=True)
    rank_high = models.PositiveIntegerField(_("worst plausible rank"), null=True, blank=True)
    level = models.ForeignKey(
        MaturityLevel,
        verbose_name=_("maturity level"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level_by_score = models.ForeignKey(
        MaturityLevel,
        verbose_name=_("level by score alone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    gate_notes = models.JSONField(_("gates that held the level back"), default=list, blank=True)
    flags = models.PositiveSmallIntegerField(_("flags"), default=0)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "region", "indicator"], name="unique_result_node"
            ),
            models.UniqueConstraint(
                fields=["round", "region"],
                condition=models.Q(indicator__isnull=True),
                name="unique_result_overall",
            ),
        ]
        indexes = [models.Index(fields=["round", "kind", "region"], name="result_round_kind")]

    def __str__(self) -> str:
        node = self.indicator.code if self.indicator_id else _("overall")
        return f"{self.round} · {self.region} · {node}: {self.score}"
