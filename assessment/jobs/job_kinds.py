"""This app's own job: housekeeping, every JOB_HOUSEKEEPING_MINUTES (it also makes sure
every periodic job of the other apps has its next run queued)."""

from __future__ import annotations

from django.core.management import call_command
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.jobs import services
from assessment.jobs.kinds import register
from assessment.jobs.tasks import on_database_queue


@register(services.HOUSEKEEPING, label=gettext_lazy("Housekeeping"), keep_hours=1)
def housekeeping(job, run) -> str:
    """Jobs whose worker died are queued again or failed, jobs the queue lost are queued
    again, expired jobs and their files are deleted; then the next run is scheduled."""
    lost = services.recover_lost()
    orphans = services.requeue_orphans()
    deleted = services.delete_expired()
    if on_database_queue():
        # The database queue keeps a row per finished task; the job rows are what we keep.
        call_command("prune_db_task_results", "--min-age-days", "1", verbosity=0)
    run.step(1)
    services.schedule_periodic()  # its own next run, and every app's periodic jobs
    return _("%(lost)s lost, %(orphans)s queued again, %(deleted)s deleted.") % {
        "lost": lost,
        "orphans": orphans,
        "deleted": deleted,
    }
