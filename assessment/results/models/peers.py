"""Peer statistics the compute step derives for the region profiles, so that a page only reads.

Written by `assessment/results/services/compute.py` in the same transaction as the round's
Results (and replaced with them), never by a page. Like Result they are derived data: plain key
columns without database constraints, one composite index for the reads.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from assessment.collection.models.rounds import Round
from assessment.regions.models import Region, RegionLevel
from assessment.results.models.results import DERIVED_KEY, ResultKind
from indicators.models import Indicator


class PeerStat(models.Model):
    """How the peers (regions of the same level in the round) scored on one node.

    One row per (round, region level, node): the profile page compares a region's every
    dimension and indicator with the median and the best of its peers without reading the
    2,846 × 43 leaf rows of a national round.
    """

    round = models.ForeignKey(
        Round,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="peer_stats",
        **DERIVED_KEY,
    )
    level = models.CharField(_("region level"), max_length=10, choices=RegionLevel.choices)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator node"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty for the overall score."),
        **DERIVED_KEY,
    )
    kind = models.PositiveSmallIntegerField(_("kind"), choices=ResultKind.choices)
    count = models.PositiveIntegerField(_("regions with a score"))
    mean = models.FloatField(_("mean"), null=True, blank=True)
    median = models.FloatField(_("median"), null=True, blank=True)
    best = models.FloatField(_("best score"), null=True, blank=True)
    best_region = models.ForeignKey(
        Region,
        verbose_name=_("region with the best score"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The lowest code among equal best scores."),
        **DERIVED_KEY,
    )

    class Meta:
        db_table = "assessment_peerstat"  # kept from before the domain apps
        verbose_name = _("peer statistic")
        verbose_name_plural = _("peer statistics")
        indexes = [models.Index(fields=["round", "level"], name="peerstat_round_level")]

    def __str__(self) -> str:
        node = self.indicator.code if self.indicator_id else _("overall")
        return f"{self.round} · {self.get_level_display()} · {node}: {self.median}"
