"""Background jobs of panels: assigning experts to a round's cells (a national round has tens
of thousands)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.jobs.kinds import JobError, register
from assessment.panels.models import Panel
from assessment.panels.services import PanelError, assign_automatically
from assessment.regions.access import is_administrator

ASSIGN = "panels.assign"


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
