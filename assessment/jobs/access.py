"""Who sees a job: whoever started it, and administrators; for anyone else it does not exist."""

from __future__ import annotations

from django.http import Http404

from assessment.jobs.models import Job
from assessment.regions.access import is_administrator


def get_job_for_user(user, job_id: int) -> Job:
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not (is_administrator(user) or (job.owner_id and job.owner_id == user.pk)):
        raise Http404
    return job


def visible_jobs(user):
    """The jobs a user's list shows: their own; administrators see everyone's."""
    jobs = Job.objects.select_related("owner")
    return jobs.exclude(owner=None) if is_administrator(user) else jobs.filter(owner=user)
