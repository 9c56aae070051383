"""What the appeal cycle tells people (assessment/notifications): provisional results
published (the supervisors and evaluators of the scope, the staff of every participating
region: the window for appeals is open), and an appeal decided (the region's staff and
whoever filed it, while they still see the region)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from assessment.appeals.models import Appeal
from assessment.appeals.window import last_day
from assessment.collection.models import Round
from assessment.notifications.models import Kind
from assessment.notifications.recipients import readers_of, region_staff
from assessment.notifications.services import (
    after_commit,
    notify,
    notify_region_staff,
    notify_scope_readers,
)


def on_provisional(round_: Round) -> None:
    after_commit(provisional_published, round_.pk)


def on_decided(appeal: Appeal) -> None:
    after_commit(appeal_decided, appeal.pk)


def provisional_published(round_id: int) -> int:
    round_ = Round.objects.get(pk=round_id)
    params = {"round": round_.name, "day": last_day(round_.appeals_close_at).isoformat()}
    title = _("Provisional results of %(round)s: appeals until %(day)s") % params
    told = notify_scope_readers(
        round_.scope_id, Kind.RESULTS_PROVISIONAL, title,
        url=reverse("assessment:ranking", args=[round_.pk]),
    )  # fmt: skip
    return told + notify_region_staff(
        round_.participating_regions(), Kind.RESULTS_PROVISIONAL, title,
        body=_("Check your region's profile; an appeal with evidence may be filed from it "
               "until the end of %(day)s.") % params,
        url_for=lambda code: reverse("assessment:profile", args=[round_.pk, code]),
    )  # fmt: skip


def appeal_decided(appeal_id: int) -> int:
    appeal = Appeal.objects.select_related("round", "region", "indicator").get(pk=appeal_id)
    code = appeal.region_id
    params = {
        "region": appeal.region.name,
        "code": appeal.indicator.code,
        "round": appeal.round.name,
        "decision": appeal.get_status_display(),
    }
    title = _("%(region)s: appeal on %(code)s in %(round)s decided: %(decision)s") % params
    if appeal.outcome:
        outcome = appeal.get_outcome_display()
        title = _("%(title)s (%(outcome)s)") % {"title": title, "outcome": outcome}
    return notify(
        region_staff(code) | readers_of(code, appeal.filed_by_id),
        Kind.APPEAL_DECIDED,
        title,
        body=appeal.decision_reason,
        url=reverse("assessment:appeal_detail", args=[appeal.pk]),
        region=code,
    )
