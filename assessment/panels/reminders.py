"""The daily reminder of expert review cells not scored by the panel's date (a periodic job,
panels.overdue, in job_kinds.py), as rectification reminds regions of overdue tasks."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.collection.models import RoundStatus
from assessment.notifications.models import Kind
from assessment.notifications.services import notify
from assessment.panels.models import ExpertScore, Panel
from assessment.panels.notices import users_by_count, when


def reminder_key(panel_id: int, due_at: datetime) -> str:
    """One reminder per expert, panel and date: a date moved is news again."""
    return f"panel-overdue:{panel_id}:{due_at.astimezone(UTC):%Y-%m-%dT%H:%M}"


def overdue_reminders(now: datetime | None = None) -> int:
    """Each expert of a panel whose date has passed who still has cells to score (not
    adjudicated meanwhile, in a round not yet published): one notification with the count,
    per panel and date (a key sees to it, so the daily run tells them once, and again only
    when the date changes). The number of notifications created (one query, then a query and
    an insert per panel and count)."""
    now = now or timezone.now()
    late = (
        ExpertScore.objects.filter(
            cell__panel__due_at__lt=now, level__isnull=True, cell__adjudicated=False,
            expert__panel_seats__panel=F("cell__panel"),  # still on the panel
        )
        .exclude(cell__panel__round__status=RoundStatus.PUBLISHED)  # scoring is over
        .values_list("cell__panel_id", "expert_id")
        .annotate(n=Count("pk"))
        .order_by("cell__panel_id", "expert_id")
    )  # fmt: skip
    groups: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for panel_id, user_id, n in late:
        groups[panel_id].append((user_id, n))
    panels = Panel.objects.select_related("round").in_bulk(list(groups))
    url = reverse("assessment:panel_queue")
    created = 0
    for panel_id, pairs in groups.items():
        panel = panels.get(panel_id)
        if panel is None or panel.due_at is None or panel.due_at >= now:  # changed meanwhile
            continue
        for n, users in users_by_count(pairs):
            params = {"round": panel.round.name, "count": n, "due": when(panel.due_at)}
            created += notify(
                users,
                Kind.PANEL_OVERDUE,
                _("%(round)s: expert review overdue") % params,
                body=_("%(count)s cell(s) assigned to you were due by %(due)s and are not "
                       "scored yet: please score them in your expert review queue.") % params,
                url=url,
                key=reminder_key(panel_id, panel.due_at),
            )  # fmt: skip
    return created
