"""Rectification notices (整改通知): one per region and round, its tasks as items, an overall
status that follows the items, a list and a page for each role, the progress board's counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.notifications.models import Kind, Notification
from assessment.rectification.models import (
    NoticeStatus,
    RectificationNotice,
    RectificationTask,
    notice_status,
)
from assessment.rectification.notices import overdue_reminders
from assessment.rectification.services.publishing import publish_round
from assessment.rectification.services.rectification_notices import issue_notices
from assessment.rectification.services.task_generation import generate_tasks
from assessment.rectification.services.tasks import (
    TaskAnswer,
    task_answer,
    task_create,
    task_mark_done,
    task_reopen,
    task_verify,
)
from assessment.regions.models import Region


def notice(round_, code) -> RectificationNotice:
    return RectificationNotice.objects.get(round=round_, region_id=code)


def detail_url(round_, code) -> str:
    return reverse("assessment:notice_detail", args=[round_.pk, code])


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"open": 3}, NoticeStatus.ISSUED),
        ({"open": 2, "in_progress": 1}, NoticeStatus.IN_PROGRESS),
        ({"done": 1, "reopened": 1}, NoticeStatus.IN_PROGRESS),
        ({"done": 2, "verified": 1}, NoticeStatus.AWAITING),
        ({"verified": 3}, NoticeStatus.CLOSED),
        ({}, NoticeStatus.CLOSED),
    ],
)
def test_the_overall_status_follows_the_items(counts, expected):
    assert notice_status(counts) == expected


def test_publication_issues_one_notice_per_region_numbered_in_code_order(published):
    notices = list(RectificationNotice.objects.filter(round=published).order_by("number"))
    assert [(n.number, n.region_id) for n in notices] == [(1, "330106"), (2, "330203")]
    xihu = notices[0]
    assert xihu.status == NoticeStatus.ISSUED and xihu.issued_by is None
    assert xihu.reference == "整改通知第 001 号"
    items = RectificationTask.objects.filter(round=published, region_id="330106")
    assert list(xihu.items()) == list(items.order_by("indicator__order", "id"))
    assert generate_tasks(round_=published) == 0  # publishing again issues nothing more
    assert RectificationNotice.objects.filter(round=published).count() == 2


def test_the_status_moves_with_every_item(published, staff_xihu, supervisor_hangzhou):
    tasks = list(notice(published, "330106").items())
    assert len(tasks) == 3
    task_answer(task=tasks[0], user=staff_xihu, answer=TaskAnswer(plan="方案"))
    assert notice(published, "330106").status == NoticeStatus.IN_PROGRESS
    for task in tasks[1:]:
        task_answer(task=task, user=staff_xihu, answer=TaskAnswer(plan="方案"))
    for task in tasks:
        task_mark_done(task=task, user=staff_xihu)
    assert notice(published, "330106").status == NoticeStatus.AWAITING
    for task in tasks:
        task_verify(task=task, user=supervisor_hangzhou)
    assert notice(published, "330106").status == NoticeStatus.CLOSED
    task_reopen(task=tasks[1], user=supervisor_hangzhou, reason="佐证不足")
    assert notice(published, "330106").status == NoticeStatus.IN_PROGRESS
    assert notice(published, "330203").status == NoticeStatus.ISSUED  # others untouched


def test_a_task_by_hand_joins_the_notice_or_issues_one(published, supervisor_zhejiang):
    leaf = published.system.indicators.get(code="BL.1.1")
    due = timezone.localdate() + timedelta(days=30)
    xihu = notice(published, "330106")
    new = {"indicator": leaf, "user": supervisor_zhejiang, "title": "", "due_date": due,
           "finding": "接口开通慢。"}  # fmt: skip
    task_create(round_=published, region=Region.objects.get(code="330106"), **new)
    assert RectificationNotice.objects.get(pk=xihu.pk).items().count() == 4
    task_create(round_=published, region=Region.objects.get(code="330108"), **new)
    binjiang = notice(published, "330108")
    assert (binjiang.number, binjiang.issued_by) == (3, supervisor_zhejiang)
    assert binjiang.status == NoticeStatus.ISSUED


def test_a_new_item_reopens_a_closed_notice(published, haishu_task, staff_haishu,
                                            supervisor_zhejiang):  # fmt: skip
    task_answer(task=haishu_task, user=staff_haishu, answer=TaskAnswer(plan="方案"))
    task_mark_done(task=haishu_task, user=staff_haishu)
    task_verify(task=haishu_task, user=supervisor_zhejiang)
    assert notice(published, "330203").status == NoticeStatus.CLOSED
    task_create(round_=published, region=Region.objects.get(code="330203"),
                indicator=published.system.indicators.get(code="BL.1.1"), user=supervisor_zhejiang,
                title="", finding="新问题", due_date=timezone.localdate())  # fmt: skip
    # one item verified, a new one open: the notice is being rectified again
    assert notice(published, "330203").status == NoticeStatus.IN_PROGRESS


def test_staff_read_their_notice_and_reach_each_item(client, published, staff_xihu):
    later = timezone.localdate() + timedelta(days=90)
    items = RectificationTask.objects.filter(round=published, region_id="330106")
    items.filter(indicator__code="DS").update(due_date=later)  # a supervisor moved one item
    client.force_login(staff_xihu)
    listing = client.get(reverse("assessment:notice_list"))
    rows = listing.context["page"].object_list
    assert [(r.notice.region_id, r.total, r.complete) for r in rows] == [("330106", 3, 0)]
    page = client.get(detail_url(published, "330106")).content.decode()
    assert "整改通知" in page and "西湖区：" in page
    assert "发现你地区有 3 个问题需要整改" in page
    assert f"于 {later.isoformat()} 前完成整改" in page  # the notice is due with its last item
    assert rows[0].due == later
    for task in notice(published, "330106").items():
        assert reverse("assessment:task_detail", args=[task.pk]) in page
    # another region's notice does not exist for them
    assert client.get(detail_url(published, "330203")).status_code == 404


def test_staff_see_no_notice_before_publication(client, closed, staff_xihu):
    generate_tasks(round_=closed)  # tasks and notices of a round not yet published
    client.force_login(staff_xihu)
    assert client.get(detail_url(closed, "330106")).status_code == 404
    assert not client.get(reverse("assessment:notice_list")).context["page"].object_list


def test_the_list_filters_by_status_region_and_overdue(
    client, published, haishu_task, staff_haishu, supervisor_zhejiang
):
    task_answer(task=haishu_task, user=staff_haishu, answer=TaskAnswer(plan="方案"))
    RectificationTask.objects.filter(round=published, region_id="330106").update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(supervisor_zhejiang)

    def codes(query: str) -> list[str]:
        page = client.get(reverse("assessment:notice_list") + query).context["page"]
        return [row.notice.region_id for row in page]

    assert codes("") == ["330106", "330203"]  # the one with overdue items first
    assert codes("?status=in_progress") == ["330203"]
    assert codes("?overdue=1") == ["330106"]
    assert codes("?region=海曙") == ["330203"]
    assert codes("?region=330200") == ["330203"]  # a city code: its subtree
    assert codes("?status=bogus&round=x") == ["330106", "330203"]  # ignored, not an error
    rows = client.get(reverse("assessment:notice_list")).context["page"].object_list
    assert rows[0].overdue == 3 and rows[1].overdue == 0


@pytest.mark.parametrize("count", [2, 40])
def test_the_notice_list_runs_a_fixed_number_of_queries(
    client, published, supervisor_zhejiang, count, django_assert_num_queries
):
    leaf = published.system.indicators.get(code="DS.1.1")
    regions = list(Region.objects.filter(level="county").exclude(
        code__in=["330106", "330203"]).order_by("code")[:count])  # fmt: skip
    RectificationTask.objects.bulk_create(
        RectificationTask(round=published, region=region, indicator=leaf, title="DS.1.1",
                          finding="发现", due_date=timezone.localdate())
        for region in regions
    )  # fmt: skip
    issue_notices(round_=published)  # the regions' tasks without a notice get one
    assert RectificationNotice.objects.filter(round=published).count() == count + 2
    client.force_login(supervisor_zhejiang)
    # session, user, memberships, published rounds, count, page (with round and region), the
    # items counted per notice, the navigation's unread notifications, the session save (3)
    with django_assert_num_queries(11):
        assert client.get(reverse("assessment:notice_list")).status_code == 200


def test_the_notice_page_runs_a_fixed_number_of_queries(
    client, published, supervisor_zhejiang, django_assert_max_num_queries
):
    client.force_login(supervisor_zhejiang)
    with django_assert_max_num_queries(12):
        assert client.get(detail_url(published, "330106")).status_code == 200


def test_the_progress_board_counts_notices_and_items(
    client, published, haishu_task, staff_haishu, supervisor_zhejiang
):
    task_answer(task=haishu_task, user=staff_haishu, answer=TaskAnswer(plan="方案"))
    task_mark_done(task=haishu_task, user=staff_haishu)
    client.force_login(supervisor_zhejiang)
    response = client.get(reverse("assessment:task_progress", args=[published.pk]))
    progress = response.context["progress"]
    assert progress.notice_counts == {"issued": 1, "in_progress": 0, "awaiting": 1, "closed": 0}
    assert progress.total == 4
    page = response.content.decode()
    assert 'data-testid="notices-total">2<' in page
    assert 'data-testid="notices-awaiting">1<' in page
    assert detail_url(published, "330203") in page
    stored = dict(RectificationNotice.objects.filter(round=published).values_list(
        "region_id", "status"))  # fmt: skip
    assert stored == {r.code: r.notice_status.value for r in progress.regions}


def test_publication_tells_staff_about_their_notice(
    closed, staff_xihu, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        published = publish_round(round_=closed)
    told = Notification.objects.filter(recipient=staff_xihu, kind=Kind.TASKS_ASSIGNED)
    assert told.count() == 1
    assert told.get().url == detail_url(published, "330106")
    assert "整改通知" in told.get().title


def test_overdue_items_remind_the_staff_once_per_due_date(
    published, haishu_task, staff_xihu, staff_haishu, supervisor_hangzhou
):
    yesterday = timezone.localdate() - timedelta(days=1)
    RectificationTask.objects.filter(round=published).update(due_date=yesterday)
    task_answer(task=haishu_task, user=staff_haishu, answer=TaskAnswer(plan="方案"))
    task_mark_done(task=haishu_task, user=staff_haishu)  # 海曙区's only item is done in time
    assert overdue_reminders() == 1
    told = Notification.objects.get(kind=Kind.TASKS_OVERDUE)
    assert told.recipient == staff_xihu and told.url == detail_url(published, "330106")
    assert "逾期" in told.title and yesterday.isoformat() in told.body
    assert overdue_reminders() == 0  # the next day's run: told already
    assert not Notification.objects.filter(recipient=supervisor_hangzhou,
                                           kind=Kind.TASKS_OVERDUE).exists()  # fmt: skip
    # another item passing another due date is news again
    earlier = yesterday - timedelta(days=1)
    xihu_items = RectificationTask.objects.filter(round=published, region_id="330106")
    xihu_items.filter(indicator__code="DS").update(due_date=earlier)
    assert overdue_reminders() == 1


def test_overdue_reminders_are_a_daily_job(db, settings, django_capture_on_commit_callbacks):
    from assessment.jobs.models import Job
    from assessment.jobs.services import schedule_periodic
    from assessment.rectification.job_kinds import OVERDUE

    with django_capture_on_commit_callbacks(execute=False):
        schedule_periodic()
    job = Job.objects.get(kind=OVERDUE)
    assert timezone.localtime(job.run_after).hour == settings.NOTIFICATION_DAILY_HOUR
