"""Starting, cancelling and retrying jobs, and the housekeeping that keeps the queue honest."""

from __future__ import annotations

import hashlib
import json
import logging
import math
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks.exceptions import TaskResultDoesNotExist

from assessment.jobs.kinds import all_kinds, all_periodic, kind_of
from assessment.jobs.models import UNFINISHED, Job, JobState
from assessment.jobs.runs import partial_files
from assessment.jobs.tasks import run_job

logger = logging.getLogger(__name__)

LOST = _(
    "The worker running this job stopped before it finished (a restart or a crash); "
    "nothing it did was kept."
)
REQUEUED = _("Queued again: the worker running it stopped before it finished")
HOUSEKEEPING = "jobs.housekeeping"


def start_job(
    kind: str,
    *,
    owner,
    title: str,
    key: str,
    params: dict | None = None,
    next_url: str = "",
    filename: str = "",
    run_after: datetime | None = None,
) -> Job:
    """The unfinished job doing the same work (same `key`), or a new one, queued once the
    caller's transaction commits."""
    kind_of(kind)  # a kind no app registered is a programming error: fail here, not later
    same = Job.objects.filter(key=key, state__in=UNFINISHED).first()
    if same is not None:
        same = refresh(same)
        if not same.finished:
            return same
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                owner=owner,
                title=str(title)[:300],
                key=key[:200],
                params=params or {},
                language=translation.get_language() or settings.LANGUAGE_CODE,
                next_url=next_url[:500],
                filename=filename[:200],
                run_after=run_after,
            )
    except IntegrityError:  # a start in another request won the key a moment ago
        return Job.objects.get(key=key, state__in=UNFINISHED)
    transaction.on_commit(partial(enqueue, job.pk), robust=True)
    return job


def work_key(kind: str, *parts) -> str:
    """The key of a piece of work: its kind and what it works on (ids, a filter's parameters)."""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"{kind}:{digest[:40]}"


def enqueue(job_id: int) -> None:
    """Hand the job to the queue (after the row is committed: a worker must find it)."""
    job = Job.objects.filter(pk=job_id, state=JobState.QUEUED).first()
    if job is None:
        return
    task = run_job.using(run_after=job.run_after) if job.run_after else run_job
    result = task.enqueue(job_id)
    Job.objects.filter(pk=job_id).update(task_id=result.id)


def cancel_job(job: Job) -> Job:
    """A queued job is cancelled at once; a running one stops at its next progress step."""
    now = timezone.now()
    Job.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
        state=JobState.CANCELLED, error=str(_("Cancelled.")), finished_at=now
    )
    Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(cancel_requested=True)
    job.refresh_from_db()
    return job


def retry_job(job: Job) -> Job:
    """A failed or cancelled job queued again; if the same work was started anew meanwhile,
    that job."""
    if not job.can_retry:
        return job
    try:
        with transaction.atomic():
            Job.objects.filter(pk=job.pk, state__in=[JobState.FAILED, JobState.CANCELLED]).update(
                state=JobState.QUEUED,
                progress=0,
                stage="",
                message="",
                error="",
                cancel_requested=False,
                finished_at=None,
                run_after=None,
            )
    except IntegrityError:
        return Job.objects.get(key=job.key, state__in=UNFINISHED)
    transaction.on_commit(partial(enqueue, job.pk), robust=True)
    job.refresh_from_db()
    return job


def refresh(job: Job) -> Job:
    """The job as it stands; a running job without a sign of life lost its worker."""
    if job.state == JobState.RUNNING and job.heartbeat_at and job.heartbeat_at < _stale_before():
        recover_lost(Job.objects.filter(pk=job.pk))
        job.refresh_from_db()
    return job


def _stale_before() -> datetime:
    return timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS)


def recover_lost(jobs=None) -> int:
    """Running jobs whose heartbeat stopped: queued again (up to JOB_MAX_ATTEMPTS runs, if
    their kind allows it) or failed. Their half-written files are deleted. The number found."""
    jobs = Job.objects.all() if jobs is None else jobs
    lost = list(jobs.filter(state=JobState.RUNNING, heartbeat_at__lt=_stale_before()))
    for job in lost:
        for path in partial_files(job.pk):
            path.unlink(missing_ok=True)
        again = kind_of(job.kind).retry_lost and job.attempts < settings.JOB_MAX_ATTEMPTS
        still = Job.objects.filter(pk=job.pk, state=JobState.RUNNING, attempts=job.attempts)
        if again and still.update(state=JobState.QUEUED, stage=str(REQUEUED), run_after=None):
            transaction.on_commit(partial(enqueue, job.pk), robust=True)
        elif not again:
            still.update(state=JobState.FAILED, error=str(LOST), finished_at=timezone.now())
    return len(lost)


def requeue_orphans() -> int:
    """Queued jobs the queue does not know (the enqueue failed, or Redis lost its data):
    handed to it again. The number found."""
    grace = timezone.now() - timedelta(seconds=60)
    waiting = Job.objects.filter(state=JobState.QUEUED, created_at__lt=grace).filter(
        Q(run_after__isnull=True) | Q(run_after__lt=grace)
    )
    count = 0
    for job in waiting:
        if job.task_id:
            try:
                run_job.get_result(job.task_id)
                continue
            except TaskResultDoesNotExist:
                pass
        enqueue(job.pk)
        count += 1
    return count


def delete_expired() -> int:
    """Finished jobs past their keep time, with their files. The number deleted."""
    count = 0
    now = timezone.now()
    for kind in all_kinds():
        hours = kind.keep_hours if kind.keep_hours is not None else settings.JOB_KEEP_HOURS
        expired = Job.objects.filter(
            kind=kind.name, finished_at__lt=now - timedelta(hours=hours)
        ).exclude(state__in=UNFINISHED)
        for job in expired.only("pk", "file"):
            if job.file:
                (Path(settings.MEDIA_ROOT) / job.file).unlink(missing_ok=True)
            count += 1
        expired.delete()
    return count


def schedule_housekeeping() -> Job:
    """The next housekeeping run, at the next multiple of JOB_HOUSEKEEPING_MINUTES. Every
    worker asks for it when it starts and every run asks for the next: the key (the slot's
    time) makes them one job."""
    interval = settings.JOB_HOUSEKEEPING_MINUTES * 60
    slot = math.floor(timezone.now().timestamp() / interval) + 1
    at = datetime.fromtimestamp(slot * interval, tz=timezone.get_current_timezone())
    return start_job(
        HOUSEKEEPING,
        owner=None,
        title=str(_("Housekeeping")),
        key=f"{HOUSEKEEPING}:{slot}",
        run_after=at,
    )


def schedule_daily(kind: str, *, title: str, hour: int) -> Job:
    """The next run of a daily job, at `hour` o'clock (TIME_ZONE) today if that is still to
    come, else tomorrow; its key is the kind and the day, so asking again finds it."""
    now = timezone.localtime()
    at = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if at <= now:
        at += timedelta(days=1)
    return start_job(kind, owner=None, title=title, key=f"{kind}:{at:%Y-%m-%d}", run_after=at)


def schedule_periodic() -> None:
    """The next housekeeping run and the next run of every app's periodic job."""
    schedule_housekeeping()
    for schedule in all_periodic():
        schedule()
