"""Overdue: the due date has passed and the task is neither done nor verified. The selectors
take `today`, so the date is fixed here instead of waiting for it."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from assessment.rectification.models import RectificationTask, TaskStatus
from assessment.rectification.selectors.task_progress import task_progress
from assessment.rectification.selectors.tasks import (
    TaskFilter,
    staff_task_summary,
    task_detail,
    task_page,
)


def test_a_task_is_overdue_after_its_due_date_until_it_is_done(xihu_task):
    due = xihu_task.due_date
    assert not xihu_task.is_overdue(due)  # the due date itself is still in time
    assert xihu_task.is_overdue(due + timedelta(days=1))
    for status, overdue in ((TaskStatus.IN_PROGRESS, True), (TaskStatus.REOPENED, True),
                            (TaskStatus.DONE, False), (TaskStatus.VERIFIED, False)):  # fmt: skip
        xihu_task.status = status
        assert xihu_task.is_overdue(due + timedelta(days=1)) is overdue
    assert task_detail(task=xihu_task, today=due + timedelta(days=1)).overdue is False  # verified


def test_lists_and_counts_use_the_given_day(
    xihu_task, haishu_task, supervisor_zhejiang, staff_xihu
):
    late = xihu_task.due_date + timedelta(days=3)
    RectificationTask.objects.filter(pk=haishu_task.pk).update(status=TaskStatus.DONE)
    page = task_page(user=supervisor_zhejiang, filters=TaskFilter(overdue=True), page=1, today=late)
    overdue = {(task.region_id, task.indicator.code) for task in page}
    assert ("330106", "DS.1.1") in overdue and ("330203", "DS.1.1") not in overdue
    assert all(task.overdue for task in page)
    early = task_page(user=supervisor_zhejiang, filters=TaskFilter(overdue=True), page=1,
                      today=xihu_task.due_date)  # fmt: skip
    assert list(early) == []
    progress = task_progress(round_=xihu_task.round, user=supervisor_zhejiang, today=late)
    assert progress.overdue == 3  # 西湖区's three tasks; 海曙区's is done
    assert staff_task_summary(user=staff_xihu, today=late).overdue == 3
    assert staff_task_summary(user=staff_xihu, today=xihu_task.due_date).overdue == 0


def test_overdue_tasks_are_highlighted(client, xihu_task, staff_xihu):
    RectificationTask.objects.filter(pk=xihu_task.pk).update(
        due_date=xihu_task.due_date - timedelta(days=400)
    )
    client.force_login(staff_xihu)
    page = client.get(reverse("assessment:task_detail", args=[xihu_task.pk])).content.decode()
    assert 'data-testid="task-overdue"' in page
    listing = client.get(reverse("assessment:task_list") + "?overdue=1").content.decode()
    assert f'class="overdue" data-testid="task-row-{xihu_task.pk}"' in listing
    home = client.get(reverse("assessment:home")).content.decode()
    assert 'data-testid="home-overdue"' in home
