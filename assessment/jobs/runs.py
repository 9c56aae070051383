"""What a running job's function gets: progress reporting, cancellation, its output file."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from assessment.jobs.models import Job, JobState

#: Result files live under MEDIA_ROOT/jobs/ and are served only through the job's page.
FOLDER = "jobs"
#: Progress is written at most this often (seconds); each write is also the sign of life.
WRITE_EVERY = 0.5


class JobCancelled(Exception):
    """Someone asked to cancel the job, or it is no longer this worker's to run."""


class JobRun:
    def __init__(self, job: Job):
        self.job = job
        self._written = 0.0
        self._stage = ""
        self._output: Path | None = None

    def step(self, fraction: float, stage: str = "") -> None:
        """Record progress (0–1) and what is being done; stop here if the job was cancelled.

        A new stage is written at once; progress within a stage at most every WRITE_EVERY.

        Call it between units of work, never inside a transaction of the job's own: the write
        is what the job page and the lost-worker check read."""
        now = time.monotonic()
        new_stage = bool(stage) and str(stage) != self._stage
        if now - self._written < WRITE_EVERY and fraction < 1 and not new_stage:
            return
        self._written = now
        self._stage = str(stage) if stage else self._stage
        fields = {"heartbeat_at": timezone.now(), "progress": max(0, min(99, int(fraction * 100)))}
        if stage:
            fields["stage"] = str(stage)[:200]
        mine = Job.objects.filter(
            pk=self.job.pk, state=JobState.RUNNING, attempts=self.job.attempts
        )
        if not mine.filter(cancel_requested=False).update(**fields):
            raise JobCancelled

    def output(self, suffix: str = ".xlsx") -> Path:
        """Where the job writes its result file (renamed into place only if the job succeeds)."""
        if self._output is None:
            name = f"{self.job.pk}-{uuid.uuid4().hex}{suffix}"
            self._output = Path(settings.MEDIA_ROOT) / FOLDER / name
            self._output.parent.mkdir(parents=True, exist_ok=True)
        return self._output.with_name(self._output.name + ".part")

    def keep_output(self) -> str:
        """Move a written file into place; its path relative to MEDIA_ROOT ("" if none)."""
        if self._output is None:
            return ""
        self.output().replace(self._output)
        return f"{FOLDER}/{self._output.name}"

    def discard_output(self) -> None:
        if self._output is not None:
            self.output().unlink(missing_ok=True)


def partial_files(job_id: int) -> list[Path]:
    """Half-written files a lost run of the job left behind."""
    folder = Path(settings.MEDIA_ROOT) / FOLDER
    return list(folder.glob(f"{job_id}-*.part")) if folder.is_dir() else []


def result_path(job: Job) -> Path | None:
    """The finished job's file, if it is still there (and really under MEDIA_ROOT/jobs)."""
    if job.state != JobState.DONE or not job.file:
        return None
    root = (Path(settings.MEDIA_ROOT) / FOLDER).resolve()
    path = (Path(settings.MEDIA_ROOT) / job.file).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path
