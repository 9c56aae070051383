"""Appeals against provisional results, their evidence, the provincial departments (条) that
own problems blocked upstream, and the tasks such problems become."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import Round
from assessment.core.attachments import AttachedFile
from assessment.regions.models import Region
from indicators.models import Indicator


class Department(models.Model):
    """A provincial department accountable for what flows down to the regions (省大数据局,
    省公安厅 …). Registered by an administrator in the admin, with its staff."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("staff"), blank=True, related_name="departments"
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(models.TextChoices):
    DATA_ERROR = "data_error", _("Data or calculation error")
    EVIDENCE_IGNORED = "evidence", _("Evidence not considered")
    UPSTREAM = "upstream", _("Blocked upstream (非本级原因)")
    RULE = "rule", _("Rule interpretation")


class AppealStatus(models.TextChoices):
    OPEN = "open", _("Awaiting a decision")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Outcome(models.TextChoices):
    CORRECTED = "corrected", _("Value corrected")
    EXEMPTED = "exempted", _("Indicator exempted")


class Appeal(models.Model):
    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="appeals"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator or area"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    statement = models.TextField(_("statement"))
    status = models.CharField(
        _("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.OPEN
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    corrected_value = models.DecimalField(
        _("corrected value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The ranks of the round's regions when the decision was taken: the appeal page compares
    # them with the recomputed ranking ({region code: rank}).
    ranks_before = models.JSONField(_("ranks before the decision"), default=dict, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "region", "indicator"],
                condition=Q(status="open"),
                name="one_open_appeal_per_indicator",
            )
        ]
        indexes = [models.Index(fields=["round", "status", "region"], name="appeal_queue")]

    def __str__(self) -> str:
        return f"{self.round} · {self.region_id} · {self.indicator.code}"

    @property
    def is_open(self) -> bool:
        return self.status == AppealStatus.OPEN


class AppealEvidence(AttachedFile):
    appeal = models.ForeignKey(
        Appeal, verbose_name=_("appeal"), on_delete=models.CASCADE, related_name="evidence"
    )

    class Meta:
        verbose_name = _("appeal evidence")
        verbose_name_plural = _("appeal evidence")
        ordering = ["appeal", "added_at", "id"]

    def storage_parts(self) -> tuple[str, int, str]:
        return ("appeals", self.appeal.round_id, self.appeal.region_id)


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class DepartmentTask(models.Model):
    """A problem blocked upstream (an interface not opened, data not flowing back down): the
    department's to fix, from an accepted 非本级原因 appeal."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    appeal = models.OneToOneField(
        Appeal, verbose_name=_("appeal"), on_delete=models.CASCADE, related_name="department_task"
    )
    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("what is blocked"))
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = models.TextField(_("what was done"), blank=True)

    class Meta:
        verbose_name = _("department task")
        verbose_name_plural = _("department tasks")
        ordering = ["status", "opened_at", "id"]

    def __str__(self) -> str:
        return f"{self.department} · {self.region_id} · {self.indicator.code}"
