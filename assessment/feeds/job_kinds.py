"""Background jobs of raw feeds: checking and applying a file too large for a request
(settings.FEED_DIRECT_MAX_BYTES)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.feeds.models import RawFeed
from assessment.feeds.services import check_feed, feed_apply
from assessment.jobs.kinds import JobError, register
from assessment.regions.access import is_administrator

FEED_CHECK = "feeds.check"
FEED_APPLY = "feeds.apply"
CHECKED = gettext_lazy("Checked: %(rows)s rows, %(regions)s regions, %(problems)s problem(s).")
APPLIED = gettext_lazy("Applied: %(changes)s value(s) changed in %(submissions)s submission(s).")


def direct_max_bytes() -> int:
    """Files up to this size are checked and applied in the request; larger ones by a job."""
    return getattr(settings, "FEED_DIRECT_MAX_BYTES", 5 * 1024 * 1024)


def _feed(job) -> RawFeed:
    if not is_administrator(job.owner):
        raise JobError(_("Only administrators feed values from raw files."))
    feed = (
        RawFeed.objects.select_related("round", "indicator", "uploaded_by")
        .filter(pk=job.params["feed"])
        .first()
    )
    if feed is None:
        raise JobError(_("The raw file is gone."))
    return feed


@register(FEED_CHECK, label=gettext_lazy("Check a raw data file"))
def check(job, run) -> str:
    """The dry run of a large upload: aggregate it and check the values against the round."""
    feed = _feed(job)
    try:
        check_feed(feed, on_step=run.step)
    except ValidationError as error:
        raise JobError(" ".join(error.messages)) from error
    summary = feed.summary
    return str(CHECKED % {"rows": f"{summary['rows']:,}", "regions": summary["regions"],
                          "problems": summary["problems"]})  # fmt: skip


@register(FEED_APPLY, label=gettext_lazy("Apply a raw data file"))
def apply(job, run) -> str:
    """Aggregate the checked file again and write its values, all or nothing."""
    feed = _feed(job)
    try:
        check, _recompute = feed_apply(feed, job.owner, on_step=run.step)
    except ValidationError as error:  # problems on the second look, already applied, gone …
        raise JobError(" ".join(error.messages)) from error
    return str(APPLIED % {"changes": len(check.changes), "submissions": len(check.submissions)})
