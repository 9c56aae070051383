"""Background jobs of data collection: applying a large import; the daily deadline reminders."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.collection import notices
from assessment.collection.access import EXCHANGE_ROLES, import_rules, require_round_role
from assessment.collection.models import ImportBatch
from assessment.collection.services.importing import import_apply
from assessment.jobs.kinds import JobError, periodic, register
from assessment.jobs.services import schedule_daily

IMPORT_APPLY = "collection.import_apply"
DEADLINES = "collection.deadline_reminders"
APPLIED = gettext_lazy("Imported: %(changes)s value(s) changed in %(submissions)s submission(s).")


@register(IMPORT_APPLY, label=gettext_lazy("Apply an import"))
def apply_import(job, run) -> str:
    """Check the checked upload again and write it, all or nothing, with its uploader's rights
    as they are now."""
    batch = ImportBatch.objects.select_related("round__scope").filter(pk=job.params["batch"])
    batch = batch.first()
    if batch is None:
        raise JobError(_("The import is gone."))
    try:
        require_round_role(job.owner, batch.round, EXCHANGE_ROLES)
    except PermissionDenied as error:
        raise JobError(_("You may no longer import into this round.")) from error
    rules = import_rules(job.owner, batch.round, include_approved=batch.include_approved)
    run.step(0.05, _("Reading and checking the workbook"))
    try:
        check = import_apply(batch=batch, user=job.owner, rules=rules)
    except ValidationError as error:  # problems found on the second check, already applied …
        raise JobError(" ".join(error.messages)) from error
    return str(APPLIED % check.summary())


@register(DEADLINES, label=gettext_lazy("Deadline reminders"), keep_hours=48)
def deadline_reminders(job, run) -> str:
    """Remind the staff of regions that have not handed in, 3 days and 1 day before their
    deadline; then queue tomorrow's run."""
    with translation.override(settings.LANGUAGE_CODE):  # read by many: the site's language
        count = notices.deadline_reminders()
    run.step(1)
    schedule_deadline_reminders()
    return _("%(count)s deadline reminder(s) sent.") % {"count": count}


@periodic
def schedule_deadline_reminders():
    return schedule_daily(
        DEADLINES, title=str(gettext_lazy("Deadline reminders")),
        hour=settings.NOTIFICATION_DAILY_HOUR,
    )  # fmt: skip
