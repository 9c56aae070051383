"""Excel exports that run in the background: one row per export, polled by its page.

A large export (a national round report) takes several seconds, so it runs in a thread of the
web process (`assessment/reports/jobs.py`) that writes its progress here; the page polls the
status endpoint and offers the file once it is done. The file lives under
MEDIA_ROOT/exports/ and is served only through a view that checks the owner.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessment.collection.models.rounds import Round


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    ABANDONED = "abandoned", _("Abandoned")


#: Statuses after which nothing changes any more.
FINISHED = frozenset({JobStatus.DONE, JobStatus.FAILED, JobStatus.ABANDONED})


class ReportJob(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="report_jobs",
    )
    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="report_jobs"
    )
    title = models.CharField(_("title"), max_length=300)
    #: The ranking filter (GET parameters of the ranking page) the report was asked for.
    params = models.JSONField(_("filter"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    #: Relative to MEDIA_ROOT, e.g. exports/2026/11/<uuid>.xlsx; empty until done.
    file = models.CharField(_("file"), max_length=200, blank=True)
    filename = models.CharField(_("download name"), max_length=200)
    #: host:pid of the process whose thread runs the job.
    worker = models.CharField(_("worker process"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    #: Touched with every progress step: a running job whose heartbeat stops was abandoned.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        db_table = "assessment_reportjob"  # kept from before the domain apps
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "status"], name="reportjob_owner_status")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED
