"""The daily digest: a periodic job (jobs.kinds.periodic) at NOTIFICATION_DAILY_HOUR."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.jobs.kinds import periodic, register
from assessment.jobs.models import Job
from assessment.jobs.services import schedule_daily
from assessment.notifications.mail import send_digests

DIGEST = "notifications.digest"


@register(DIGEST, label=gettext_lazy("Daily notification digest"), keep_hours=48)
def digest(job, run) -> str:
    """E-mail each person who wants it their unread notifications of the last day, then
    queue tomorrow's run."""
    sent = send_digests()
    run.step(1)
    schedule_digest()
    return _("%(count)s digest e-mail(s) sent.") % {"count": sent}


@periodic
def schedule_digest() -> Job:
    return schedule_daily(
        DIGEST, title=str(gettext_lazy("Daily notification digest")),
        hour=settings.NOTIFICATION_DAILY_HOUR,
    )  # fmt: skip
