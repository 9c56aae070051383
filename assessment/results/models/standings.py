"""The ranking read model: one wide row per (round, region) with everything a ranking shows.

Written by the compute step in the same transaction as the round's Results, from the same
arrays, and replaced with them; never by a page. The ranking page, the public display, the
exports and the charts read it as a plain queryset: filtered with django-filter, sorted and
paged in SQL by django-tables2, counted per maturity level with `annotate(Count)`.

Scores are stored as published (rounded to the round's precision), so that what a page sorts
by is exactly what it prints. The areas of the round's indicator system take the slots
`area_1` … `area_6` in the system's order (`area_fields`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import Round
from assessment.regions.models import SCHEMES_PER_ROUND, Region, RegionLevel
from assessment.results.models.results import DERIVED_KEY, ResultFlag
from indicators.models import MaturityLevel

#: Most areas an indicator system may have for its rankings (the read model's area slots).
AREA_SLOTS = 6


#: One class slot per classification scheme a round may use.
CLASS_SLOTS = SCHEMES_PER_ROUND


def class_fields(slot: int) -> tuple[str, str]:
    """(class label field, rank-in-class field) of the round's scheme in `slot` (0-based)."""
    return f"class_{slot + 1}", f"class_{slot + 1}_rank"


def area_fields(slot: int) -> tuple[str, str]:
    """(score field, rank field) of the area in `slot` (0-based)."""
    return f"area_{slot + 1}", f"area_{slot + 1}_rank"


class Standing(models.Model):
    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="standings",
        **DERIVED_KEY,
    )  # fmt: skip
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="+",
        **DERIVED_KEY,
    )  # fmt: skip
    region_level = models.CharField(_("region level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        Region, verbose_name=_("parent region"), null=True, on_delete=models.CASCADE,
        related_name="+", **DERIVED_KEY,
    )  # fmt: skip
    # The region's and its parent's names as the compute step found them: rankings, exports
    # and reports list regions without joining the divisions twice per row. A renamed region
    # shows its new name once the round is computed again.
    name = models.CharField(_("region name"), max_length=60, blank=True, default="")
    parent_name = models.CharField(_("parent region name"), max_length=60, blank=True, default="")
    score = models.FloatField(_("overall score"), null=True)
    rank = models.PositiveIntegerField(_("rank among peers"), null=True)
    rank_in_parent = models.PositiveIntegerField(_("rank within the parent region"), null=True)
    rank_low = models.PositiveIntegerField(_("best plausible rank"), null=True)
    rank_high = models.PositiveIntegerField(_("worst plausible rank"), null=True)
    maturity = models.ForeignKey(
        MaturityLevel, verbose_name=_("maturity level"), null=True, on_delete=models.PROTECT,
        related_name="+", **DERIVED_KEY,
    )  # fmt: skip
    maturity_by_score = models.ForeignKey(
        MaturityLevel, verbose_name=_("level by score alone"), null=True,
        on_delete=models.PROTECT, related_name="+", **DERIVED_KEY,
    )  # fmt: skip
    held_back = models.BooleanField(_("held back by a gate"), default=False)
    flags = models.PositiveSmallIntegerField(_("data flags"), default=0)
    # The areas' scores and ranks among peers, in the system's order (area_fields).
    area_1 = models.FloatField(_("area 1 score"), null=True)
    area_1_rank = models.PositiveIntegerField(_("area 1 rank"), null=True)
    area_2 = models.FloatField(_("area 2 score"), null=True)
    area_2_rank = models.PositiveIntegerField(_("area 2 rank"), null=True)
    area_3 = models.FloatField(_("area 3 score"), null=True)
    area_3_rank = models.PositiveIntegerField(_("area 3 rank"), null=True)
    area_4 = models.FloatField(_("area 4 score"), null=True)
    area_4_rank = models.PositiveIntegerField(_("area 4 rank"), null=True)
    area_5 = models.FloatField(_("area 5 score"), null=True)
    area_5_rank = models.PositiveIntegerField(_("area 5 rank"), null=True)
    area_6 = models.FloatField(_("area 6 score"), null=True)
    area_6_rank = models.PositiveIntegerField(_("area 6 rank"), null=True)
    # The region's class in each of the round's classification schemes (in code order,
    # class_fields) and its rank among the regions of its level in that class.
    class_1 = models.CharField(_("class (scheme 1)"), max_length=60, blank=True)
    class_1_rank = models.PositiveIntegerField(_("rank in class (scheme 1)"), null=True)
    class_2 = models.CharField(_("class (scheme 2)"), max_length=60, blank=True)
    class_2_rank = models.PositiveIntegerField(_("rank in class (scheme 2)"), null=True)
    class_3 = models.CharField(_("class (scheme 3)"), max_length=60, blank=True)
    class_3_rank = models.PositiveIntegerField(_("rank in class (scheme 3)"), null=True)
    # The progress race (进步榜): the change of the published overall score since the round
    # it was compared with (Round.previous when computed: same system, with results).
    previous_round = models.ForeignKey(
        Round, verbose_name=_("compared with round"), null=True, on_delete=models.CASCADE,
        related_name="+", **DERIVED_KEY,
    )  # fmt: skip
    previous_score = models.FloatField(_("previous score"), null=True)
    previous_rank = models.PositiveIntegerField(_("previous rank"), null=True)
    rank_change = models.IntegerField(_("places gained"), null=True)
    change = models.FloatField(_("score change"), null=True)
    change_rank = models.PositiveIntegerField(_("progress rank"), null=True)
    # Verification (核验): how many of the region's values verifiers corrected, how many of
    # those overstated the verified value beyond the round's tolerance (虚报), and what the
    # corrections did to the published score (this score minus the score computed from the
    # self-reported values; None when nothing was corrected).
    corrected = models.PositiveSmallIntegerField(_("values corrected in verification"), default=0)
    overstated = models.PositiveSmallIntegerField(_("values overstated"), default=0)
    verification_effect = models.FloatField(_("score effect of verification"), null=True)

    class Meta:
        verbose_name = _("standing")
        verbose_name_plural = _("standings")
        constraints = [models.UniqueConstraint(fields=["round", "region"], name="unique_standing")]
        # A ranking reads one round's regions of one level in race order and shows a page of
        # them: with the rank in the index, PostgreSQL reads the page's rows in order and
        # joins the region names of those rows only (ascending B-tree order puts NULL last).
        indexes = [
            models.Index(
                fields=["round", "region_level", "rank", "region"], name="standing_level_race"
            ),
            models.Index(
                fields=["round", "region_level", "change_rank", "region"],
                name="standing_progress_race",
            ),
            # The level distribution counts a level's regions per maturity level over the
            # history's rounds: from this index alone, without reading the rows.
            models.Index(
                fields=["round", "region_level", "maturity"], name="standing_level_counts"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.region_id}: {self.score}"

    # What the pages and reports read, under the names they use.
    @property
    def code(self) -> str:
        return self.region_id

    @property
    def level(self) -> MaturityLevel | None:
        return self.maturity

    @property
    def level_by_score(self) -> MaturityLevel | None:
        return self.maturity_by_score

    def class_in_scheme(self, slot: int) -> str:
        return getattr(self, class_fields(slot)[0])

    def rank_in_scheme(self, slot: int) -> int | None:
        """The rank in its class of the scheme in `slot` (rankings filtered by one class
        annotate it as `class_rank`)."""
        return getattr(self, class_fields(slot)[1])

    def area_score(self, slot: int) -> float | None:
        return getattr(self, area_fields(slot)[0])

    @property
    def missing(self) -> bool:
        return bool(self.flags & ResultFlag.MISSING)

    @property
    def imputed(self) -> bool:
        return bool(self.flags & ResultFlag.IMPUTED)

    @property
    def partial(self) -> bool:
        return bool(self.flags & ResultFlag.PARTIAL)
