"""The one task the queue carries: "run job N". Its module path is what workers import."""

from __future__ import annotations

from django_tasks import task
from django_tasks_db import DatabaseBackend

from assessment.jobs.execution import execute_job


@task()
def run_job(job_id: int) -> None:
    execute_job(job_id)


def on_database_queue() -> bool:
    """Whether jobs go through the database queue (no JOBS_REDIS_URL) rather than Redis."""
    return isinstance(run_job.get_backend(), DatabaseBackend)
