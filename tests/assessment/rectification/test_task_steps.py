"""Feedback and rectification: who may take which step of a task, and the log of every step."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.rectification.models import TaskAction, TaskEvent, TaskStatus
from assessment.rectification.services.tasks import TaskAnswer, task_answer


def url(name: str, task) -> str:
    return reverse(f"assessment:{name}", args=[task.pk])


def status_of(task) -> str:
    task.refresh_from_db()
    return task.status


def test_staff_answer_mark_done_and_a_supervisor_verifies(
    client, xihu_task, staff_xihu, supervisor_hangzhou
):
    client.force_login(staff_xihu)
    page = client.get(url("task_detail", xihu_task)).content.decode()
    assert 'data-testid="answer-form"' in page and 'data-testid="mark-done"' not in page
    response = client.post(
        url("task_answer", xihu_task), {"plan": "梳理目录", "note": "已完成一半", "percent": "50"}
    )
    assert response.status_code == 302
    assert status_of(xihu_task) == TaskStatus.IN_PROGRESS
    assert (xihu_task.plan, xihu_task.progress) == ("梳理目录", 50)
    client.post(url("task_done", xihu_task), {"note": "完成"})
    assert status_of(xihu_task) == TaskStatus.DONE and xihu_task.progress == 100

    client.force_login(supervisor_hangzhou)
    page = client.get(url("task_detail", xihu_task)).content.decode()
    assert 'data-testid="verify"' in page and 'data-testid="answer-form"' not in page
    client.post(url("task_verify", xihu_task), {"note": "到位"})
    assert status_of(xihu_task) == TaskStatus.VERIFIED

    log = list(
        TaskEvent.objects.filter(task=xihu_task)
        .order_by("at", "id")
        .values_list("actor__username", "action", "from_status", "to_status", "text", "percent")
    )
    assert log == [
        (None, TaskAction.CREATED, "", "open", "结果发布时发现。", None),
        ("staff-330106", TaskAction.STATUS, "open", "in_progress", "", None),
        ("staff-330106", TaskAction.PLAN, "", "", "梳理目录", None),
        ("staff-330106", TaskAction.PROGRESS, "", "", "已完成一半", 50),
        ("staff-330106", TaskAction.STATUS, "in_progress", "done", "完成", 100),
        ("supervisor-330100", TaskAction.STATUS, "done", "verified", "到位", None),
    ]
    page = client.get(url("task_detail", xihu_task)).content.decode()
    assert 'data-testid="task-log"' in page and "梳理目录" in page and "到位" in page


def test_reopen_needs_a_reason_and_the_region_goes_on(
    client, xihu_task, staff_xihu, supervisor_hangzhou
):
    task_answer(task=xihu_task, user=staff_xihu, answer=TaskAnswer(plan="方案"))
    client.force_login(staff_xihu)
    client.post(url("task_done", xihu_task))
    client.force_login(supervisor_hangzhou)
    response = client.post(url("task_reopen", xihu_task), {"reason": " "}, follow=True)
    assert "请说明退回整改的原因" in response.content.decode()
    assert status_of(xihu_task) == TaskStatus.DONE
    client.post(url("task_reopen", xihu_task), {"reason": "佐证不足"})
    assert status_of(xihu_task) == TaskStatus.REOPENED
    event = TaskEvent.objects.filter(task=xihu_task).latest("id")
    assert (event.from_status, event.to_status, event.text) == ("done", "reopened", "佐证不足")
    # reopened → done directly, or → in progress with a new answer
    client.force_login(staff_xihu)
    client.post(url("task_done", xihu_task))
    assert status_of(xihu_task) == TaskStatus.DONE
    client.force_login(supervisor_hangzhou)
    client.post(url("task_reopen", xihu_task), {"reason": "再补充"})
    client.force_login(staff_xihu)
    client.post(url("task_answer", xihu_task), {"note": "已补充"})
    assert status_of(xihu_task) == TaskStatus.IN_PROGRESS


def test_steps_out_of_order_are_refused_with_a_message(
    client, xihu_task, staff_xihu, administrator
):
    client.force_login(staff_xihu)
    response = client.post(url("task_done", xihu_task), follow=True)
    assert "请先填写整改方案" in response.content.decode()
    assert status_of(xihu_task) == TaskStatus.OPEN
    client.force_login(administrator)
    response = client.post(url("task_verify", xihu_task), follow=True)
    assert "只有已标记完成的任务才能核验" in response.content.decode()
    client.force_login(staff_xihu)
    response = client.post(url("task_answer", xihu_task), {"plan": ""}, follow=True)
    assert "请填写整改方案或进展情况" in response.content.decode()


def test_a_done_task_takes_no_more_answers(client, xihu_task, staff_xihu):
    task_answer(task=xihu_task, user=staff_xihu, answer=TaskAnswer(plan="方案"))
    client.force_login(staff_xihu)
    client.post(url("task_done", xihu_task))
    response = client.post(url("task_answer", xihu_task), {"note": "再说一句"}, follow=True)
    assert "不再接受反馈" in response.content.decode()


@pytest.mark.parametrize("step", ["task_answer", "task_done"])
def test_staff_steps_are_for_the_region_s_own_staff(
    client, xihu_task, step, staff_haishu, supervisor_hangzhou, evaluator_zhejiang, administrator
):
    data = {"plan": "方案"}
    client.force_login(staff_haishu)  # another city's staff: the task does not exist for them
    assert client.post(url(step, xihu_task), data).status_code == 404
    for user in (supervisor_hangzhou, evaluator_zhejiang, administrator):
        client.force_login(user)
        assert client.post(url(step, xihu_task), data).status_code == 403
    assert status_of(xihu_task) == TaskStatus.OPEN


@pytest.mark.parametrize("step", ["task_verify", "task_reopen", "task_edit"])
def test_supervisor_steps_are_for_supervisors_over_the_region(
    client, xihu_task, step, staff_xihu, supervisor_ningbo, evaluator_zhejiang
):
    client.force_login(supervisor_ningbo)
    assert client.post(url(step, xihu_task), {"reason": "x"}).status_code == 404
    for user in (staff_xihu, evaluator_zhejiang):
        client.force_login(user)
        assert client.post(url(step, xihu_task), {"reason": "x"}).status_code == 403


@pytest.mark.parametrize(
    "step", ["task_answer", "task_done", "task_verify", "task_reopen", "task_edit"]
)
def test_steps_need_a_post(client, xihu_task, staff_xihu, step):
    client.force_login(staff_xihu)
    assert client.get(url(step, xihu_task)).status_code == 405


def test_the_task_page_is_for_whoever_sees_the_region(
    client, xihu_task, staff_xihu, staff_binjiang, supervisor_hangzhou, evaluator_zhejiang
):
    for user, status in ((staff_xihu, 200), (supervisor_hangzhou, 200), (evaluator_zhejiang, 200),
                         (staff_binjiang, 404)):  # fmt: skip
        client.force_login(user)
        assert client.get(url("task_detail", xihu_task)).status_code == status
    client.logout()
    assert client.get(url("task_detail", xihu_task)).status_code == 302


def test_a_supervisor_edits_the_finding_and_the_due_date(client, xihu_task, supervisor_hangzhou):
    client.force_login(supervisor_hangzhou)
    response = client.post(
        url("task_edit", xihu_task),
        {
            "title": "DS.1.1 目录编制",
            "finding": "目录编制覆盖率偏低，请补齐。",
            "due_date": "2031-06-30",
        },
    )
    assert response.status_code == 302
    xihu_task.refresh_from_db()
    assert xihu_task.finding == "目录编制覆盖率偏低，请补齐。"
    assert str(xihu_task.due_date) == "2031-06-30"
    event = TaskEvent.objects.filter(task=xihu_task, action=TaskAction.EDITED).get()
    assert "2031-06-30" in event.text and event.actor == supervisor_hangzhou
    bad = client.post(url("task_edit", xihu_task), {"title": "", "finding": "", "due_date": "x"})
    assert bad.status_code == 400


def test_two_supervisors_cannot_both_move_the_task(xihu_task, staff_xihu, supervisor_hangzhou):
    from django.core.exceptions import ValidationError

    from assessment.rectification.services.tasks import task_mark_done, task_reopen, task_verify

    task_answer(task=xihu_task, user=staff_xihu, answer=TaskAnswer(plan="方案"))
    task_mark_done(task=xihu_task, user=staff_xihu)
    stale = type(xihu_task).objects.get(pk=xihu_task.pk)
    task_verify(task=xihu_task, user=supervisor_hangzhou)
    task_reopen(task=xihu_task, user=supervisor_hangzhou, reason="复查不合格")
    with pytest.raises(ValidationError):
        task_verify(task=stale, user=supervisor_hangzhou)  # it is reopened by now
    assert status_of(xihu_task) == TaskStatus.REOPENED


def test_staff_lose_sight_of_tasks_when_the_round_is_unpublished(
    client, published, xihu_task, staff_xihu, supervisor_hangzhou
):
    from assessment.rectification.services.publishing import unpublish_round

    unpublish_round(round_=published)
    client.force_login(staff_xihu)  # the scores are not public any more
    assert client.get(url("task_detail", xihu_task)).status_code == 404
    assert client.get(reverse("assessment:task_list")).context["page"].paginator.count == 0
    client.force_login(supervisor_hangzhou)
    assert client.get(url("task_detail", xihu_task)).status_code == 200
