"""Background jobs of rectification: publishing a round, which turns its findings into tasks,
and the daily reminder of overdue tasks."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.collection.models import Round
from assessment.jobs.kinds import JobError, periodic, register
from assessment.jobs.services import schedule_daily
from assessment.rectification import notices
from assessment.rectification.services.publishing import PublishError, publish_round
from assessment.regions.access import is_administrator

PUBLISH = "rectification.publish"
OVERDUE = "rectification.overdue"
PUBLISHED = gettext_lazy("%(round)s is published: %(count)s new rectification task(s).")


@register(PUBLISH, label=gettext_lazy("Publish results"))
def publish(job, run) -> str:
    """Publication and its tasks in one transaction: all of it, or none."""
    if not is_administrator(job.owner):
        raise JobError(_("Only administrators publish results."))
    round_ = Round.objects.filter(pk=job.params["round"]).first()
    if round_ is None:
        raise JobError(_("The round is gone."))
    run.step(0.05, _("Publishing and creating rectification tasks"))
    try:
        published = publish_round(round_=round_)
    except PublishError as error:
        raise JobError(str(error)) from error
    return str(PUBLISHED % {"round": round_, "count": published.tasks_created})


@register(OVERDUE, label=gettext_lazy("Overdue rectification reminders"), keep_hours=48)
def overdue_reminders(job, run) -> str:
    """Tell the staff of regions whose rectification items have passed their due date; then
    queue tomorrow's run."""
    with translation.override(settings.LANGUAGE_CODE):  # read by many: the site's language
        count = notices.overdue_reminders()
    run.step(1)
    schedule_overdue_reminders()
    return _("%(count)s overdue reminder(s) sent.") % {"count": count}


@periodic
def schedule_overdue_reminders():
    return schedule_daily(
        OVERDUE, title=str(gettext_lazy("Overdue rectification reminders")),
        hour=settings.NOTIFICATION_DAILY_HOUR,
    )  # fmt: skip
