"""Computed results: one row per (round, region, node). Dashboards and reports read only this."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from assessment.collection.models.rounds import Round
from assessment.regions.models import Region
from indicators.engine import Flag
from indicators.models import Indicator, MaturityLevel


class ResultKind(models.IntegerChoices):
    OVERALL = 0, _("Overall")
    AREA = 1, _("Area")
    DIMENSION = 2, _("Dimension")
    LEAF = 3, _("Indicator")


# The engine's per-cell bit flags (MISSING, IMPUTED, PARTIAL, OUTLIER_TREATED, LOG_TRANSFORMED,
# VETOED) are stored as they are in Result.flags.
ResultFlag = Flag


# Results are derived data: the compute step writes a national round's 212,058 rows at once
# and replaces them wholesale. Database-level foreign-key checks and single-column indexes on
# them cost more than the whole computation (docs/BENCHMARKS.md, full round recompute), so
# the keys are plain columns with Django-side cascades; the compute step only ever writes ids
# it has just read, and the composite index in Meta serves every query the pages make.
DERIVED_KEY = {"db_constraint": False, "db_index": False}


class Result(models.Model):
    round = models.ForeignKey(
        Round,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="results",
        **DERIVED_KEY,
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.CASCADE,
        related_name="results",
        **DERIVED_KEY,
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator node"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="results",
        help_text=_("Empty for the overall score."),
        **DERIVED_KEY,
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
        **DERIVED_KEY,
    )
    level_by_score = models.ForeignKey(
        MaturityLevel,
        verbose_name=_("level by score alone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        **DERIVED_KEY,
    )
    gate_notes = models.JSONField(
        _("gates that held the level back"), null=True, blank=True, help_text=_("Overall only.")
    )
    flags = models.PositiveSmallIntegerField(_("flags"), default=0)

    class Meta:
        db_table = "assessment_result"  # kept from before the domain apps
        verbose_name = _("result")
        verbose_name_plural = _("results")
        # One composite index serves every read: a round's rows by kind (ranking pages read
        # overall + areas, the heatmap dimensions) and one region's rows (filter kind__in).
        # Uniqueness of (round, region, node) is guaranteed by the single writer, which locks
        # the round and deletes before inserting; a unique index would make every recompute
        # check 212,058 dead index entries (doubling the write; docs/BENCHMARKS.md).
        indexes = [models.Index(fields=["round", "kind", "region"], name="result_round_kind")]

    def __str__(self) -> str:
        node = self.indicator.code if self.indicator_id else _("overall")
        return f"{self.round} · {self.region} · {node}: {self.score}"
