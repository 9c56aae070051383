"""The one task the queue carries: "run job N". Its module path is what workers import."""

from __future__ import annotations

from django_tasks import task

from assessment.jobs.execution import execute_job


@task()
def run_job(job_id: int) -> None:
    execute_job(job_id)
