"""Rectification tasks (整改): what a published round found weak in a region, the region's
answer to it, and the log of every step (发现 → 反馈 → 整改)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessment.collection.models.rounds import Round
from assessment.core.attachments import AttachedFile
from assessment.regions.models import Region
from indicators.models import Indicator


class TaskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("task status", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    VERIFIED = "verified", _("Verified")
    REOPENED = "reopened", _("Reopened")


#: Statuses that count as complete in the completion rate (done and verified).
COMPLETE = frozenset({TaskStatus.DONE, TaskStatus.VERIFIED})


class TaskOrigin(models.TextChoices):
    GENERATED = "generated", _("Found at publication")
    MANUAL = "manual", _("Created by a supervisor")


class RectificationTask(models.Model):
    """One weak indicator (or area) of one region in one round, to be rectified by its staff.

    The task belongs to the region: every staff member of the region answers it. Tasks found
    at publication are unique per (round, region, node), so publishing again adds nothing.
    """

    # Publication writes a national round's 90,000 tasks at once: the composite indexes in
    # Meta serve every query, so the single-column key indexes are left out (each one costs
    # on that insert; deleting a user or an indicator scans the tasks instead, rarely).
    round = models.ForeignKey(
        Round,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="tasks",
        db_index=False,
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.CASCADE,
        related_name="tasks",
        db_index=False,
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator or area"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # only ever read with its round and region (unique_generated_task)
    )
    origin = models.CharField(
        _("origin"), max_length=10, choices=TaskOrigin.choices, default=TaskOrigin.MANUAL
    )
    title = models.CharField(_("title"), max_length=200)
    finding = models.TextField(_("finding"))
    score = models.FloatField(_("score"), null=True, blank=True)
    peer_median = models.FloatField(_("peer median"), null=True, blank=True)
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    gate = models.CharField(
        _("maturity gate"),
        max_length=200,
        blank=True,
        help_text=_("The gate this node fails, when it holds the region's maturity level back."),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    plan = models.TextField(_("rectification plan"), blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "assessment_rectificationtask"  # kept from before the domain apps
        verbose_name = _("rectification task")
        verbose_name_plural = _("rectification tasks")
        ordering = ["round", "region", "indicator__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "region", "indicator"],
                condition=models.Q(origin="generated"),
                name="unique_generated_task",
            )
        ]
        indexes = [
            models.Index(fields=["round", "region"], name="task_round_region"),
            models.Index(fields=["region", "status"], name="task_region_status"),
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.title}"

    def is_overdue(self, today: date) -> bool:
        """The due date has passed and the region has not finished it."""
        return self.due_date < today and self.status not in COMPLETE

    @property
    def complete(self) -> bool:
        return self.status in COMPLETE


class TaskAction(models.TextChoices):
    CREATED = "created", _("Created")
    STATUS = "status", _("Status changed")
    PLAN = "plan", _("Plan")
    PROGRESS = "progress", _("Progress update")
    EVIDENCE = "evidence", _("Evidence added")
    EDITED = "edited", _("Task changed")


class TaskEvent(models.Model):
    """One step of a task: who, when, the status before and after, and what was said."""

    task = models.ForeignKey(
        RectificationTask,
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,  # the (task, at) index serves every lookup
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    action = models.CharField(_("action"), max_length=10, choices=TaskAction.choices)
    from_status = models.CharField(_("from"), max_length=12, choices=TaskStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=TaskStatus.choices, blank=True)
    text = models.TextField(_("text"), blank=True)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)

    class Meta:
        db_table = "assessment_taskevent"  # kept from before the domain apps
        verbose_name = _("task event")
        verbose_name_plural = _("task events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["task", "at"], name="taskevent_task_at")]

    def __str__(self) -> str:
        return f"{self.task_id} · {self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"


class TaskEvidence(AttachedFile):
    """A file or link the region offers as proof of its rectification."""

    task = models.ForeignKey(
        RectificationTask,
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )

    class Meta:
        db_table = "assessment_taskevidence"  # kept from before the domain apps
        verbose_name = _("task evidence")
        verbose_name_plural = _("task evidence")
        ordering = ["task", "added_at", "id"]

    def storage_parts(self) -> tuple[str, int, str]:
        return ("rectification", self.task.round_id, self.task.region_id)
