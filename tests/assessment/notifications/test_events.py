"""Who is told what, event by event: only the people who see the region, and nobody when the
action is rolled back.

Users (tests/conftest.py): staff of 西湖区 330106 and 滨江区 330108 (Hangzhou) and 海曙区
330203 (Ningbo), supervisors of Hangzhou, Ningbo and Zhejiang, the Zhejiang evaluator, an
administrator; staff of 东城区 110101 (Beijing) outside every Zhejiang round.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from assessment.collection import notices as collection_notices
from assessment.collection.models import Extension, Round, RoundStatus, Submission
from assessment.collection.services.rounds import round_close, round_open
from assessment.collection.services.submissions import submission_approve, submission_return
from assessment.notifications.models import Kind, Notification, Preference
from assessment.regions.access import can_see_region
from assessment.regions.models import Region, Role
from tests.assessment.builders import make_open_round
from tests.conftest import make_user

XIHU, BINJIANG, HAISHU = "330106", "330108", "330203"


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def people(
    staff_xihu, staff_binjiang, staff_haishu, supervisor_hangzhou, supervisor_ningbo,
    supervisor_zhejiang, evaluator_zhejiang, administrator,
):  # fmt: skip
    beijing = make_user("staff-110101", "110101", Role.STAFF)
    return {
        "staff_xihu": staff_xihu, "staff_binjiang": staff_binjiang, "staff_haishu": staff_haishu,
        "supervisor_hangzhou": supervisor_hangzhou, "supervisor_ningbo": supervisor_ningbo,
        "supervisor_zhejiang": supervisor_zhejiang, "evaluator": evaluator_zhejiang,
        "admin": administrator, "staff_beijing": beijing,
    }  # fmt: skip


def told(people, kind: str) -> dict[str, str | None]:
    """Who got a notification of `kind`, by fixture name, with the region it names; and every
    notification names a region its recipient sees."""
    names = {user.pk: name for name, user in people.items()}
    seen = {}
    for item in Notification.objects.filter(kind=kind).select_related("recipient"):
        if item.region_code:
            region = Region.objects.get(code=item.region_code)
            assert can_see_region(item.recipient, region), (item.recipient, item.region_code)
        seen[names.get(item.recipient_id, item.recipient.username)] = item.region_code
    return seen


@pytest.fixture
def open_round(default_system, regions, capture) -> Round:
    with capture(execute=True):
        return make_open_round(default_system)


def submitted(round_, code: str = XIHU) -> Submission:
    Submission.objects.filter(round=round_, region_id=code).update(status="submitted")
    return Submission.objects.select_related("round", "region").get(round=round_, region_id=code)


# Rounds opened and closed


def test_a_round_opened_tells_the_staff_of_every_participating_region(
    people, default_system, capture
):
    with capture(execute=True):
        round_ = make_open_round(default_system)
    assert told(people, Kind.ROUND_OPENED) == {
        "staff_xihu": XIHU, "staff_binjiang": BINJIANG, "staff_haishu": HAISHU,
    }  # fmt: skip
    item = Notification.objects.get(recipient=people["staff_xihu"])
    assert round_.name in item.title
    assert item.url == reverse("assessment:entry", args=[round_.pk, XIHU])
    with capture(execute=True):
        round_close(round=round_, user=people["admin"])
    assert set(told(people, Kind.ROUND_CLOSED)) == {"staff_xihu", "staff_binjiang", "staff_haishu"}


def test_a_nationwide_round_is_one_query_for_the_recipients_and_one_insert(
    people, default_system, django_assert_num_queries
):
    for code in ("110102", "310101", "440103", "650102", "540102"):
        make_user(f"staff-{code}", code, Role.STAFF)
    round_ = make_open_round(default_system, scope=None, levels=("province", "city", "county"))
    Notification.objects.all().delete()
    # the round; the staff of the 3,211 regions with their e-mail and preferences; the insert
    with django_assert_num_queries(3):
        created = collection_notices.round_news(round_.pk, Kind.ROUND_OPENED)
    assert created == 9  # 3 in Zhejiang, 东城区 and the 5 above


def test_a_rolled_back_opening_tells_nobody(people, default_system, capture):
    from assessment.collection.services.rounds import round_create

    round_ = round_create(
        system=default_system, name="回滚", period="2030", scope=Region.objects.get(code="330000"),
        levels=["city", "county"], opens_at=None, closes_at=None,
    )  # fmt: skip
    with capture(execute=True):
        try:
            with transaction.atomic():
                round_open(round=round_, user=people["admin"])
                raise RuntimeError("something after the opening fails")
        except RuntimeError:
            pass
    assert not Notification.objects.exists()
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.DRAFT


# Submissions returned and approved


def test_a_return_tells_the_regions_staff_only(people, open_round, client, capture):
    submission = submitted(open_round)
    client.force_login(people["supervisor_hangzhou"])
    url = reverse("assessment:submission_return", args=[open_round.pk, XIHU])
    with capture(execute=True):
        response = client.post(url, {"reason": "请补充 DS.1.1 的佐证"})
    assert response.status_code == 302
    assert told(people, Kind.SUBMISSION_RETURNED) == {"staff_xihu": XIHU}
    item = Notification.objects.get(kind=Kind.SUBMISSION_RETURNED)
    assert item.body == "请补充 DS.1.1 的佐证" and "西湖区" in item.title
    assert item.url == reverse("assessment:entry", args=[open_round.pk, XIHU])
    submission.refresh_from_db()
    assert submission.status == "returned"


def test_an_approval_tells_the_regions_staff_and_e_mails_who_asked(people, open_round, capture):
    staff = people["staff_xihu"]
    staff.email = "xihu@example.gov.cn"
    staff.save()
    Preference.objects.create(user=staff, email_immediately=True)
    submission = submitted(open_round)
    with capture(execute=True):
        submission_approve(submission=submission, user=people["supervisor_hangzhou"])
    assert told(people, Kind.SUBMISSION_APPROVED) == {"staff_xihu": XIHU}
    assert [m.to for m in mail.outbox] == [["xihu@example.gov.cn"]]
    assert "西湖区" in mail.outbox[0].subject


def test_a_refused_or_rolled_back_decision_tells_nobody(people, open_round, capture):
    from django.core.exceptions import ValidationError

    draft = Submission.objects.get(round=open_round, region_id=XIHU)
    with capture(execute=True), pytest.raises(ValidationError):
        submission_approve(submission=draft, user=people["supervisor_hangzhou"])
    submission = submitted(open_round)
    with capture(execute=True):
        try:
            with transaction.atomic():
                submission_return(submission=submission, user=people["supervisor_hangzhou"],
                                  reason="退回", comments={})  # fmt: skip
                raise RuntimeError("the request fails later")
        except RuntimeError:
            pass
    assert not Notification.objects.filter(
        kind__in=[Kind.SUBMISSION_APPROVED, Kind.SUBMISSION_RETURNED]
    ).exists()


# Verification corrections


def test_verification_corrections_are_one_notice_per_save(people, open_round, capture):
    from assessment.verification.services import CONFIRM, CORRECT, Decision, save_decisions

    submission = submitted(open_round)
    leaves = {i.code: i for i in open_round.system.indicators.filter(code__in=["DS.1.1", "DS.1.2"])}
    for leaf in leaves.values():
        submission.values.create(indicator=leaf, value=Decimal(50))

    def decision(code, action, value=None):
        return Decision(indicator=leaves[code], action=action, value=value, reason="",
                        note="", version=0)  # fmt: skip

    with capture(execute=True):
        save_decisions(submission=submission, user=people["evaluator"],
                       decisions=[decision("DS.1.1", CORRECT, Decimal(40)),
                                  decision("DS.1.2", CORRECT, Decimal(30))])  # fmt: skip
    assert told(people, Kind.VALUES_CORRECTED) == {"staff_xihu": XIHU}
    item = Notification.objects.get(kind=Kind.VALUES_CORRECTED)
    assert "DS.1.1" in item.body and "DS.1.2" in item.body and "2" in item.title
    Notification.objects.all().delete()
    with capture(execute=True):  # confirming only corrects nothing: no notice
        save_decisions(submission=submission, user=people["evaluator"],
                       decisions=[decision("DS.1.1", CONFIRM)])  # fmt: skip
    assert not Notification.objects.exists()


# 催报 and deadlines


def test_a_reminder_to_submit_reaches_the_chased_regions_staff(people, open_round, capture):
    from assessment.collection.services.chasing import chase_regions

    with capture(execute=True):
        chase_regions(round_=open_round, user=people["supervisor_hangzhou"],
                      codes=[XIHU, HAISHU])  # fmt: skip
    # 海曙区 is Ningbo's: not the Hangzhou supervisor's to chase
    assert told(people, Kind.CHASE) == {"staff_xihu": XIHU}


def in_days(days: int, hour: int = 18):
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def test_deadline_reminders_3_days_and_1_day_before_once_a_day(people, open_round, capture):
    open_round.closes_at = in_days(3)
    open_round.save()
    submitted(open_round, BINJIANG)  # handed in: not reminded
    Extension.objects.create(  # 海曙区 has until later
        submission=Submission.objects.get(round=open_round, region_id=HAISHU),
        closes_at=in_days(10), reason="延期",
    )  # fmt: skip
    with capture(execute=True):
        assert collection_notices.deadline_reminders() >= 1
        assert collection_notices.deadline_reminders() == 0  # the same day again: nothing
    assert told(people, Kind.DEADLINE) == {"staff_xihu": XIHU}
    assert "3" in Notification.objects.get(kind=Kind.DEADLINE).title
    # Two days later, one day is left; 海曙区's extension now ends in 1 day too.
    later = timezone.now() + timedelta(days=2)
    Extension.objects.filter(submission__region_id=HAISHU).update(closes_at=in_days(3))
    with capture(execute=True):
        assert collection_notices.deadline_reminders(now=later) == 2
    assert Notification.objects.filter(kind=Kind.DEADLINE).count() == 3
    assert (
        not Notification.objects.filter(recipient=people["staff_binjiang"])
        .exclude(kind=Kind.ROUND_OPENED)
        .exists()
    )


def test_deadline_reminders_are_a_daily_job(db, settings, capture):
    from assessment.collection.job_kinds import DEADLINES
    from assessment.jobs.models import Job
    from assessment.jobs.services import schedule_periodic

    with capture(execute=False):
        schedule_periodic()
    job = Job.objects.get(kind=DEADLINES)
    assert timezone.localtime(job.run_after).hour == settings.NOTIFICATION_DAILY_HOUR


# Appeals, rectification, publication


@pytest.fixture
def results_round(default_system, regions):
    """A closed Zhejiang round with results for 西湖区, 海曙区 and 滨江区 (rectification's
    builders): 西湖区 and 海曙区 are weak on DS.1.1."""
    from tests.assessment.rectification.builders import closed_round, store_results

    round_ = closed_round(default_system)
    store_results(
        round_,
        {XIHU: {"DS.1.1": 45.0, "DS": 55.0}, HAISHU: {"DS.1.1": 30.0, "DS": 70.0},
         BINJIANG: {"DS.1.1": 95.0, "DS": 90.0}},
        medians={"DS.1.1": 45.0, "DS": 70.0},
    )  # fmt: skip
    return round_


def test_publication_tells_the_scope_readers_and_the_staff_and_assigns_tasks(
    people, results_round, capture
):
    from assessment.rectification.services.publishing import publish_round

    with capture(execute=True):
        publish_round(round_=results_round)
    assert told(people, Kind.RESULTS_PUBLISHED) == {
        "supervisor_hangzhou": "330100", "supervisor_ningbo": "330200",
        "supervisor_zhejiang": "330000", "evaluator": "330000",
        "staff_xihu": XIHU, "staff_binjiang": BINJIANG, "staff_haishu": HAISHU,
    }  # fmt: skip
    assert told(people, Kind.TASKS_ASSIGNED) == {"staff_xihu": XIHU, "staff_haishu": HAISHU}
    xihu = Notification.objects.get(kind=Kind.RESULTS_PUBLISHED, recipient=people["staff_xihu"])
    assert xihu.url == reverse("assessment:profile", args=[results_round.pk, XIHU])


def test_task_steps_tell_the_regions_staff(people, results_round, capture):
    from assessment.rectification.models import RectificationTask, TaskStatus
    from assessment.rectification.services.publishing import publish_round
    from assessment.rectification.services.tasks import task_reopen, task_verify

    publish_round(round_=results_round)
    task = RectificationTask.objects.get(round=results_round, region_id=XIHU,
                                         indicator__code="DS.1.1")  # fmt: skip
    RectificationTask.objects.filter(pk=task.pk).update(status=TaskStatus.DONE)
    supervisor = people["supervisor_hangzhou"]
    with capture(execute=True):
        task_reopen(task=task, user=supervisor, reason="佐证不足")
    assert told(people, Kind.TASK_REOPENED) == {"staff_xihu": XIHU}
    assert Notification.objects.get(kind=Kind.TASK_REOPENED).body == "佐证不足"
    RectificationTask.objects.filter(pk=task.pk).update(status=TaskStatus.DONE)
    with capture(execute=True):
        task_verify(task=task, user=supervisor, note="整改到位")
    assert told(people, Kind.TASK_VERIFIED) == {"staff_xihu": XIHU}


def test_an_approved_practice_tells_its_regions_staff(people, results_round, capture):
    from assessment.rectification.models import Practice
    from assessment.rectification.services.practices import practice_approve

    results_round.status = RoundStatus.PUBLISHED
    results_round.save()
    practice = Practice.objects.create(
        round=results_round, region_id=BINJIANG, title="数据目录一本账", description="做法",
        indicator=results_round.system.indicators.get(code="DS.1.1"),
        results="成效", contacts="张三", created_by=people["staff_binjiang"],
    )  # fmt: skip
    with capture(execute=True):
        practice_approve(practice=practice, user=people["supervisor_hangzhou"], note="很好")
    assert told(people, Kind.PRACTICE_APPROVED) == {"staff_binjiang": BINJIANG}


def test_an_appeal_decided_tells_the_filer_and_the_regions_staff(people, default_system, capture):
    from assessment.appeals.models import Appeal, Category
    from assessment.appeals.services import REJECT, decide
    from tests.assessment.builders import make_round

    round_ = make_round(default_system, status=RoundStatus.CLOSED)
    round_.provisional_at = timezone.now()
    round_.appeals_close_at = timezone.now() + timedelta(days=5)
    round_.save()
    colleague = make_user("staff-330106-b", XIHU, Role.STAFF)
    appeal = Appeal.objects.create(
        round=round_, region_id=XIHU, indicator=round_.system.indicators.get(code="DS.1.1"),
        category=Category.DATA_ERROR, statement="口径有误", filed_by=people["staff_xihu"],
    )  # fmt: skip
    with capture(execute=True):
        decide(appeal=appeal, action=REJECT, reason="证据不足", user=people["evaluator"])
    assert told(people | {"colleague": colleague}, Kind.APPEAL_DECIDED) == {
        "staff_xihu": XIHU, "colleague": XIHU,
    }  # fmt: skip
    item = Notification.objects.filter(kind=Kind.APPEAL_DECIDED).first()
    assert item.body == "证据不足" and "DS.1.1" in item.title
    assert item.url == reverse("assessment:appeal_detail", args=[appeal.pk])


def test_provisional_results_tell_the_scope_readers_and_the_staff(people, results_round, capture):
    from assessment.appeals.services import publish_provisional

    results_round.computed_at = timezone.now()
    results_round.save()
    with capture(execute=True):
        publish_provisional(round_=results_round, working_days=5, user=people["admin"])
    seen = told(people, Kind.RESULTS_PROVISIONAL)
    assert seen["staff_xihu"] == XIHU and seen["supervisor_ningbo"] == "330200"
    assert "staff_beijing" not in seen and "admin" not in seen
