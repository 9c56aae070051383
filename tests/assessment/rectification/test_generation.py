"""Findings → tasks at publication: the threshold, the gates, areas, no duplicates, speed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment.jobs.models import Job
from assessment.rectification.models import (
    RectificationNotice,
    RectificationTask,
    TaskAction,
    TaskEvent,
    TaskOrigin,
)
from assessment.rectification.services.publishing import publish_round, unpublish_round
from assessment.rectification.services.task_generation import TASK_DUE_DAYS, generate_tasks
from assessment.regions.models import Region
from assessment.results.services.compute import compute_round
from tests.assessment.builders import fill_values, make_round
from tests.assessment.jobs.worker import work_off
from tests.assessment.rectification.builders import closed_round, gate, store_results


def tasks_of(round_, code: str) -> dict[str, RectificationTask]:
    return {
        task.indicator.code: task
        for task in RectificationTask.objects.filter(round=round_, region_id=code).select_related(
            "indicator"
        )
    }


def test_nodes_below_the_line_become_tasks_of_their_region(published):
    xihu = tasks_of(published, "330106")
    # DS.1.1 (45) and the DS area (55) are below 60; SV.3.1 (59.996) is published as 60.00
    # and SV.1.1 is at the line: neither is below it. SV.4.2 holds the level back.
    assert set(xihu) == {"DS.1.1", "DS", "SV.4.2"}
    assert set(tasks_of(published, "330203")) == {"DS.1.1"}
    assert tasks_of(published, "330108") == {}  # strong everywhere
    task = xihu["DS.1.1"]
    assert task.origin == TaskOrigin.GENERATED and task.status == "open"
    assert (task.score, task.peer_median, task.threshold) == (45.0, 45.0, 60.0)
    assert task.title == "DS.1.1 政务数据目录编制覆盖率"
    assert task.due_date == timezone.localdate(published.published_at) + timedelta(
        days=TASK_DUE_DAYS
    )


def test_the_finding_is_written_in_chinese(published):
    finding = tasks_of(published, "330106")["DS.1.1"].finding
    assert finding.startswith("DS.1.1 政务数据目录编制覆盖率 得分 45.00，低于整改线 60")
    assert "同级中位数 45.00" in finding and "请制定整改方案" in finding


def test_a_gate_that_holds_the_level_back_is_a_task_whatever_the_score(published):
    task = tasks_of(published, "330106")["SV.4.2"]
    assert task.score == 72.6 and task.peer_median == 81.0
    assert task.gate == "L4：指标 SV.4.2 得分 72.60 < 80"
    assert "未达到 L4 门槛（要求不低于 80），限制了成熟度等级" in task.finding
    assert "低于整改线" not in task.finding


def test_a_gate_failed_for_missing_data_and_a_low_area_gate(regions, default_system):
    round_ = closed_round(default_system)
    gates = {"330106": [gate("SV.4.2", None), gate("BL", 50.0, level="L3", required=65)]}
    store_results(round_, {"330106": {"BL": 50.0}}, gates=gates)
    publish_round(round_=round_)
    xihu = tasks_of(round_, "330106")
    assert set(xihu) == {"SV.4.2", "BL"}
    assert xihu["SV.4.2"].score is None and "缺少得分" in xihu["SV.4.2"].finding
    # The area is below the line *and* fails its gate: one task saying both.
    assert "低于整改线" in xihu["BL"].finding and "L3 门槛" in xihu["BL"].finding


def test_the_threshold_is_a_setting_of_the_round(regions, default_system):
    round_ = closed_round(default_system)
    round_.task_threshold = 50
    round_.save()
    store_results(round_, {"330106": {"DS.1.1": 45.0, "DS": 55.0}})
    publish_round(round_=round_)
    assert set(tasks_of(round_, "330106")) == {"DS.1.1"}
    assert "整改线 50" in tasks_of(round_, "330106")["DS.1.1"].finding


# A worker runs the job: the data must be committed (tests/assessment/jobs/worker.py).
@pytest.mark.django_db(transaction=True)
def test_publishing_again_adds_nothing_twice(
    client, published, administrator, xihu_task, django_capture_on_commit_callbacks
):
    count = RectificationTask.objects.filter(round=published).count()
    xihu_task.status = "in_progress"
    xihu_task.save()
    unpublish_round(round_=published)
    again = publish_round(round_=published)
    assert again.tasks_created == 0
    assert RectificationTask.objects.filter(round=published).count() == count
    xihu_task.refresh_from_db()
    assert xihu_task.status == "in_progress"  # the region's work is kept
    # Through the button, the message says how many tasks were added.
    unpublish_round(round_=published)
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessment:round_publish", args=[published.pk]))
    work_off()
    job = Job.objects.get()
    page = client.get(reverse("assessment:job", args=[job.pk])).content.decode()
    assert "新生成 0 项整改任务" in page


def test_recompute_and_publish_adds_only_new_findings(regions, default_system):
    codes = ["330106", "330108", "330203", "330102"]
    round_ = make_round(default_system, status="closed")
    fill_values(round_, codes)
    compute_round(round_=round_, with_sensitivity=False)
    publish_round(round_=round_)
    first = set(RectificationTask.objects.filter(round=round_).values_list("pk", flat=True))
    assert first
    unpublish_round(round_=round_)
    compute_round(round_=round_, with_sensitivity=False)
    publish_round(round_=round_)
    assert set(RectificationTask.objects.filter(round=round_).values_list("pk", flat=True)) == first


def test_a_manual_task_on_the_same_node_is_not_duplicated(
    regions, default_system, supervisor_zhejiang
):
    round_ = closed_round(default_system)
    store_results(round_, {"330106": {"DS.1.1": 45.0}})
    leaf = default_system.indicators.get(code="DS.1.1")
    RectificationTask.objects.create(
        round=round_, region=Region.objects.get(code="330106"), indicator=leaf,
        title="手工任务", finding="督导发现", due_date=timezone.localdate(),
    )  # fmt: skip
    publish_round(round_=round_)
    assert RectificationTask.objects.filter(round=round_, region_id="330106").count() == 1


def test_each_generated_task_starts_its_log(published):
    tasks = RectificationTask.objects.filter(round=published)
    events = TaskEvent.objects.filter(task__in=tasks)
    assert events.count() == tasks.count()
    assert set(events.values_list("action", "to_status")) == {(TaskAction.CREATED, "open")}


def county_scores(count: int) -> dict[str, dict[str, float]]:
    codes = Region.objects.filter(code__startswith="33", level="county").order_by("code")
    return {code: {"DS.1.1": 40.0, "DS": 50.0, "SV.1.1": 90.0} for code in
            codes.values_list("code", flat=True)[:count]}  # fmt: skip


@pytest.mark.parametrize("count", [2, 50])
def test_generation_reads_in_a_fixed_number_of_queries(regions, default_system, count):
    round_ = closed_round(default_system)
    store_results(round_, county_scores(count), medians={"DS.1.1": 50.0})
    round_.published_at = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        created = generate_tasks(round_=round_)
    assert created == 2 * count
    # (executemany is recorded as "N times: INSERT …")
    statements = ["INSERT" if "INSERT INTO" in q["sql"][:40] else q["sql"].split()[0].upper()
                  for q in queries.captured_queries]  # fmt: skip
    # indicator tree, low results with gate notes, existing tasks, peer medians; then the
    # tasks (one executemany batch; PostgreSQL's COPY is not in Django's query log) and their
    # first log entries (one INSERT … SELECT); then the notices: the round's lock, the last
    # number, the regions with one, one INSERT
    inserts = 1 if connection.vendor == "postgresql" else 2
    notices = ["SAVEPOINT", "SELECT", "SELECT", "SELECT", "INSERT", "RELEASE"]
    assert statements == ["SELECT"] * 4 + ["INSERT"] * inserts + notices
    assert RectificationNotice.objects.filter(round=round_).count() == count
