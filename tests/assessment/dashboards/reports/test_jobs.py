"""Large exports as background jobs: progress, ownership, abandoned jobs, clean-up."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from assessment.dashboards.models import JobStatus, ReportJob
from assessment.dashboards.reports import jobs
from tests.assessment.dashboards.reports.conftest import column_values, workbook


@pytest.fixture
def small_limit(settings):
    settings.EXPORT_DIRECT_MAX_REGIONS = 5  # Hangzhou's 13 counties make a "large" export


def start(client, round_, query="?level=county&parent=330100"):
    return client.post(reverse("assessment:round_report", args=[round_.pk]) + query)


def test_a_large_export_becomes_a_job_with_progress_and_a_download(
    client, computed, evaluator_zhejiang, small_limit
):
    _, second = computed
    client.force_login(evaluator_zhejiang)
    response = start(client, second)
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:export_job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="export-job"' in page and "js/export-job.js" in page
    status = client.get(reverse("assessment:export_status", args=[job.pk])).json()
    assert status["status"] == "done" and status["progress"] == 100 and status["finished"]
    assert status["download"] == reverse("assessment:export_download", args=[job.pk])
    download = client.get(status["download"])
    assert download.status_code == 200 and "filename*=UTF-8''" in download["Content-Disposition"]
    codes = column_values(workbook(download)["排名"], "代码")
    assert len(codes) == 13 and all(code.startswith("3301") for code in codes)
    job.refresh_from_db()
    assert job.file.startswith("exports/") and job.owner == evaluator_zhejiang


def test_only_the_owner_and_administrators_see_a_job(
    client, computed, evaluator_zhejiang, supervisor_zhejiang, administrator, small_limit
):
    _, second = computed
    client.force_login(evaluator_zhejiang)
    start(client, second)
    job = ReportJob.objects.get()
    urls = [reverse(f"assessment:{name}", args=[job.pk])
            for name in ("export_job", "export_status", "export_download")]  # fmt: skip
    client.force_login(supervisor_zhejiang)
    assert [client.get(u).status_code for u in urls] == [404, 404, 404]
    client.force_login(administrator)
    assert [client.get(u).status_code for u in urls] == [200, 200, 200]
    client.logout()
    assert all(client.get(u).status_code == 302 for u in urls)


def test_a_job_without_a_heartbeat_is_abandoned(client, computed, evaluator_zhejiang):
    _, second = computed
    job = ReportJob.objects.create(
        owner=evaluator_zhejiang,
        round=second,
        title="t",
        filename="f.xlsx",
        status=JobStatus.RUNNING,
        worker="gone:1",
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )
    client.force_login(evaluator_zhejiang)
    status = client.get(reverse("assessment:export_status", args=[job.pk])).json()
    assert status["status"] == "abandoned" and status["finished"] and status["error"]
    assert status["download"] is None
    assert client.get(reverse("assessment:export_download", args=[job.pk])).status_code == 404
    # A running job that still gives signs of life is left alone.
    alive = ReportJob.objects.create(owner=evaluator_zhejiang, round=second, title="t",
                                     filename="f.xlsx", status=JobStatus.RUNNING,
                                     heartbeat_at=timezone.now())  # fmt: skip
    assert jobs.job_refresh(alive).status == JobStatus.RUNNING


def test_an_abandoned_job_stops_writing(computed, evaluator_zhejiang):
    _, second = computed
    job = ReportJob.objects.create(owner=evaluator_zhejiang, round=second, title="t",
                                   filename="f.xlsx", status=JobStatus.ABANDONED)  # fmt: skip
    jobs.run_job(job.pk)  # not queued any more: nothing happens
    job.refresh_from_db()
    assert job.status == JobStatus.ABANDONED and not job.file
    with pytest.raises(jobs.Cancelled):
        jobs._Reporter(job.pk)(0.5, "x")


def test_the_same_export_twice_reuses_the_running_job(
    client, computed, evaluator_zhejiang, small_limit, settings
):
    settings.EXPORT_JOBS_INLINE = False
    _, second = computed
    client.force_login(evaluator_zhejiang)
    # The thread starts after the commit, which never comes inside a test transaction.
    first = start(client, second)
    again = start(client, second)
    assert first["Location"] == again["Location"] and ReportJob.objects.count() == 1


def test_old_jobs_and_their_files_are_cleaned(computed, evaluator_zhejiang, settings):
    _, second = computed
    path = Path(settings.MEDIA_ROOT) / "exports" / "old.xlsx"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"x")
    old = ReportJob.objects.create(owner=evaluator_zhejiang, round=second, title="t",
                                   filename="f.xlsx", status=JobStatus.DONE,
                                   file="exports/old.xlsx")  # fmt: skip
    ReportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert jobs.jobs_clean() == 1
    assert not path.exists() and not ReportJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_job_runs_in_a_background_thread(client, settings, regions, default_system):
    """The real thing: the request returns at once, a thread writes the file."""
    from tests.assessment.dashboards.builders import round_of_counties
    from tests.conftest import make_user

    settings.EXPORT_JOBS_INLINE = False
    settings.EXPORT_DIRECT_MAX_REGIONS = 1
    round_ = round_of_counties(default_system, 12)
    user = make_user("evaluator", "330000", "evaluator")
    client.force_login(user)
    response = start(client, round_, "?level=county")
    job_id = resolve(response["Location"]).kwargs["job_id"]
    # Wait for the thread without reading the job meanwhile: the test database is an
    # in-memory SQLite shared between threads, where a read beside the thread's write fails
    # at once ("table is locked") instead of waiting as a database file does.
    for thread in threading.enumerate():
        if thread.name == f"export-{job_id}":  # still running (it may have finished already)
            thread.join(timeout=60)
            assert not thread.is_alive()
    job = ReportJob.objects.get()
    assert job.pk == job_id and job.status == JobStatus.DONE, job.error
    assert job.worker == jobs.WORKER
    download = client.get(reverse("assessment:export_download", args=[job.pk]))
    assert len(column_values(workbook(download)["排名"], "代码")) == 12
