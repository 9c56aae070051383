"""What publication and the rectification loop tell people (assessment/notifications): results
published, rectification notices issued, tasks assigned, returned (reopened), verified and
overdue, practices approved.

Each `on_…` function is the one line a service adds; the notice runs once the service's
transaction commits. Staff hear about their own region; supervisors and evaluators about the
part of a round's scope they see.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.collection.models import Round, RoundStatus
from assessment.notifications.models import Kind
from assessment.notifications.recipients import readers_of, region_staff
from assessment.notifications.services import (
    after_commit,
    notify,
    notify_region_staff,
    notify_scope_readers,
)
from assessment.rectification.models import Practice, RectificationTask
from assessment.rectification.models.tasks import COMPLETE
from assessment.regions.models import Region


def on_published(round_: Round) -> None:
    after_commit(results_published, round_.pk)


def on_task_created(task: RectificationTask) -> None:
    after_commit(task_news, task.pk, Kind.TASKS_ASSIGNED)


def on_task_reopened(task: RectificationTask) -> None:
    after_commit(task_news, task.pk, Kind.TASK_REOPENED)


def on_task_verified(task: RectificationTask) -> None:
    after_commit(task_news, task.pk, Kind.TASK_VERIFIED)


def on_practice_approved(practice: Practice) -> None:
    after_commit(practice_approved, practice.pk)


def _profile_url(round_id: int, code: str) -> str:
    return reverse("assessment:profile", args=[round_id, code])


def results_published(round_id: int) -> int:
    """Supervisors and evaluators of the scope (the ranking), the staff of every
    participating region (their profile), and the staff of the regions that got new
    rectification tasks (their task list): three queries and three inserts in all."""
    round_ = Round.objects.select_related("scope").get(pk=round_id)
    params = {"round": round_.name}
    title = _("The results of %(round)s are published") % params
    told = notify_scope_readers(
        round_.scope_id, Kind.RESULTS_PUBLISHED, title,
        body=_("The ranking and every region's profile are open."),
        url=reverse("assessment:ranking", args=[round_.pk]),
    )  # fmt: skip
    told += notify_region_staff(
        round_.participating_regions(), Kind.RESULTS_PUBLISHED, title,
        body=_("Your region's profile shows its scores, rank and what to improve."),
        url_for=lambda code: _profile_url(round_.pk, code),
    )  # fmt: skip
    if round_.published_at is not None:
        new = RectificationTask.objects.filter(round=round_, created_at__gte=round_.published_at)
        told += notify_region_staff(
            Region.objects.filter(code__in=new.values("region_id")),
            Kind.TASKS_ASSIGNED,
            _("%(round)s: a rectification notice for your region") % params,
            body=_("The notice lists what the results found and when it is due; answer each "
                   "item with a plan, progress and evidence."),
            url_for=lambda code: reverse("assessment:notice_detail", args=[round_.pk, code]),
        )  # fmt: skip
    return told


def task_news(task_id: int, kind: str) -> int:
    """A task created by hand, reopened or verified: the region's staff."""
    task = RectificationTask.objects.select_related("region").get(pk=task_id)
    params = {"region": task.region.name, "task": task.title}
    titles = {
        Kind.TASKS_ASSIGNED: _("%(region)s: new rectification task “%(task)s”"),
        Kind.TASK_REOPENED: _("%(region)s: rectification task “%(task)s” returned for more work"),
        Kind.TASK_VERIFIED: _("%(region)s: rectification task “%(task)s” verified"),
    }
    last = task.events.order_by("-at", "-id").values_list("text", flat=True).first()
    return notify(
        region_staff(task.region_id),
        kind,
        titles[kind] % params,
        body=(last or task.finding) if kind != Kind.TASKS_ASSIGNED else task.finding,
        url=reverse("assessment:task_detail", args=[task.pk]),
        region=task.region_id,
    )


def overdue_reminders(today: date | None = None) -> int:
    """The staff of each region whose notice in a published round has items past their due
    date and not done: one notification per notice and due date (a key sees to it, so the
    daily run tells them once, and again only when another due date passes). The number of
    notifications created (two queries and an insert per round and due date)."""
    today = today or timezone.localdate()
    late = (
        RectificationTask.objects.filter(round__status=RoundStatus.PUBLISHED, due_date__lt=today)
        .exclude(status__in=COMPLETE)
        .values_list("round_id", "due_date", "region_id")
        .annotate(n=Count("id"))
        .order_by("round_id", "due_date", "region_id")
    )
    groups: dict[tuple[int, date], dict[str, int]] = {}
    for round_id, due, code, n in late:
        groups.setdefault((round_id, due), {})[code] = n
    names = dict(Round.objects.filter(pk__in={r for r, _d in groups}).values_list("pk", "name"))
    created = 0
    for (round_id, due), counts in groups.items():
        params = {"round": names[round_id], "day": due.isoformat()}
        created += notify_region_staff(
            sorted(counts),
            Kind.TASKS_OVERDUE,
            _("%(round)s: rectification tasks overdue") % params,
            body=_("Some items of your region's rectification notice were due on %(day)s and "
                   "are not done yet: report progress or mark them done with evidence.") % params,
            url_for=lambda code, r=round_id: reverse("assessment:notice_detail", args=[r, code]),
            key_for=lambda code, r=round_id, d=due: f"overdue:{r}:{code}:{d.isoformat()}",
        )  # fmt: skip
    return created


def practice_approved(practice_id: int) -> int:
    """The region's staff and the practice's author (while they see the region)."""
    practice = Practice.objects.select_related("region").get(pk=practice_id)
    code = practice.region_id
    params = {"region": practice.region.name, "title": practice.title}
    return notify(
        region_staff(code) | readers_of(code, practice.created_by_id),
        Kind.PRACTICE_APPROVED,
        _("%(region)s: practice “%(title)s” approved and shared") % params,
        body=practice.review_note,
        url=reverse("assessment:practice_detail", args=[practice.pk]),
        region=code,
    )
