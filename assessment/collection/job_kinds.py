"""Background jobs of data collection: applying a large import."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.collection.access import EXCHANGE_ROLES, import_rules, require_round_role
from assessment.collection.models import ImportBatch
from assessment.collection.services.importing import import_apply
from assessment.jobs.kinds import JobError, register

IMPORT_APPLY = "collection.import_apply"
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
