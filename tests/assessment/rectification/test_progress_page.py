"""The rectification progress page (挂图作战): counts, completion-rate ranking, completion over
time from the log, access, and a number of queries that does not grow with the regions."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.rectification.models import RectificationTask, TaskEvent, TaskStatus
from assessment.rectification.selectors.task_progress import task_progress
from assessment.rectification.services.publishing import publish_round
from assessment.rectification.services.tasks import (
    TaskAnswer,
    task_answer,
    task_mark_done,
    task_verify,
)
from assessment.regions.models import Region
from tests.assessment.rectification.builders import closed_round, store_results


def url(round_) -> str:
    return reverse("assessment:task_progress", args=[round_.pk])


def finish(task, staff, supervisor=None) -> None:
    task_answer(task=task, user=staff, answer=TaskAnswer(plan="方案"))
    task_mark_done(task=task, user=staff)
    if supervisor:
        task_verify(task=task, user=supervisor)


def test_counts_and_the_completion_ranking(
    client, published, xihu_task, haishu_task, staff_xihu, staff_haishu, supervisor_zhejiang
):
    finish(haishu_task, staff_haishu, supervisor_zhejiang)  # 海曙区: 1 of 1 → 100%
    finish(xihu_task, staff_xihu)  # 西湖区: 1 of 3 → 33.3%
    client.force_login(supervisor_zhejiang)
    response = client.get(url(published))
    assert response.status_code == 200
    progress = response.context["progress"]
    assert progress.counts == {"open": 2, "in_progress": 0, "reopened": 0, "done": 1,
                               "verified": 1}  # fmt: skip
    assert (progress.total, progress.complete, progress.rate) == (4, 2, 50.0)
    ranking = [(r.rank, r.code, r.rate) for r in progress.regions]
    assert ranking == [(1, "330203", 100.0), (2, "330106", 33.3)]
    page = response.content.decode()
    assert 'data-testid="count-verified">1<' in page
    assert 'data-testid="rate-330106">33.3%<' in page


def test_supervisors_see_their_subtree_only(client, published, supervisor_hangzhou):
    client.force_login(supervisor_hangzhou)
    progress = client.get(url(published)).context["progress"]
    assert [r.code for r in progress.regions] == ["330106"]  # not Ningbo's 海曙区


def test_staff_may_not_open_it(client, published, staff_xihu, evaluator_zhejiang):
    client.force_login(staff_xihu)
    assert client.get(url(published)).status_code == 403
    client.force_login(evaluator_zhejiang)
    assert client.get(url(published)).status_code == 200


def test_completion_over_time_is_replayed_from_the_log(
    published, xihu_task, haishu_task, staff_xihu, staff_haishu, supervisor_zhejiang
):
    finish(xihu_task, staff_xihu)
    finish(haishu_task, staff_haishu, supervisor_zhejiang)
    day = timezone.localdate(published.published_at)
    stamps = {
        (xihu_task.pk, "done"): day + timedelta(days=2),
        (haishu_task.pk, "done"): day + timedelta(days=5),
        (haishu_task.pk, "verified"): day + timedelta(days=7),
    }
    for event in TaskEvent.objects.filter(action="status"):
        when = stamps.get((event.task_id, event.to_status), day + timedelta(days=1))
        event.at = timezone.make_aware(datetime.combine(when, datetime.min.time()).replace(hour=12))
        event.save(update_fields=["at"])
    today = day + timedelta(days=10)
    timeline = task_progress(round_=published, user=supervisor_zhejiang, today=today).timeline
    points = [(p.day - day, p.complete, p.verified) for p in timeline]
    assert points == [
        (timedelta(0), 0, 0),
        (timedelta(days=1), 0, 0),
        (timedelta(days=2), 1, 0),
        (timedelta(days=5), 2, 0),
        (timedelta(days=7), 2, 1),
        (timedelta(days=10), 2, 1),
    ]


def test_the_chart_is_data_for_the_page_script(client, published, supervisor_zhejiang):
    client.force_login(supervisor_zhejiang)
    page = client.get(url(published)).content.decode()
    assert 'id="chart-completion-data"' in page and "js/task-progress.js" in page
    figure = json.loads(page.split('id="chart-completion-data" type="application/json">')[1]
                        .split("</script>")[0])  # fmt: skip
    assert [trace["name"] for trace in figure["data"]] == ["已完成或已核验", "已核验"]
    assert figure["layout"]["title"]["text"] == "整改完成情况变化"
    assert "<script>" not in page.split("</footer>")[0]  # no inline script (CSP)


def round_with_tasks(system, count: int):
    codes = list(Region.objects.filter(code__startswith="33", level="county").order_by("code")
                 .values_list("code", flat=True)[:count])  # fmt: skip
    round_ = closed_round(system)
    store_results(round_, {code: {"DS.1.1": 40.0, "DS": 50.0} for code in codes})
    publish_round(round_=round_)
    first = RectificationTask.objects.filter(round=round_).order_by("id")
    RectificationTask.objects.filter(pk__in=list(first.values_list("pk", flat=True)[: count // 2]))\
        .update(status=TaskStatus.DONE)  # fmt: skip
    return round_


@pytest.mark.parametrize("count", [2, 50])
def test_query_count_does_not_grow_with_the_regions(
    client, regions, default_system, supervisor_zhejiang, count, django_assert_num_queries
):
    round_ = round_with_tasks(default_system, count)
    client.force_login(supervisor_zhejiang)
    # session, user, memberships, round, tasks per region and status (with the overdue
    # ones), status changes of the log, the navigation's unread notifications, then the
    # session save (3)
    with django_assert_num_queries(10):
        response = client.get(url(round_))
    assert len(response.context["progress"].regions) == count
