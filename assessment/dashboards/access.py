"""Access to export jobs."""

from __future__ import annotations

from django.http import Http404

from assessment.dashboards.models import ReportJob
from assessment.regions.access import is_administrator


def get_report_job_for_user(user, job_id: int) -> ReportJob:
    """An export job is visible to whoever started it and to administrators; else 404."""
    job = ReportJob.objects.select_related("round").filter(pk=job_id).first()
    if job is None or not (is_administrator(user) or job.owner_id == user.pk):
        raise Http404
    return job
