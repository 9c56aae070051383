"""Assessment rounds, each region's submission in a round, and the raw values entered."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessment.regions.models import (
    OUTSIDE_NATIONAL_ASSESSMENT,
    Classification,
    Region,
    RegionLevel,
    level_for_code,
    subtree_prefix_for,
)
from indicators.models import Indicator, IndicatorSystem

YEAR_RANGE = (2000, 2099)


def validate_round_year(value) -> None:
    """Rounds and deadlines happen in this century. The bound also keeps year 1 and 9999 away
    from time-zone arithmetic, which overflows at the edges of what a datetime can hold."""
    first, last = YEAR_RANGE
    if value is not None and not first <= value.year <= last:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="year",
            params={"first": first, "last": last},
        )


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Published")


def default_levels() -> list[str]:
    return [RegionLevel.CITY, RegionLevel.COUNTY]


class Round(models.Model):
    system = models.ForeignKey(
        IndicatorSystem,
        verbose_name=_("indicator system"),
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    name = models.CharField(_("name"), max_length=120)
    period = models.CharField(_("period"), max_length=20, help_text=_("For example 2025."))
    scope = models.ForeignKey(
        Region,
        verbose_name=_("scope (root region)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rounds",
        help_text=_("Empty for a nationwide round."),
    )
    levels = models.JSONField(
        _("participating levels"),
        default=default_levels,
        help_text=_('Region levels that take part, e.g. ["city", "county"].'),
    )
    # The participant set: the scope's regions of the chosen levels, without the subtrees of
    # `excluded`, plus the regions of `included` (codes). A national round excludes 台湾,
    # 香港 and 澳门 (national_preset).
    excluded = models.JSONField(
        _("excluded regions"), default=list, blank=True,
        help_text=_("Codes of regions left out with everything below them."),
    )  # fmt: skip
    included = models.JSONField(
        _("included regions"), default=list, blank=True,
        help_text=_("Codes of regions outside the scope that take part as well."),
    )  # fmt: skip
    classifications = models.ManyToManyField(
        Classification, verbose_name=_("classification schemes"), blank=True,
        related_name="rounds",
        help_text=_("Ranks are also given within the classes of these schemes (at most 3)."),
    )  # fmt: skip
    opens_at = models.DateTimeField(
        _("opens at"), null=True, blank=True, validators=[validate_round_year]
    )
    closes_at = models.DateTimeField(
        _("closes at"), null=True, blank=True, validators=[validate_round_year]
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous round (for changes)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_rounds",
    )
    method = models.JSONField(
        _("methodology options"),
        default=dict,
        blank=True,
        help_text=_("How scores are computed: normalisation, missing data, aggregation."),
    )
    computed_at = models.DateTimeField(_("results computed at"), null=True, blank=True)
    compute_notes = models.JSONField(
        _("computation record"),
        default=dict,
        blank=True,
        help_text=_("Written by the compute step: counts, outlier treatments, sensitivity draws."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    task_threshold = models.FloatField(
        _("rectification threshold"),
        default=60,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "When the results are published, every indicator and area of a region scoring "
            "below this becomes a rectification task."
        ),
    )
    # 结果公示: results published as provisional, open to appeals until appeals_close_at; the
    # round stays closed (no public display, no rectification tasks) until final publication.
    provisional_at = models.DateTimeField(_("provisional results published at"), null=True,
                                          blank=True)  # fmt: skip
    appeals_close_at = models.DateTimeField(_("appeals close at"), null=True, blank=True)
    monthly = models.BooleanField(
        _("continuous (monthly) ranking"),
        default=False,
        help_text=_(
            "Platform-fed values keep arriving after publication; each arrival recomputes the "
            "results and the ranking shows the latest snapshot with its date."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "assessment_round"  # kept from before the domain apps
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["-period", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_provisional(self) -> bool:
        """Results published as provisional (暂定结果), not yet final."""
        return self.provisional_at is not None and self.status == RoundStatus.CLOSED

    @property
    def scope_name(self) -> str:
        return self.scope.name if self.scope_id else str(_("Nationwide"))

    def participating_regions(self) -> models.QuerySet[Region]:
        """The participant set as one queryset (no query of its own)."""
        within = Q(level__in=self.levels)
        if self.scope_id:
            within &= Q(code__startswith=self.scope.subtree_prefix)
        for code in self.excluded or ():
            within &= ~Q(code__startswith=subtree_prefix_for(code, level_for_code(code)))
        if self.included:
            within |= Q(code__in=self.included)
        return Region.objects.filter(within)


def national_preset() -> dict:
    """A national round's participants: the 31 provinces and 新疆生产建设兵团 with their cities
    and counties (not 台湾, 香港, 澳门, which the divisions list holds as provinces)."""
    return {
        "scope": None,
        "levels": [RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY],
        "excluded": list(OUTSIDE_NATIONAL_ASSESSMENT),
        "included": [],
    }


class SubmissionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


class Submission(models.Model):
    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="submissions"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="submissions"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.NOT_STARTED,
    )
    # Bumped by every save; a save based on an older version is a conflict, not an overwrite.
    version = models.PositiveIntegerField(_("version"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "assessment_submission"  # kept from before the domain apps
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["round", "region"]
        constraints = [
            models.UniqueConstraint(fields=["round", "region"], name="unique_submission")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.region}"


class Value(models.Model):
    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    value = models.DecimalField(
        _("raw value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    # Set when a platform fed the value (API client or raw file): shown beside the read-only
    # field in the entry form. Empty for values the region typed or imported.
    fed_from = models.CharField(_("fed from"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        db_table = "assessment_value"  # kept from before the domain apps
        verbose_name = _("value")
        verbose_name_plural = _("values")
        ordering = ["submission", "indicator__order"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "indicator"], name="unique_value")
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.indicator.code} = {self.value}"
