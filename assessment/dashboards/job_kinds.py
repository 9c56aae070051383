"""Background jobs of the dashboards: a round report too large to write in the request."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.collection.models import Round
from assessment.dashboards.reports.build import report_for
from assessment.dashboards.reports.round_report import write_round_report
from assessment.jobs.kinds import JobError, register
from assessment.results.access import ranking_visibility

ROUND_REPORT = "dashboards.round_report"


@register(ROUND_REPORT, label=gettext_lazy("Excel report"))
def round_report(job, run) -> str:
    """The round report of a ranking filter (`params`: round, filter), as its starter may see
    it now."""
    round_ = (
        Round.objects.select_related("system", "scope", "previous")
        .filter(pk=job.params.get("round"), computed_at__isnull=False)
        .first()
    )
    if round_ is None:
        raise JobError(_("The round has no results any more."))
    run.step(0, _("Reading the results"))
    report = report_for(
        round_,
        job.params.get("filter", {}),
        ranking_visibility(job.owner),
        exported_by=job.owner.get_username(),
    )
    write_round_report(report, run.output(".xlsx"), progress=run.step)
    return _("%(regions)s regions written.") % {"regions": f"{len(report.rows):,}"}
