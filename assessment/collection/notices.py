"""What data collection tells people (assessment/notifications): submissions returned and
approved, rounds opened and closed, reminders to submit (催报) and deadlines approaching.

Each `on_…` function is the one line a service adds: it runs the notice once the service's
transaction commits, in the site's language, so an action rolled back tells nobody. Only the
region's own staff are told about its submission; a round's news goes to the staff of every
participating region in one query and one insert, however many regions.
"""

from __future__ import annotations

from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from assessment.collection.models import Round, RoundStatus, Submission
from assessment.collection.rules import EDITABLE_STATUSES, deadline_for
from assessment.notifications.models import Kind
from assessment.notifications.recipients import region_staff
from assessment.notifications.services import after_commit, notify, notify_region_staff

#: Days before a deadline (extensions included) on which its region's staff are reminded.
DEADLINE_DAYS = (3, 1)


def _entry_url(round_id: int, code: str) -> str:
    return reverse("assessment:entry", args=[round_id, code])


def _when(moment: datetime | None) -> str:
    return date_format(localtime(moment), "Y-m-d H:i") if moment else "—"


def on_returned(submission: Submission, reason: str) -> None:
    after_commit(submission_returned, submission.pk, reason)


def on_approved(submission: Submission) -> None:
    after_commit(submission_approved, submission.pk)


def on_round_opened(round_: Round) -> None:
    after_commit(round_news, round_.pk, Kind.ROUND_OPENED)


def on_round_closed(round_: Round) -> None:
    after_commit(round_news, round_.pk, Kind.ROUND_CLOSED)


def on_chased(round_: Round, codes: list[str], user) -> None:
    after_commit(chased, round_.pk, codes, user.get_full_name() or user.get_username())


def _submission(submission_id: int) -> Submission:
    return Submission.objects.select_related("round", "region").get(pk=submission_id)


def submission_returned(submission_id: int, reason: str) -> int:
    submission = _submission(submission_id)
    params = {"region": submission.region.name, "round": submission.round.name}
    return notify(
        region_staff(submission.region_id),
        Kind.SUBMISSION_RETURNED,
        _("%(region)s: the submission to %(round)s was returned for changes") % params,
        body=reason or _("See the reviewer's comments beside the indicators."),
        url=_entry_url(submission.round_id, submission.region_id),
        region=submission.region_id,
    )


def submission_approved(submission_id: int) -> int:
    submission = _submission(submission_id)
    params = {"region": submission.region.name, "round": submission.round.name}
    return notify(
        region_staff(submission.region_id),
        Kind.SUBMISSION_APPROVED,
        _("%(region)s: the submission to %(round)s was approved") % params,
        url=_entry_url(submission.round_id, submission.region_id),
        region=submission.region_id,
    )


def round_news(round_id: int, kind: str) -> int:
    """A round opened or closed: the staff of every participating region (one query for
    them all, one insert)."""
    round_ = Round.objects.select_related("scope").get(pk=round_id)
    params = {"round": round_.name, "deadline": _when(round_.closes_at)}
    if kind == Kind.ROUND_OPENED:
        title = _("%(round)s is open for entry") % params
        body = _("Enter and submit your region's values by %(deadline)s.") % params
    else:
        title = _("%(round)s is closed for entry") % params
        body = _("Submissions are reviewed now; results follow once they are computed.")
    return notify_region_staff(
        round_.participating_regions(), kind, title, body=body,
        url_for=lambda code: _entry_url(round_.pk, code),
    )  # fmt: skip


def chased(round_id: int, codes: list[str], user_name: str) -> int:
    """A supervisor's reminder to submit (催报), to the staff of the chased regions (once a
    day per region: the Chase rows see to it)."""
    round_ = Round.objects.get(pk=round_id)
    params = {"round": round_.name, "who": user_name, "deadline": _when(round_.closes_at)}
    return notify_region_staff(
        codes,
        Kind.CHASE,
        _("Reminder: please submit %(round)s") % params,
        body=_(
            "%(who)s asks your region to complete and submit its values; the round closes "
            "on %(deadline)s unless your region was given an extension."
        ) % params,
        url_for=lambda code: _entry_url(round_.pk, code),
    )  # fmt: skip


def deadline_reminders(now: datetime | None = None) -> int:
    """Staff of regions that have not handed in, DEADLINE_DAYS days before their deadline
    (the round's, or their extension's), in open rounds. Idempotent per day: a key per round,
    region and deadline day. The number of notifications created."""
    now = now or timezone.now()
    today = localtime(now).date()
    due: dict[tuple[int, int, date], list[str]] = {}
    rounds: dict[int, Round] = {}
    waiting = Submission.objects.filter(
        round__status=RoundStatus.OPEN, status__in=EDITABLE_STATUSES
    ).select_related("round", "extension")
    for submission in waiting:
        deadline = deadline_for(submission)
        if deadline is None or deadline <= now:
            continue
        day = localtime(deadline).date()
        left = (day - today).days
        if left in DEADLINE_DAYS:
            rounds[submission.round_id] = submission.round
            due.setdefault((submission.round_id, left, day), []).append(submission.region_id)
    created = 0
    for (round_id, left, day), codes in sorted(due.items()):
        round_ = rounds[round_id]
        params = {"round": round_.name, "days": left, "day": date_format(day, "Y-m-d")}
        created += notify_region_staff(
            codes,
            Kind.DEADLINE,
            _("%(round)s: %(days)s day(s) left to submit") % params,
            body=_("Your region's values are due on %(day)s and have not been submitted yet.")
            % params,
            url_for=lambda code, r=round_id: _entry_url(r, code),
            key_for=lambda code, r=round_id, d=day, n=left: f"deadline:{r}:{code}:{d}:{n}",
        )
    return created
