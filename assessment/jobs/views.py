"""The job page (progress, cancel, retry, the result file), its status poll, and my jobs."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessment.core.files import content_disposition
from assessment.jobs.access import get_job_for_user, visible_jobs
from assessment.jobs.kinds import kind_of
from assessment.jobs.models import Job, JobState
from assessment.jobs.runs import result_path
from assessment.jobs.services import cancel_job, refresh, retry_job
from assessment.regions.access import is_administrator

#: A job queued longer than this without starting gets a hint that no worker may be running.
WAITING_HINT_SECONDS = 30
CONTENT_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}


def _kind_label(job: Job) -> str:
    try:
        return str(kind_of(job.kind).label)
    except KeyError:
        return job.kind


def _waiting_long(job: Job) -> bool:
    since = max(job.created_at, job.run_after or job.created_at)
    return job.state == JobState.QUEUED and since < timezone.now() - timedelta(
        seconds=WAITING_HINT_SECONDS
    )


@login_required
@require_GET
def job_page(request: HttpRequest, job_id: int) -> HttpResponse:
    job = refresh(get_job_for_user(request.user, job_id))
    context = {"job": job, "kind": _kind_label(job), "waiting_long": _waiting_long(job),
               "download": result_path(job) is not None}  # fmt: skip
    return render(request, "jobs/job.html", context)


@login_required
@require_GET
def job_status(request: HttpRequest, job_id: int) -> JsonResponse:
    """What the job page polls."""
    job = refresh(get_job_for_user(request.user, job_id))
    return JsonResponse(
        {
            "state": job.state,
            "label": job.get_state_display(),
            "progress": job.progress,
            "stage": job.stage,
            "finished": job.finished,
            "waiting_long": _waiting_long(job),
        }
    )


@login_required
@require_POST
def job_cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    job = cancel_job(get_job_for_user(request.user, job_id))
    if job.state == JobState.RUNNING:
        messages.info(request, _("Cancelling: the job stops at its next step."))
    return redirect("assessment:job", job.pk)


@login_required
@require_POST
def job_retry(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_job_for_user(request.user, job_id)
    if not job.can_retry:
        messages.error(request, _("Only a failed or cancelled job can be started again."))
        return redirect("assessment:job", job.pk)
    again = retry_job(job)
    return redirect("assessment:job", again.pk)


@login_required
@require_GET
def job_download(request: HttpRequest, job_id: int) -> FileResponse:
    job = get_job_for_user(request.user, job_id)
    path = result_path(job)
    if path is None:
        raise Http404
    content_type = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
    response = FileResponse(path.open("rb"), content_type=content_type)
    fallback = f"job-{job.pk}{path.suffix}"
    response["Content-Disposition"] = content_disposition(job.filename or fallback, fallback)
    return response


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    """My background jobs, newest first (administrators: everyone's)."""
    page = Paginator(visible_jobs(request.user), 50).get_page(request.GET.get("page"))
    rows = [(job, _kind_label(job)) for job in page.object_list]
    context = {"page": page, "rows": rows, "show_owner": is_administrator(request.user),
               "keep_hours": settings.JOB_KEEP_HOURS}  # fmt: skip
    return render(request, "jobs/job_list.html", context)
