"""Background jobs of panels: assigning experts to a round's cells (a national round has tens
of thousands), and the daily reminder of cells not scored by the panel's date."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.jobs.kinds import JobError, periodic, register
from assessment.jobs.services import schedule_daily
from assessment.panels import reminders
from assessment.panels.models import Panel
from assessment.panels.services import PanelError, assign_automatically
from assessment.regions.access import is_administrator

ASSIGN = "panels.assign"
OVERDUE = "panels.overdue"


@register(ASSIGN, label=gettext_lazy("Assign panel experts"))
def assign(job, run) -> str:
    if not is_administrator(job.owner):
        raise JobError(_("Only administrators assign experts."))
    panel = Panel.objects.select_related("round").filter(pk=job.params["panel"]).first()
    if panel is None:
        raise JobError(_("The panel is gone."))
    try:
        cells = assign_automatically(panel, actor=job.owner, on_step=run.step)
    except PanelError as error:
        raise JobError(str(error)) from error
    return _("%(cells)s cells of %(round)s assigned to the panel's experts.") % {
        "cells": f"{cells:,}",
        "round": panel.round,
    }


@register(OVERDUE, label=gettext_lazy("Overdue expert review reminders"), keep_hours=48)
def overdue_reminders(job, run) -> str:
    """Remind the experts who have cells to score past their panel's date; then queue
    tomorrow's run."""
    with translation.override(settings.LANGUAGE_CODE):  # stored for the experts to read
        count = reminders.overdue_reminders()
    run.step(1)
    schedule_overdue_reminders()
    return _("%(count)s expert review reminder(s) sent.") % {"count": count}


@periodic
def schedule_overdue_reminders():
    return schedule_daily(
        OVERDUE, title=str(gettext_lazy("Overdue expert review reminders")),
        hour=settings.NOTIFICATION_DAILY_HOUR,
    )  # fmt: skip
