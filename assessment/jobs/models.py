"""One row per background job: who started it, what it does, how far it is, how it ended.

The queue (database table or Redis, `settings.TASKS`) only carries the job's id; everything a
person sees lives here, so the page, the permissions and the clean-up do not depend on the
queue's backend.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


#: States in which the job still holds its key (a second start joins it).
UNFINISHED = (JobState.QUEUED, JobState.RUNNING)


class Job(models.Model):
    #: A registered kind (`assessment/<app>/job_kinds.py`), e.g. "results.compute".
    kind = models.CharField(_("kind"), max_length=50)
    title = models.CharField(_("title"), max_length=300)
    #: Who started it; empty for the system's own jobs (housekeeping).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.CASCADE,
        related_name="jobs",
        null=True,
        blank=True,
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    #: The work it does: two starts of the same work (a double click, two tabs, two
    #: administrators) share one key, and only one unfinished job may hold a key.
    key = models.CharField(_("key"), max_length=200)
    state = models.CharField(
        _("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=200, blank=True)
    #: What the finished job reports (e.g. how many results it wrote).
    message = models.TextField(_("message"), blank=True)
    error = models.TextField(_("error"), blank=True)
    #: The result file, relative to MEDIA_ROOT (under jobs/); empty if the job makes none.
    file = models.CharField(_("file"), max_length=200, blank=True)
    filename = models.CharField(_("download name"), max_length=200, blank=True)
    #: Where the job page's "back" link leads (the page the job was started from).
    next_url = models.CharField(_("back to"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(_("runs started"), default=0)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    #: The queue backend's id of the latest enqueue.
    task_id = models.CharField(_("queue id"), max_length=64, blank=True)
    #: host:pid of the worker running it.
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    run_after = models.DateTimeField(_("not before"), null=True, blank=True)
    started_at = models.DateTimeField(_("running since"), null=True, blank=True)
    #: Written with every progress step: a running job whose heartbeat stops lost its worker.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(state__in=["queued", "running"]),
                name="one_unfinished_job_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="job_owner_recent"),
            models.Index(fields=["state", "heartbeat_at"], name="job_state_heartbeat"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state not in UNFINISHED

    @property
    def can_retry(self) -> bool:
        return self.state in (JobState.FAILED, JobState.CANCELLED)
