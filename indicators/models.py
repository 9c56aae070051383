"""Indicator systems: a versioned, weighted tree (area → dimension → leaf) and maturity levels.

A published system is immutable so that every round scored with it stays comparable; changing
it means making a new version (`services.system_new_version`).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.engine.checklist import Checklist, ChecklistError
from indicators.engine.checklist import parse as parse_checklist
from indicators.language import localized

SYSTEM_LOCKED = _(
    "Indicator system “%(system)s” is published and cannot be changed. "
    "Use “New version from this one” to make an editable copy."
)


class Bilingual:
    """Picks the Chinese or English variant of a field for the active language."""

    def localized(self, field: str) -> str:
        return localized(getattr(self, f"{field}_zh", ""), getattr(self, f"{field}_en", ""))

    @property
    def name(self) -> str:
        return self.localized("name")


#: The region levels an indicator may apply to (assessment.regions.RegionLevel's values; the
#: indicators app does not depend on the regions app).
LEVELS = ("province", "city", "county")


class SystemStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class IndicatorSystem(Bilingual, models.Model):
    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    description_zh = models.TextField(_("Chinese description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=SystemStatus.choices, default=SystemStatus.DRAFT
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="later_versions",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Public sources the indicators' basis texts cite as [R1], [R2] … ({"key", "title",
    # "url"}); the source articles shipped in fixtures/seeds are cited as [S000] … [S004].
    references = models.JSONField(_("references"), default=list, blank=True)
    # What changed from the version this one replaces, per indicator ({"code", "change_zh",
    # "change_en"}): the change log the 说明 sheet and the progress race refer to.
    changes = models.JSONField(_("changes from the previous version"), default=list, blank=True)

    class Meta:
        verbose_name = _("indicator system")
        verbose_name_plural = _("indicator systems")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_system_version")
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} v{self.version}"

    @property
    def is_editable(self) -> bool:
        return self.status == SystemStatus.DRAFT

    def locked_error(self) -> ValidationError:
        return ValidationError(SYSTEM_LOCKED, code="system_locked", params={"system": str(self)})

    def clean(self) -> None:
        # Once published, only the lifecycle may move on (published → retired).
        if not self.pk:
            return
        stored = IndicatorSystem.objects.filter(pk=self.pk).first()
        if stored is None or stored.status == SystemStatus.DRAFT:
            return
        changed = [
            f.name
            for f in self._meta.concrete_fields
            if f.name not in {"status", "published_at"}
            and getattr(stored, f.attname) != getattr(self, f.attname)
        ]
        if changed:
            raise self.locked_error()
        if stored.status == SystemStatus.RETIRED and self.status != SystemStatus.RETIRED:
            raise self.locked_error()


class ValueType(models.TextChoices):
    PERCENT = "percent", _("Percentage")
    NUMBER = "number", _("Number")
    COUNT = "count", _("Count")
    YESNO = "yesno", _("Yes / no")
    RUBRIC = "rubric", _("Rubric level L0–L5")


class Direction(models.IntegerChoices):
    HIGHER_IS_BETTER = 1, _("Higher is better")
    LOWER_IS_BETTER = -1, _("Lower is better")


class ScoringRule(models.TextChoices):
    GOALPOSTS = "goalposts", _("Goalposts (floor → target)")
    BANDS = "bands", _("Bands (thresholds → scores)")
    RUBRIC = "rubric", _("Rubric level × 20")
    YESNO = "yesno", _("Yes = 100, no = 0")
    PEER_PERCENTILE = "peer_percentile", _("Percentile among peers")


class DataSource(models.TextChoices):
    """Where a leaf's value comes from. Platform values arrive through the API or a raw feed
    (无感评估) and are read-only in the entry form; expert levels come from a panel."""

    FORM = "form", _("Entered by the region")
    PLATFORM = "platform", _("Fed from a platform")
    EXPERT = "expert", _("Scored by experts")


class LockedBySystem(models.Model):
    """Rows that belong to an indicator system refuse changes once it is published."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.ensure_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.ensure_editable()
        return super().delete(*args, **kwargs)

    def owning_system(self) -> IndicatorSystem:
        raise NotImplementedError

    def ensure_editable(self) -> None:
        system = self.owning_system()
        stored_status = (
            IndicatorSystem.objects.filter(pk=system.pk).values_list("status", flat=True).first()
        )
        if stored_status not in (None, SystemStatus.DRAFT):
            raise system.locked_error()


class Indicator(Bilingual, LockedBySystem):
    system = models.ForeignKey(
        IndicatorSystem,
        verbose_name=_("indicator system"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=20)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    weight = models.DecimalField(
        _("weight (relative to siblings)"),
        max_digits=9,
        decimal_places=4,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.0001"))],
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    # Leaf-only fields below; a node with children leaves them blank.
    value_type = models.CharField(
        _("value type"), max_length=12, choices=ValueType.choices, blank=True
    )
    unit_zh = models.CharField(_("Chinese unit"), max_length=40, blank=True)
    unit_en = models.CharField(_("English unit"), max_length=60, blank=True)
    direction = models.SmallIntegerField(
        _("direction"), choices=Direction.choices, default=Direction.HIGHER_IS_BETTER
    )
    min_value = models.DecimalField(
        _("lowest valid value"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("highest valid value"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    rule = models.CharField(
        _("scoring rule"), max_length=20, choices=ScoringRule.choices, blank=True
    )
    floor = models.DecimalField(
        _("floor (scores 0)"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    target = models.DecimalField(
        _("target (scores 100)"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    bands = models.JSONField(
        _("bands"),
        default=list,
        blank=True,
        help_text=_("List of [threshold, score] pairs, e.g. [[0, 0], [50, 60], [90, 100]]."),
    )
    rubric = models.JSONField(
        _("rubric level descriptions"),
        default=list,
        blank=True,
        help_text=_('Six entries L0–L5, each {"zh": "…", "en": "…"}.'),
    )
    checklist = models.JSONField(
        _("mystery-shopping checklist"),
        default=dict,
        blank=True,
        help_text=_(
            'Scored by panel researchers who try the service (暗访体验): {"scenario_zh": "…", '
            '"steps": [{"zh": "…", "en": "…", "minutes": 10}, …], "bands": [[100, 5], [80, 4], '
            "…, [0, 0]]}. Only for L0–L5 indicators; empty: none."
        ),
    )
    source = models.CharField(
        _("data source"),
        max_length=10,
        choices=DataSource.choices,
        default=DataSource.FORM,
        help_text=_("Platform-fed values cannot be typed or imported by the regions."),
    )
    review_below = models.DecimalField(
        _("flag values below"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    review_above = models.DecimalField(
        _("flag values above"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    evidence_kinds = models.CharField(
        _("evidence kinds"),
        max_length=20,
        blank=True,
        help_text=_("EXP = platform export or log; DOC = documents; AUD = sample audit."),
    )
    evidence_note_zh = models.CharField(_("Chinese evidence note"), max_length=300, blank=True)
    evidence_note_en = models.CharField(_("English evidence note"), max_length=300, blank=True)
    guidance_zh = models.TextField(_("Chinese guidance"), blank=True)
    guidance_en = models.TextField(_("English guidance"), blank=True)
    basis = models.TextField(_("basis (sources and reference figures)"), blank=True)
    applies_to = models.JSONField(
        _("applies to levels"), default=list, blank=True,
        help_text=_('Region levels that answer this indicator, e.g. ["province", "city"]; '
                    "empty: every level. Elsewhere it is not asked and not scored."),
    )  # fmt: skip
    policy_ref = models.CharField(
        _("national policy task"), max_length=300, blank=True,
        help_text=_("The task of 国发〔2022〕14号 (or another national document) it measures."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["system", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="unique_indicator_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    def save(self, *args, **kwargs):
        self.depth = self.parent.depth + 1 if self.parent_id else 0
        super().save(*args, **kwargs)

    def owning_system(self) -> IndicatorSystem:
        return self.system

    @property
    def unit(self) -> str:
        return self.localized("unit")

    @property
    def guidance(self) -> str:
        return self.localized("guidance")

    @property
    def evidence_note(self) -> str:
        return self.localized("evidence_note")

    @property
    def is_leaf(self) -> bool:
        return bool(self.value_type)

    def applies_to_level(self, level: str) -> bool:
        """Whether regions of `level` answer (and are scored on) this indicator."""
        return not self.applies_to or level in self.applies_to

    @property
    def is_fed(self) -> bool:
        return self.source == DataSource.PLATFORM

    @property
    def sample_audit(self) -> bool:
        """A rate the assessor verifies by sampling (evidence kind AUD): a sampling sheet."""
        kinds = {kind.strip() for kind in (self.evidence_kinds or "").split("+")}
        return self.value_type == ValueType.PERCENT and "AUD" in kinds

    @property
    def mystery_shopping(self) -> Checklist | None:
        """The checklist researchers follow to score this indicator, if it has one (a stored
        checklist that cannot be read counts as none: publishing refuses it)."""
        try:
            return parse_checklist(self.checklist)
        except ChecklistError:
            return None

    def checklist_problem(self) -> str | None:
        """Why the stored checklist cannot be used, or None."""
        if not self.checklist:
            return None
        if self.value_type != ValueType.RUBRIC:
            return _("Only a level indicator (L0–L5) can be scored by a checklist.")
        try:
            parse_checklist(self.checklist)
        except ChecklistError as error:
            return _("The checklist cannot be read: %(error)s.") % {"error": error}
        return None

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.system_id and not self.system.is_editable:
            raise self.system.locked_error()
        problem = self.checklist_problem()
        if problem:
            errors.setdefault("checklist", []).append(problem)
        if self.parent_id:
            if self.parent.system_id != self.system_id:
                errors.setdefault("parent", []).append(
                    _("The parent must belong to the same indicator system.")
                )
            ancestor = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    errors.setdefault("parent", []).append(
                        _("An indicator cannot be its own ancestor.")
                    )
                    break
                ancestor = ancestor.parent
        if self.value_type and not self.rule:
            errors.setdefault("rule", []).append(_("A leaf indicator needs a scoring rule."))
        if self.rule == ScoringRule.GOALPOSTS:
            if self.floor is None or self.target is None:
                errors.setdefault("target", []).append(
                    _("Goalposts need both a floor and a target.")
                )
            elif self.floor == self.target:
                errors.setdefault("target", []).append(_("The floor and the target must differ."))
        if not isinstance(self.applies_to, list) or not set(self.applies_to) <= set(LEVELS):
            errors.setdefault("applies_to", []).append(
                _("List region levels among %(levels)s.") % {"levels": ", ".join(LEVELS)}
            )
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            errors.setdefault("max_value", []).append(
                _("The highest valid value must not be below the lowest.")
            )
        if errors:
            raise ValidationError(errors)


class MaturityLevel(Bilingual, LockedBySystem):
    system = models.ForeignKey(
        IndicatorSystem,
        verbose_name=_("indicator system"),
        on_delete=models.CASCADE,
        related_name="levels",
    )
    code = models.CharField(_("code"), max_length=10)
    name_zh = models.CharField(_("Chinese name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    order = models.PositiveSmallIntegerField(_("order (1 = lowest)"))
    min_score = models.DecimalField(_("lowest overall score"), max_digits=7, decimal_places=3)
    gate_min_area = models.DecimalField(
        _("gate: lowest area score allowed"),
        max_digits=7,
        decimal_places=3,
        null=True,
        blank=True,
    )
    color = models.CharField(_("colour"), max_length=7, default="#6c757d")
    description_zh = models.TextField(_("Chinese description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)

    class Meta:
        verbose_name = _("maturity level")
        verbose_name_plural = _("maturity levels")
        ordering = ["system", "order"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="unique_level_code"),
            models.UniqueConstraint(fields=["system", "order"], name="unique_level_order"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    @property
    def label(self) -> str:
        """The level as badges and reports show it, e.g. "L3 规范"."""
        return f"{self.code} {self.name}"

    def owning_system(self) -> IndicatorSystem:
        return self.system


class LevelGate(LockedBySystem):
    """A leaf that must reach a minimum score before a region can hold this level."""

    level = models.ForeignKey(
        MaturityLevel,
        verbose_name=_("maturity level"),
        on_delete=models.CASCADE,
        related_name="gates",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="gates"
    )
    min_score = models.DecimalField(_("lowest leaf score"), max_digits=7, decimal_places=3)

    class Meta:
        verbose_name = _("level gate")
        verbose_name_plural = _("level gates")
        constraints = [
            models.UniqueConstraint(fields=["level", "indicator"], name="unique_level_gate"),
        ]

    def __str__(self) -> str:
        return f"{self.level.code}: {self.indicator.code} ≥ {self.min_score}"

    def owning_system(self) -> IndicatorSystem:
        return self.level.system

    def clean(self) -> None:
        if self.level_id and self.indicator_id:
            if self.indicator.system_id != self.level.system_id:
                raise ValidationError(
                    {"indicator": _("The indicator must belong to the level's system.")}
                )
            if not self.indicator.is_leaf:
                raise ValidationError({"indicator": _("Gates apply to leaf indicators only.")})
