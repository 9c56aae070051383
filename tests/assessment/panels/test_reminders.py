"""What the experts are told: the cells an assignment gave them (once per assignment, with
their count, the panel's date and a link to their queue), and, daily once the panel's date
has passed, a reminder of the cells they have not scored: once per panel and date, again
only when the date moves, never before it and never to an expert who has scored them all."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.collection.models import Round, RoundStatus
from assessment.jobs.models import Job, JobState
from assessment.jobs.services import schedule_periodic
from assessment.notifications.models import Kind, Notification
from assessment.notifications.services import save_preference
from assessment.panels.job_kinds import OVERDUE
from assessment.panels.models import ExpertScore, Panel, PanelExpert
from assessment.panels.notices import when
from assessment.panels.reminders import overdue_reminders
from assessment.panels.services import assign_automatically, assign_by_hand
from tests.assessment.panels.builders import (
    HANGZHOU,
    NINGBO,
    closed_round,
    give,
    make_panel,
    rubric_codes,
    seat,
)
from tests.conftest import make_user

HOMES = {"expert-hz": HANGZHOU, "expert-nb": NINGBO, "expert-x": None}
QUEUE = "assessment:panel_queue"


@pytest.fixture
def round_(regions, default_system):
    return closed_round(default_system)


@pytest.fixture
def panel(round_):
    return make_panel(round_, rubric_codes(round_), HOMES)


def says(text: str, number: int) -> bool:
    """`number` stands in `text` as a number of its own (not inside a longer one)."""
    return re.search(rf"(?<![\d.-]){number}(?![\d.-])", text) is not None


def assigned_notices(username: str):
    return Notification.objects.filter(recipient__username=username, kind=Kind.PANEL_ASSIGNED)


def cells_of(username: str) -> int:
    return ExpertScore.objects.filter(expert__username=username).count()


def test_each_expert_is_told_once_what_an_automatic_assignment_gave_them(
    panel, django_capture_on_commit_callbacks
):
    panel.due_at = timezone.now() + timedelta(days=10)
    panel.save()
    with django_capture_on_commit_callbacks(execute=True):
        assign_automatically(panel, actor=None)
    round_name = panel.round.name
    for username in HOMES:
        told = assigned_notices(username)
        assert told.count() == 1
        notice = told.get()
        assert says(notice.title.replace(round_name, ""), cells_of(username))
        assert round_name in notice.title
        assert notice.url == reverse(QUEUE) and notice.region_code is None
        assert when(panel.due_at) in notice.body
    # Another run with nothing to staff tells nobody anything new.
    with django_capture_on_commit_callbacks(execute=True):
        assert assign_automatically(panel, actor=None) == 0
    assert Notification.objects.filter(kind=Kind.PANEL_ASSIGNED).count() == len(HOMES)


def test_a_top_up_tells_only_the_experts_it_gave_cells_to_with_their_new_count(
    panel, django_capture_on_commit_callbacks
):
    assign_automatically(panel, actor=None)  # (outside a capture: its notices never run)
    held = {username: cells_of(username) for username in HOMES}
    PanelExpert.objects.create(panel=panel, user=make_user("expert-y"))
    panel.experts_per_cell = 3
    panel.save()
    with django_capture_on_commit_callbacks(execute=True):
        assign_automatically(panel, actor=None)
    told = {
        n.recipient.username: n
        for n in Notification.objects.filter(kind=Kind.PANEL_ASSIGNED).select_related("recipient")
    }
    assert set(told) == {u for u in [*HOMES, "expert-y"] if cells_of(u) > held.get(u, 0)}
    for username, notice in told.items():
        new = cells_of(username) - held.get(username, 0)
        assert says(notice.title.replace(panel.round.name, ""), new)
    assert "expert-y" in told


def test_an_expert_assigned_by_hand_is_told_once_for_all_the_cells(
    panel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        added = assign_by_hand(panel, expert=seat(panel, "expert-x"), region_code=NINGBO,
                               indicator_codes=[], actor=None)  # fmt: skip
    assert added == cells_of("expert-x") > 1
    notice = assigned_notices("expert-x").get()
    assert says(notice.title.replace(panel.round.name, ""), added)
    assert notice.url == reverse(QUEUE)
    assert not Notification.objects.exclude(recipient__username="expert-x").exists()
    # 宁波's own expert is never given 宁波 by hand: nothing assigned, nobody told.
    with django_capture_on_commit_callbacks(execute=True):
        assert assign_by_hand(panel, expert=seat(panel, "expert-nb"), region_code=NINGBO,
                              indicator_codes=[], actor=None) == 0  # fmt: skip
    assert not assigned_notices("expert-nb").exists()


@pytest.fixture
def late_panel(panel):
    """Assigned; expert-x has scored all their cells, expert-nb one of theirs, expert-hz none;
    the date is 18:00 on a day in the past."""
    assign_automatically(panel, actor=None)
    for score in ExpertScore.objects.filter(expert__username="expert-x"):
        give(score, 2)
    give(ExpertScore.objects.filter(expert__username="expert-nb").first(), 3)
    day = timezone.localtime() - timedelta(days=2)
    panel.due_at = day.replace(hour=18, minute=0, second=0, microsecond=0)
    panel.save()
    return panel


def reminders_to(username: str):
    return Notification.objects.filter(recipient__username=username, kind=Kind.PANEL_OVERDUE)


def test_nobody_is_reminded_before_the_date_or_without_one(late_panel):
    due = late_panel.due_at
    assert overdue_reminders(now=due - timedelta(minutes=1)) == 0
    assert overdue_reminders(now=due) == 0  # due *by* then: not late yet
    Panel.objects.filter(pk=late_panel.pk).update(due_at=None)
    assert overdue_reminders() == 0
    # Once the round is published scoring is over: nobody is reminded of it any more.
    Panel.objects.filter(pk=late_panel.pk).update(due_at=due)
    Round.objects.filter(pk=late_panel.round_id).update(status=RoundStatus.PUBLISHED)
    assert overdue_reminders() == 0
    assert not Notification.objects.filter(kind=Kind.PANEL_OVERDUE).exists()


def test_experts_with_cells_to_score_after_the_date_are_reminded_once_per_date(late_panel):
    due = late_panel.due_at
    assert overdue_reminders(now=due + timedelta(minutes=1)) == 2
    assert not reminders_to("expert-x").exists()  # scored everything in time
    for username, scored in (("expert-hz", 0), ("expert-nb", 1)):
        notice = reminders_to(username).get()
        left = cells_of(username) - scored
        assert says(notice.body.replace(when(due), ""), left)
        assert when(due) in notice.body and late_panel.round.name in notice.title
        assert notice.url == reverse(QUEUE)
    # The next days' runs: told already.
    assert overdue_reminders() == 0
    assert overdue_reminders(now=due + timedelta(days=5)) == 0
    # The date moves (still past): news again, with what is left by then.
    give(ExpertScore.objects.filter(expert__username="expert-hz", level__isnull=True).first(), 1)
    Panel.objects.filter(pk=late_panel.pk).update(due_at=due + timedelta(days=1))
    assert overdue_reminders() == 2
    latest = reminders_to("expert-hz").order_by("-id").first()
    assert says(latest.body.replace(when(due + timedelta(days=1)), ""),
                cells_of("expert-hz") - 1)  # fmt: skip
    assert reminders_to("expert-hz").count() == reminders_to("expert-nb").count() == 2
    assert overdue_reminders() == 0
    # Moved into the future: nobody is late any more.
    Panel.objects.filter(pk=late_panel.pk).update(due_at=timezone.now() + timedelta(days=3))
    assert overdue_reminders() == 0


def test_an_expert_who_finishes_is_not_reminded_and_a_muted_kind_is_not_sent(late_panel):
    for score in ExpertScore.objects.filter(expert__username="expert-nb", level__isnull=True):
        give(score, 2)
    hz = seat(late_panel, "expert-hz").user
    save_preference(hz, email_immediately=False, daily_digest=True,
                    muted_kinds=[Kind.PANEL_OVERDUE])  # fmt: skip
    assert overdue_reminders() == 0
    assert not Notification.objects.filter(kind=Kind.PANEL_OVERDUE).exists()


def test_reminders_are_a_daily_job(db, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_DAILY_HOUR = 7
    with django_capture_on_commit_callbacks(execute=False):
        schedule_periodic()
        schedule_periodic()  # a second worker starting: the same job
    job = Job.objects.get(kind=OVERDUE)
    assert job.state == JobState.QUEUED and job.owner is None
    local = timezone.localtime(job.run_after)
    assert (local.hour, local.minute) == (7, 0) and job.run_after > timezone.now()


@pytest.mark.django_db(transaction=True)
def test_the_reminder_job_reminds_and_queues_tomorrows(regions, default_system):
    from assessment.jobs.services import start_job
    from tests.assessment.jobs.worker import work_off

    round_ = closed_round(default_system)
    panel = make_panel(round_, rubric_codes(round_), HOMES,
                       due_at=timezone.now() - timedelta(hours=1))  # fmt: skip
    assign_automatically(panel, actor=None)
    give(ExpertScore.objects.filter(expert__username="expert-x").first(), 2)  # not all
    start_job(OVERDUE, owner=None, title="reminders", key="panel-reminders-now")
    work_off()
    assert Job.objects.get(key="panel-reminders-now").state == JobState.DONE
    assert Notification.objects.filter(kind=Kind.PANEL_OVERDUE).count() == len(HOMES)
    following = Job.objects.get(kind=OVERDUE, state=JobState.QUEUED)
    assert following.run_after > timezone.now()
