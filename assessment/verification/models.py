"""A verification: one evaluator's decision on one value of a submission (核验)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import Round, Submission
from assessment.collection.services.values import canonical
from assessment.core.attachments import AttachedFile
from assessment.regions.models import Region
from indicators.models import Indicator


class Reason(models.TextChoices):
    """Why a verified value differs from the region's own."""

    EVIDENCE_MISSING = "evidence_missing", _("Evidence missing")
    EVIDENCE_CONTRADICTS = "evidence_contradicts", _("Evidence contradicts the value")
    SAMPLE_RECOUNT = "sample_recount", _("Sample re-count")
    CALCULATION = "calculation", _("Calculation error")
    OTHER = "other", _("Other")


class Verification(models.Model):
    """The value a verifier stands behind for one indicator of one submission.

    `self_value` is the region's value when it was verified (kept: the region may change its
    value only if the submission is returned, and then the verification no longer holds);
    `verified_value` equals it when the verifier confirmed it (`corrected` says whether it
    differs). Results use `verified_value`.
    `version` counts saves, for the compare-and-set of two verifiers on one cell.
    """

    submission = models.ForeignKey(
        Submission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="verifications",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    self_value = models.DecimalField(
        _("self-reported value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    verified_value = models.DecimalField(
        _("verified value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    corrected = models.BooleanField(_("corrected"), default=False)
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"))
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "indicator"], name="one_verification_per_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} · {self.indicator_id}"

    @property
    def self_text(self) -> str:
        return canonical(self.self_value) or "—"

    @property
    def verified_text(self) -> str:
        return canonical(self.verified_value) or "—"


class Requirement(models.TextChoices):
    NONE = "none", _("Not required")
    ALL = "all", _("Every indicator")
    LISTED = "listed", _("The listed indicators")


class VerificationPolicy(models.Model):
    """How a round is verified: which values must be verified before results are computed,
    and whether supervisors verify too (evaluators and administrators always may)."""

    round = models.OneToOneField(
        Round,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="verification_policy",
    )
    requirement = models.CharField(
        _("verification before results"),
        max_length=10,
        choices=Requirement.choices,
        default=Requirement.NONE,
    )
    indicator_codes = models.JSONField(
        _("indicators to verify"), default=list, blank=True,
        help_text=_("Codes of the leaf indicators that must be verified (for “the listed "
                    "indicators”)."),
    )  # fmt: skip
    supervisors_verify = models.BooleanField(
        _("supervisors verify too"),
        default=False,
        help_text=_("Supervisors may verify the regions below their own, as evaluators do."),
    )
    overstatement = models.BooleanField(
        _("overstatement rule (虚报)"),
        default=False,
        help_text=_("A value the region reported better than the verified one by more than "
                    "the tolerance is marked overstated and its score reduced."),
    )  # fmt: skip
    tolerance_points = models.DecimalField(
        _("tolerance for percentages (points)"), max_digits=6, decimal_places=2, default=5,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    tolerance_share = models.DecimalField(
        _("tolerance for counts and amounts (share of the verified value)"), max_digits=4,
        decimal_places=2, default=Decimal("0.10"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )  # fmt: skip
    penalty_factor = models.DecimalField(
        _("score kept when overstated"), max_digits=3, decimal_places=2, default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0 sets the indicator's score to 0; 0.5 halves it."),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("verification policy")
        verbose_name_plural = _("verification policies")

    def __str__(self) -> str:
        return f"{self.round} · {self.get_requirement_display()}"


def policy_of(round_: Round) -> VerificationPolicy:
    """The round's policy; the default (nothing required, evaluators only) when it has none."""
    try:
        return round_.verification_policy
    except VerificationPolicy.DoesNotExist:
        return VerificationPolicy(round=round_)


class SampleItem(models.Model):
    """One item a verifier checked on a sampling sheet (e.g. one service guide of 50 drawn at
    random): whether it counts toward the indicator's rate, with a note."""

    verification = models.ForeignKey(
        Verification, verbose_name=_("verification"), on_delete=models.CASCADE,
        related_name="samples",
    )  # fmt: skip
    position = models.PositiveIntegerField(_("position"))
    label = models.CharField(_("item"), max_length=200)
    counts = models.BooleanField(_("counts toward the rate"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("sampled item")
        verbose_name_plural = _("sampled items")
        ordering = ["verification", "position"]

    def __str__(self) -> str:
        return self.label


class VerifierEvidence(AttachedFile):
    """A file or link a verifier attaches to one indicator of a submission: what they checked
    (a screenshot of the service, the platform's own count). `sample_position` ties a
    screenshot to one item of the indicator's sampling sheet; None: the indicator as a whole.
    Kept apart from the region's own evidence, which the verifier must not change."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE,
        related_name="verifier_evidence",
    )  # fmt: skip
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    sample_position = models.PositiveIntegerField(_("sampled item"), null=True, blank=True)

    class Meta:
        verbose_name = _("verifier's evidence")
        verbose_name_plural = _("verifiers' evidence")
        ordering = ["submission", "indicator", "sample_position", "added_at", "id"]
        indexes = [models.Index(fields=["submission", "indicator"], name="verifier_evidence_cell")]

    def storage_parts(self) -> tuple[str, int, str]:
        return ("verification", self.submission.round_id, self.submission.region_id)


class Block(models.Model):
    """Part of a round's verification delegated to one evaluator (分工): the regions under
    `region` × the indicators under `indicator_codes` (codes of areas, dimensions or leaves;
    empty: every indicator). Once a round has blocks, an evaluator verifies only the cells of
    their own blocks; administrators, and supervisors where the policy lets them, are not
    bound by blocks."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE,
        related_name="verification_blocks",
    )  # fmt: skip
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("evaluator"), on_delete=models.CASCADE,
        related_name="verification_blocks",
    )  # fmt: skip
    region = models.ForeignKey(
        Region, verbose_name=_("regions under"), on_delete=models.PROTECT, related_name="+"
    )
    indicator_codes = models.JSONField(_("indicators"), default=list, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.SET_NULL,
        null=True, related_name="+",
    )  # fmt: skip
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("verification block")
        verbose_name_plural = _("verification blocks")
        ordering = ["round", "verifier", "region"]

    def __str__(self) -> str:
        return f"{self.round} · {self.verifier} · {self.region_id}"

    def covers(self, region_code: str, indicator_code: str) -> bool:
        return region_code.startswith(self.region.subtree_prefix) and covers_indicator(
            self.indicator_codes, indicator_code
        )


def covers_indicator(codes: list[str], indicator_code: str) -> bool:
    """Whether a block's indicator codes include the leaf `indicator_code` (empty: all)."""
    return not codes or any(
        indicator_code == code or indicator_code.startswith(f"{code}.") for code in codes
    )
