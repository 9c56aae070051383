"""A round's expert panel (专家评审): which indicators experts score, how many experts per cell,
how their levels become one; the experts; the cells (region × indicator) with each expert's
level and the final one."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import Round
from assessment.core.attachments import AttachedFile
from assessment.regions.models import Region
from indicators.models import Indicator

LEVELS = range(6)  # L0–L5


class Rule(models.TextChoices):
    MEDIAN = "median", _("Median")
    MEAN = "mean", _("Mean")
    TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean (without the highest and lowest)")


class Panel(models.Model):
    round = models.OneToOneField(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="panel"
    )
    indicator_codes = models.JSONField(_("expert-scored indicators"), default=list)
    experts_per_cell = models.PositiveSmallIntegerField(
        _("experts per cell"), default=2, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rule = models.CharField(_("how levels combine"), max_length=15, choices=Rule.choices,
                            default=Rule.MEDIAN)  # fmt: skip
    spread = models.PositiveSmallIntegerField(
        _("levels apart that need adjudication"), default=2,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )  # fmt: skip
    show_self_assessment = models.BooleanField(
        _("experts see the region's own level"), default=True,
        help_text=_("Off: experts score from the evidence alone."),
    )  # fmt: skip
    due_at = models.DateTimeField(
        _("experts score by"), null=True, blank=True,
        help_text=_("Cells not scored by then are overdue (shown to the experts and here)."),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("expert panel")
        verbose_name_plural = _("expert panels")

    def __str__(self) -> str:
        return str(self.round)

    @property
    def overdue(self) -> bool:
        return self.due_at is not None and timezone.now() > self.due_at


class PanelExpert(models.Model):
    """An expert of one round's panel (the role is granted per round). `home_region`: the
    region the expert belongs to; they never score it or a region below it."""

    panel = models.ForeignKey(
        Panel, verbose_name=_("panel"), on_delete=models.CASCADE, related_name="experts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("expert"), on_delete=models.CASCADE,
        related_name="panel_seats",
    )  # fmt: skip
    home_region = models.ForeignKey(
        Region, verbose_name=_("home region"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("panel expert")
        verbose_name_plural = _("panel experts")
        ordering = ["panel", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "user"], name="one_seat_per_expert")
        ]

    def __str__(self) -> str:
        return f"{self.panel} · {self.user}"


class CellStatus(models.TextChoices):
    SCORING = "scoring", _("Being scored")
    ADJUDICATION = "adjudication", _("Needs adjudication")
    FINAL = "final", _("Final")


class PanelCell(models.Model):
    """One region × indicator the panel scores, with its final level once the experts' levels
    are combined (or an adjudicator set it)."""

    panel = models.ForeignKey(
        Panel, verbose_name=_("panel"), on_delete=models.CASCADE, related_name="cells"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=15, choices=CellStatus.choices,
                              default=CellStatus.SCORING)  # fmt: skip
    final_level = models.PositiveSmallIntegerField(_("final level"), null=True, blank=True)
    adjudicated = models.BooleanField(_("adjudicated"), default=False)
    adjudicated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("adjudicated by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    reason = models.TextField(_("adjudication reason"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("panel cell")
        verbose_name_plural = _("panel cells")
        ordering = ["panel", "region", "indicator__order"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "region", "indicator"], name="one_cell")
        ]
        indexes = [models.Index(fields=["panel", "status"], name="panel_cell_status")]

    def __str__(self) -> str:
        return f"{self.region_id} · {self.indicator.code}"


class ExpertScore(models.Model):
    """One expert's level for one cell, with the justification. None until scored."""

    cell = models.ForeignKey(
        PanelCell, verbose_name=_("cell"), on_delete=models.CASCADE, related_name="scores"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("expert"), on_delete=models.CASCADE,
        related_name="panel_scores",
    )  # fmt: skip
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    justification = models.TextField(_("justification"), blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("expert score")
        verbose_name_plural = _("expert scores")
        ordering = ["cell", "expert__username"]
        constraints = [
            models.UniqueConstraint(fields=["cell", "expert"], name="one_score_per_expert")
        ]
        indexes = [models.Index(fields=["expert", "scored_at"], name="expert_queue")]

    def __str__(self) -> str:
        return f"{self.cell} · {self.expert}: {self.level}"


class PanelEvent(models.Model):
    """The panel's audit trail: every score, change, adjudication and assignment."""

    class Action(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        SCORED = "scored", _("Scored")
        ADJUDICATED = "adjudicated", _("Adjudicated")
        COMBINED = "combined", _("Levels combined")
        CHANGED = "changed", _("Panel changed")

    panel = models.ForeignKey(
        Panel, verbose_name=_("panel"), on_delete=models.CASCADE, related_name="events"
    )
    cell = models.ForeignKey(
        PanelCell, verbose_name=_("cell"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="events",
    )  # fmt: skip
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True,
        related_name="+",
    )  # fmt: skip
    at = models.DateTimeField(_("at"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=15, choices=Action.choices)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("panel event")
        verbose_name_plural = _("panel events")
        ordering = ["panel", "at", "id"]

    def __str__(self) -> str:
        return f"{self.panel} · {self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"


class ChecklistStep(models.Model):
    """One step of a mystery-shopping checklist (暗访体验) as an expert recorded it for a cell:
    whether it worked and how many minutes it took. The expert's level follows from the
    steps by the indicator's rule (indicators.engine.checklist)."""

    score = models.ForeignKey(
        ExpertScore, verbose_name=_("expert score"), on_delete=models.CASCADE,
        related_name="steps",
    )  # fmt: skip
    position = models.PositiveSmallIntegerField(_("step"))  # 1-based, the checklist's order
    done = models.BooleanField(_("worked"))
    minutes = models.DecimalField(
        _("minutes taken"), max_digits=6, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    note = models.CharField(_("what happened"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("checklist step")
        verbose_name_plural = _("checklist steps")
        ordering = ["score", "position"]
        constraints = [
            models.UniqueConstraint(fields=["score", "position"], name="one_record_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.score_id} · {self.position}: {self.done}"


class StepScreenshot(AttachedFile):
    """A screenshot an expert took at one step of a checklist (what the citizen would see)."""

    score = models.ForeignKey(
        ExpertScore, verbose_name=_("expert score"), on_delete=models.CASCADE,
        related_name="screenshots",
    )  # fmt: skip
    position = models.PositiveSmallIntegerField(_("step"))

    class Meta:
        verbose_name = _("step screenshot")
        verbose_name_plural = _("step screenshots")
        ordering = ["score", "position", "added_at", "id"]

    def storage_parts(self) -> tuple[str, int, str]:
        cell = self.score.cell
        return ("panels", cell.panel.round_id, cell.region_id)
