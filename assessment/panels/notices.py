"""What expert panels tell the experts (assessment/notifications): the cells an assignment
gave them. The daily reminder of cells not scored by the panel's date is in reminders.py.

`on_assigned` is the one line a service adds; the notice runs once the service's transaction
commits, so an assignment rolled back tells nobody.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from assessment.notifications.models import Kind
from assessment.notifications.services import after_commit, notify
from assessment.panels.models import Panel


def when(moment: datetime) -> str:
    """A panel's date as the experts read it (TIME_ZONE)."""
    return date_format(localtime(moment), "Y-m-d H:i")


def on_assigned(panel: Panel, counts: dict[int, int]) -> None:
    """After one assignment run (automatic or by hand): {expert's user id: cells it gave
    them}. Each of them gets one notification with their count."""
    counts = {user_id: n for user_id, n in counts.items() if n}
    if counts:
        after_commit(cells_assigned, panel.pk, counts)


def cells_assigned(panel_id: int, counts: dict[int, int]) -> int:
    """One notification per expert, with the number of cells, the panel's date if it has one,
    and a link to their queue: a query and an insert per distinct count (balanced loads make
    that one or two). The number created."""
    panel = Panel.objects.select_related("round").get(pk=panel_id)
    url = reverse("assessment:panel_queue")
    told = 0
    if panel.due_at:
        body = _("Score them in your expert review queue by %(due)s.") % {"due": when(panel.due_at)}
    else:
        body = _("Score them in your expert review queue.")
    for n, users in users_by_count(counts.items()):
        params = {"round": panel.round.name, "count": n}
        told += notify(
            users,
            Kind.PANEL_ASSIGNED,
            _("%(round)s: expert review of %(count)s cell(s) assigned to you") % params,
            body=body,
            url=url,
        )
    return told


def users_by_count(pairs: Iterable[tuple[int, int]]) -> list[tuple[int, list[int]]]:
    """(count, users with that count) from (user, count) pairs, counts ascending and users
    by id: the message names the count, so one notification call serves every user who shares
    it (balanced loads make that one or two calls)."""
    groups: dict[int, list[int]] = defaultdict(list)
    for user_id, n in pairs:
        groups[n].append(user_id)
    return [(n, sorted(users)) for n, users in sorted(groups.items())]
