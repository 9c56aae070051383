"""Excel and CSV exports of the ranking and profile pages (large ones as background jobs).

Every export goes through the same access checks and the same selectors as its page, so it
holds exactly what the page shows to the same user for the same GET parameters.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessment.core.files import content_disposition
from assessment.core.people import person_name
from assessment.dashboards.filters import ranking_for, with_home
from assessment.dashboards.job_kinds import ROUND_REPORT, WRITTEN_REPORT
from assessment.dashboards.reports import build
from assessment.dashboards.reports.ranking_csv import ranking_csv
from assessment.dashboards.reports.region_report import write_region_report
from assessment.dashboards.reports.round_report import write_round_report
from assessment.dashboards.reports.written.build import FORMATS
from assessment.dashboards.reports.written.pdf import soffice
from assessment.dashboards.selectors.reports import round_report as round_report_data
from assessment.dashboards.tables import table_for
from assessment.dashboards.views.profile import visible_profile
from assessment.jobs.services import start_job, work_key
from assessment.rectification.selectors.tasks import report_tasks
from assessment.results.access import (
    get_ranking_round_for_user,
    ranking_home,
    ranking_visibility,
)

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
    params = build.filter_params(with_home(request.GET, round_, ranking_home(user)))
    read = build.read_for(round_, params, visibility)
    parents = [read.parent] if read.parent else []
    title, name, fallback = build.report_names(round_, [read.result.level], parents)
    if read.result.rows.count() > settings.EXPORT_DIRECT_MAX_REGIONS:
        job = start_job(
            ROUND_REPORT,
            owner=user,
            title=title,
            key=work_key(ROUND_REPORT, round_.pk, user.pk, params),
            params={"round": round_.pk, "filter": params},
            filename=name,
            next_url=f"{reverse('assessment:ranking', args=[round_.pk])}?{urlencode(params)}",
        )
        return redirect("assessment:job", job.pk)
    report = round_report_data(
        round_=round_,
        sections=[build.section_for(read, params.get("sort", ""))],
        parents=set(parents),
        exported_by=person_name(user),
    )
    return _workbook(lambda target: write_round_report(report, target), name, fallback)


@login_required
@require_POST
def written_report(request: HttpRequest, round_id: int) -> HttpResponse:
    """The written 评估报告 (Word, or PDF where LibreOffice is installed) of the ranking page's
    filter, always as a background job: charts and a document take seconds (303 to its page)."""
    user = request.user
    round_ = get_ranking_round_for_user(user, round_id, request.GET)
    if round_.computed_at is None:
        raise Http404
    fmt = request.POST.get("format", "docx")
    if fmt not in FORMATS or (fmt == "pdf" and soffice() is None):
        return HttpResponseBadRequest(_("Choose Word (docx) or, where offered, PDF."))
    params = build.filter_params(with_home(request.GET, round_, ranking_home(user)))
    read = build.read_for(round_, params, ranking_visibility(user))
    parents = [read.parent] if read.parent else []
    title, name, _fallback = build.report_names(
        round_, [read.result.level], parents, kind=build.WRITTEN, suffix=f".{fmt}"
    )
    job = start_job(
        WRITTEN_REPORT,
        owner=user,
        title=title,
        key=work_key(WRITTEN_REPORT, round_.pk, user.pk, {**params, "format": fmt}),
        params={"round": round_.pk, "filter": params, "format": fmt},
        filename=name,
        next_url=f"{reverse('assessment:ranking', args=[round_.pk])}?{urlencode(params)}",
    )
    return redirect("assessment:job", job.pk)


@login_required
@require_GET
def ranking_csv_view(request: HttpRequest, round_id: int) -> HttpResponse:
    """The ranking table as CSV: every row of the filter, the page's columns and order."""
    user = request.user
    round_ = get_ranking_round_for_user(user, round_id, request.GET)
    params = with_home(request.GET, round_, ranking_home(user))
    read = ranking_for(params, round_, visibility=ranking_visibility(user))
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
            profile, target, tasks=tasks, exported_by=person_name(user)
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
