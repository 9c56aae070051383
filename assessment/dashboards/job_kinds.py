"""Background jobs of the dashboards: a round report too large to write in the request, and
the written 评估报告 (Word or PDF)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.collection.models import Round
from assessment.core.people import person_name
from assessment.dashboards.reports.build import report_for
from assessment.dashboards.reports.round_report import write_round_report
from assessment.dashboards.reports.written.build import write_written
from assessment.dashboards.reports.written.pdf import PdfUnavailable
from assessment.jobs.kinds import JobError, register
from assessment.results.access import ranking_visibility

ROUND_REPORT = "dashboards.round_report"


def _computed_round(job) -> Round:
    """The job's round, if it still has results."""
    round_ = (
        Round.objects.select_related("system", "scope", "previous")
        .filter(pk=job.params.get("round"), computed_at__isnull=False)
        .first()
    )
    if round_ is None:
        raise JobError(_("The round has no results any more."))
    return round_


@register(ROUND_REPORT, label=gettext_lazy("Excel report"))
def round_report(job, run) -> str:
    """The round report of a ranking filter (`params`: round, filter), as its starter may see
    it now."""
    round_ = _computed_round(job)
    run.step(0, _("Reading the results"))
    report = report_for(
        round_,
        job.params.get("filter", {}),
        ranking_visibility(job.owner),
        exported_by=person_name(job.owner),
    )
    write_round_report(report, run.output(".xlsx"), progress=run.step)
    return _("%(regions)s regions written.") % {"regions": f"{len(report.rows):,}"}


WRITTEN_REPORT = "dashboards.written_report"


@register(WRITTEN_REPORT, label=gettext_lazy("Assessment report (Word/PDF)"))
def written_report(job, run) -> str:
    """The written 评估报告 of a ranking filter (`params`: round, filter, format)."""
    round_ = _computed_round(job)
    fmt = job.params.get("format", "docx")
    run.step(0, _("Reading the results"))
    report = report_for(
        round_,
        job.params.get("filter", {}),
        ranking_visibility(job.owner),
        exported_by=person_name(job.owner),
    )
    try:
        write_written(report, run.output(f".{fmt}"), fmt=fmt, progress=run.step)
    except PdfUnavailable as error:
        raise JobError(
            _("This server cannot make PDF files: download the Word document.")
        ) from error
    return _("%(regions)s regions written.") % {"regions": f"{len(report.rows):,}"}
