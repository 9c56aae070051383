"""Large exports in the background: a thread of the web process writes the workbook and its
progress to a `ReportJob` row; the job's page polls it and offers the file when it is ready.

No extra service is needed (the embedded default has none): the thread is started after the
request's transaction commits, runs with its own database connection and at most
`EXPORT_THREADS` at a time per process. A job whose process died (restart, crash, a recycled
worker) stops giving signs of life: once its heartbeat is older than `EXPORT_STALE_SECONDS`,
the next look at it marks it abandoned. Files live under MEDIA_ROOT/exports/ and are deleted
with their job after `EXPORT_KEEP_HOURS`.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from assessment.collection.models import Round
from assessment.dashboards.models import FINISHED, JobStatus, ReportJob
from assessment.dashboards.reports.build import report_for
from assessment.dashboards.reports.round_report import write_round_report
from assessment.results.access import ranking_visibility

logger = logging.getLogger(__name__)

EXPORTS = "exports"
WORKER = f"{socket.gethostname()}:{os.getpid()}"
ABANDONED = gettext_lazy(
    "The export stopped without finishing (the server restarted or the process ended). "
    "Start it again from the ranking page."
)
FAILED = gettext_lazy("The export failed. Try again; if it fails again, tell an administrator.")
QUEUED_STAGE = gettext_lazy("Waiting for another export to finish")
_slots = threading.BoundedSemaphore(getattr(settings, "EXPORT_THREADS", 2))


class Cancelled(Exception):
    """The job was marked abandoned while it ran (its heartbeat looked stale)."""


def job_start(
    *, user, round_: Round, params: dict[str, str], title: str, filename: str
) -> ReportJob:
    """A new job for this report, or the owner's unfinished one for the same filter."""
    jobs_clean()
    same = ReportJob.objects.filter(
        owner=user, round=round_, params=params, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).first()
    if same is not None and not job_refresh(same).finished:
        return same
    job = ReportJob.objects.create(
        owner=user,
        round=round_,
        title=title[:300],
        params=params,
        filename=filename[:200],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        heartbeat_at=timezone.now(),
    )
    if getattr(settings, "EXPORT_JOBS_INLINE", False):  # tests: no thread, no commit wait
        run_job(job.pk)
    else:  # the thread must see the committed row
        transaction.on_commit(lambda: _launch(job.pk))
    job.refresh_from_db()
    return job


def _launch(job_id: int) -> None:
    thread = threading.Thread(target=_thread_main, args=(job_id,), name=f"export-{job_id}")
    thread.daemon = True  # a stopping process must not wait for it: the job is abandoned
    thread.start()


def _thread_main(job_id: int) -> None:
    try:
        while not _slots.acquire(timeout=10):
            _touch(job_id, stage=str(QUEUED_STAGE))  # queued, but alive
        try:
            run_job(job_id)
        finally:
            _slots.release()
    finally:
        connections.close_all()  # the thread's own connections


def run_job(job_id: int) -> None:
    """Write the job's workbook, reporting progress; never raises."""
    started = ReportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, worker=WORKER, heartbeat_at=timezone.now()
    )
    if not started:
        return
    job = ReportJob.objects.select_related(
        "owner", "round__system", "round__scope", "round__previous"
    ).get(pk=job_id)
    relative = f"{EXPORTS}/{job.pk}-{uuid.uuid4().hex}.xlsx"
    target = Path(settings.MEDIA_ROOT) / relative
    partial = target.with_suffix(".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with translation.override(job.language):
            report = report_for(
                job.round,
                job.params,
                ranking_visibility(job.owner),
                exported_by=job.owner.get_username(),
            )
            write_round_report(report, partial, progress=_Reporter(job.pk))
        partial.replace(target)
    except Cancelled:
        partial.unlink(missing_ok=True)
        return
    except Exception as error:  # the job records it; the thread must not die silently
        logger.exception("Export job %s failed", job_id)
        partial.unlink(missing_ok=True)
        _finish(job_id, JobStatus.FAILED, error=f"{FAILED} ({type(error).__name__})")
        return
    _finish(job_id, JobStatus.DONE, file=relative)


class _Reporter:
    """Progress to the job row, at most twice a second; stops the job if it was abandoned."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.last = 0.0

    def __call__(self, fraction: float, stage: str) -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and fraction < 1:
            return
        self.last = now
        if not _touch(self.job_id, progress=min(99, int(fraction * 100)), stage=stage):
            raise Cancelled


def _touch(job_id: int, **fields) -> bool:
    return bool(
        ReportJob.objects.filter(
            pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
        ).update(heartbeat_at=timezone.now(), **fields)
    )


def _finish(job_id: int, status: str, *, error: str = "", file: str = "") -> None:
    ReportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        status=status,
        progress=100 if status == JobStatus.DONE else 0,
        stage="",
        error=error,
        file=file,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )


def job_refresh(job: ReportJob) -> ReportJob:
    """The job as it stands; an unfinished job without a sign of life is marked abandoned."""
    if job.status in FINISHED:
        return job
    cutoff = timezone.now() - timedelta(seconds=getattr(settings, "EXPORT_STALE_SECONDS", 60))
    ReportJob.objects.filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff),
        pk=job.pk,
        status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
    ).update(status=JobStatus.ABANDONED, error=str(ABANDONED), finished_at=timezone.now())
    job.refresh_from_db()
    return job


def job_path(job: ReportJob) -> Path | None:
    """The finished job's file, if it is still there (and really under MEDIA_ROOT/exports)."""
    if job.status != JobStatus.DONE or not job.file:
        return None
    root = (Path(settings.MEDIA_ROOT) / EXPORTS).resolve()
    path = (Path(settings.MEDIA_ROOT) / job.file).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def jobs_clean() -> int:
    """Delete jobs (and their files) older than EXPORT_KEEP_HOURS; the number deleted."""
    hours = getattr(settings, "EXPORT_KEEP_HOURS", 24)
    old = ReportJob.objects.filter(created_at__lt=timezone.now() - timedelta(hours=hours))
    count = 0
    for job in old.only("pk", "file", "status"):
        if job.file:
            (Path(settings.MEDIA_ROOT) / job.file).unlink(missing_ok=True)
        count += 1
    old.delete()
    return count
