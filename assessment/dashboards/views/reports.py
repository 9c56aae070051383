"""Excel and CSV exports of the ranking and profile pages, and background export jobs.

Every export goes through the same access checks and the same selectors as its page, so it
holds exactly what the page shows to the same user for the same GET parameters.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from assessment.dashboards.access import get_report_job_for_user
from assessment.dashboards.filters import ranking_for
from assessment.dashboards.models import JobStatus
from assessment.dashboards.reports import build
from assessment.dashboards.reports.files import content_disposition
from assessment.dashboards.reports.jobs import job_path, job_refresh, job_start
from assessment.dashboards.reports.ranking_csv import ranking_csv
from assessment.dashboards.reports.region_report import write_region_report
from assessment.dashboards.reports.round_report import write_round_report
from assessment.dashboards.selectors.reports import round_report as round_report_data
from assessment.dashboards.tables import table_for
from assessment.dashboards.views.profile import visible_profile
from assessment.rectification.selectors.tasks import report_tasks
from assessment.results.access import get_ranking_round_for_user, ranking_visibility

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_POST
def round_report(request: HttpRequest, round_id: int) -> HttpResponse:
    """The round report of the ranking page's filter: written now for a small filter,
    else started as a background job (303 to its page)."""
    user = request.user
    round_ = get_ranking_round_for_user(user, round_id, request.GET)
    if round_.computed_at is None:
        raise Http404
    visibility = ranking_visibility(user)
    params = build.filter_params(request.GET)
    read = build.read_for(round_, params, visibility)
    parents = [read.parent] if read.parent else []
    title, name, fallback = build.report_names(round_, [read.result.level], parents)
    if read.result.rows.count() > settings.EXPORT_DIRECT_MAX_REGIONS:
        job = job_start(user=user, round_=round_, params=params, title=title, filename=name)
        return redirect("assessment:export_job", job.pk)
    report = round_report_data(
        round_=round_,
        sections=[build.section_for(read, params.get("sort", ""))],
        parents=set(parents),
        exported_by=user.get_username(),
    )
    return _workbook(lambda target: write_round_report(report, target), name, fallback)


@login_required
@require_GET
def ranking_csv_view(request: HttpRequest, round_id: int) -> HttpResponse:
    """The ranking table as CSV: every row of the filter, the page's columns and order."""
    user = request.user
    round_ = get_ranking_round_for_user(user, round_id, request.GET)
    read = ranking_for(request.GET, round_, visibility=ranking_visibility(user))
    table = table_for(read, profile_links=False)
    if sort := request.GET.get("sort", ""):
        table.order_by = sort
    parents = [read.parent] if read.parent else []
    _, name, fallback = build.report_names(round_, [read.result.level], parents)
    response = HttpResponse(ranking_csv(table), content_type="text/csv")
    response["Content-Disposition"] = content_disposition(
        name.removesuffix(".xlsx") + ".csv", fallback.removesuffix(".xlsx") + ".csv"
    )
    return response


@login_required
@require_GET
def profile_report(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """One region's profile as a workbook, for whoever may open the profile page."""
    user = request.user
    round_, region, profile = visible_profile(user, round_id, code)
    name = f"{round_.name}-{region.name}-{region.code}.xlsx"
    fallback = f"round-{round_.pk}-{round_.period}-region-{region.code}.xlsx"
    tasks = report_tasks(round_=round_, region=region)  # the 整改任务 sheet
    return _workbook(
        lambda target: write_region_report(
            profile, target, tasks=tasks, exported_by=user.get_username()
        ),
        name,
        fallback,
    )


def _workbook(write: Callable, name: str, fallback: str) -> FileResponse:
    """Write into a temporary file and stream it: the workbook is never held in memory."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    try:
        write(handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    response = FileResponse(handle, content_type=XLSX)
    response["Content-Disposition"] = content_disposition(name, fallback)
    return response


@login_required
@require_GET
def export_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_refresh(get_report_job_for_user(request.user, job_id))
    return render(request, "dashboards/export_job.html", {"job": job, "round": job.round})


@login_required
@require_GET
def export_job_status(request: HttpRequest, job_id: int) -> JsonResponse:
    """What the job page polls: status, progress, stage, error, and the download link."""
    job = job_refresh(get_report_job_for_user(request.user, job_id))
    done = job.status == JobStatus.DONE
    return JsonResponse(
        {
            "status": job.status,
            "label": job.get_status_display(),
            "progress": job.progress,
            "stage": job.stage,
            "error": job.error,
            "finished": job.finished,
            "download": reverse("assessment:export_download", args=[job.pk]) if done else None,
        }
    )


@login_required
@require_GET
def export_job_download(request: HttpRequest, job_id: int) -> FileResponse:
    job = get_report_job_for_user(request.user, job_id)
    path = job_path(job)
    if path is None:
        raise Http404
    response = FileResponse(path.open("rb"), content_type=XLSX)
    fallback = f"round-{job.round_id}-export-{job.pk}.xlsx"
    response["Content-Disposition"] = content_disposition(job.filename, fallback)
    return response
