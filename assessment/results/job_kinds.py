"""Background jobs of results: computing a round (scores, ranks, rank intervals by Monte Carlo
draws, the ranking read model)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.collection.access import round_roles
from assessment.collection.models import Round
from assessment.jobs.kinds import JobError, register
from assessment.jobs.models import Job
from assessment.jobs.services import start_job, work_key
from assessment.regions.access import is_administrator
from assessment.regions.models import Role
from assessment.results.services.compute import ComputeError, compute_round

COMPUTE = "results.compute"
COMPUTED = gettext_lazy(
    "Computed %(results)s results for %(regions)s regions of %(round)s in %(seconds).1f s."
)


def start_compute(round_: Round, *, owner, next_url: str = "") -> Job:
    """Queue the round's computation (or find the one already queued: one runs at a time)."""
    return start_job(
        COMPUTE,
        owner=owner,
        title=_("Compute the results of %(round)s") % {"round": round_},
        key=work_key(COMPUTE, round_.pk),
        params={"round": round_.pk},
        next_url=next_url,
    )


@register(COMPUTE, label=gettext_lazy("Compute results"))
def compute(job, run) -> str:
    """The round's results are replaced in one transaction: a run that stops half-way leaves
    the previous results."""
    round_ = Round.objects.select_related("system", "scope").filter(pk=job.params["round"]).first()
    if round_ is None:
        raise JobError(_("The round is gone."))
    # Evaluators recompute a round by accepting an appeal against its provisional results.
    if not (is_administrator(job.owner) or Role.EVALUATOR in round_roles(job.owner, round_)):
        raise JobError(_("Only administrators compute results."))
    try:
        report = compute_round(round_=round_, on_step=run.step)
    except ComputeError as error:
        raise JobError(
            _("Results of %(round)s were not computed: %(error)s")
            % {"round": round_, "error": error}
        ) from error
    return str(
        COMPUTED
        % {
            "results": f"{report.results:,}",
            "regions": report.regions,
            "round": round_,
            "seconds": report.seconds["total"],
        }
    )
