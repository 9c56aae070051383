"""Running one job in a worker: claim it, run its kind's function, record how it ended."""

from __future__ import annotations

import logging
import os
import socket
from pathlib import Path

from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from assessment.jobs.kinds import JobError, kind_of
from assessment.jobs.models import Job, JobState
from assessment.jobs.runs import JobCancelled, JobRun

logger = logging.getLogger(__name__)

WORKER = f"{socket.gethostname()}:{os.getpid()}"
FAILED = _("The job failed. Try again; if it fails again, tell an administrator.")
CANCELLED = _("Cancelled.")


def execute_job(job_id: int) -> None:
    """Run a queued job to its end; never raises (the job row says what happened)."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING,
        attempts=F("attempts") + 1,
        worker=WORKER[:100],
        started_at=now,
        heartbeat_at=now,
        progress=0,
        error="",
    )
    if not claimed:  # cancelled while queued, or a second delivery of the same enqueue
        return
    job = Job.objects.select_related("owner").get(pk=job_id)
    run = JobRun(job)
    try:
        kind = kind_of(job.kind)
        with translation.override(job.language):
            message = str(kind.run(job, run) or "")
        file = run.keep_output()
    except JobCancelled:
        run.discard_output()
        _finish(job, JobState.CANCELLED, error=str(CANCELLED))
    except JobError as error:
        run.discard_output()
        _finish(job, JobState.FAILED, error=str(error))
    except Exception as error:  # recorded on the job: the worker must go on with the next
        logger.exception("Job %s (%s) failed", job_id, job.kind)
        run.discard_output()
        _finish(job, JobState.FAILED, error=f"{FAILED} ({type(error).__name__})")
    else:
        if not _finish(job, JobState.DONE, message=message, file=file) and file:
            # The run was given up meanwhile (its worker looked lost): its file is no one's.
            (Path(settings.MEDIA_ROOT) / file).unlink(missing_ok=True)


def _finish(job: Job, state: str, *, message: str = "", error: str = "", file: str = "") -> int:
    now = timezone.now()
    return Job.objects.filter(pk=job.pk, state=JobState.RUNNING, attempts=job.attempts).update(
        state=state,
        progress=100 if state == JobState.DONE else F("progress"),
        stage="",
        message=message,
        error=error,
        file=file,
        finished_at=now,
        heartbeat_at=now,
    )
