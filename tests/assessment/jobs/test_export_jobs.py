"""A ranking export too large for the request becomes a background job with a page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.jobs.models import Job
from tests.assessment.dashboards.reports.conftest import column_values, workbook
from tests.assessment.jobs.worker import work_off

# A worker runs the jobs: see tests/assessment/jobs/worker.py.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def small_limit(settings):
    settings.EXPORT_DIRECT_MAX_REGIONS = 5  # Hangzhou's 13 counties make a "large" export


def start(client, round_, query="?level=county&parent=330100"):
    return client.post(reverse("assessment:round_report", args=[round_.pk]) + query)


def test_a_large_export_job_shows_progress_and_offers_its_file(
    client, computed, evaluator_zhejiang, small_limit, django_capture_on_commit_callbacks
):
    _, second = computed
    client.force_login(evaluator_zhejiang)
    with django_capture_on_commit_callbacks(execute=True):
        response = start(client, second)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:job", args=[job.pk])
    assert job.state == "queued" and job.task_id and job.owner == evaluator_zhejiang
    page = client.get(response["Location"]).content.decode()
    assert (
        'data-testid="job"' in page and "js/job.js" in page and 'data-testid="job-cancel"' in page
    )
    status = client.get(reverse("assessment:job_status", args=[job.pk])).json()
    assert status == {"state": "queued", "label": "排队中", "progress": 0, "stage": "",
                      "finished": False, "waiting_long": False}  # fmt: skip
    work_off()
    status = client.get(reverse("assessment:job_status", args=[job.pk])).json()
    assert status["state"] == "done" and status["progress"] == 100 and status["finished"]
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="job-download"' in page and 'data-testid="job-cancel"' not in page
    assert "level=county" in page and "parent=330100" in page  # back to the same ranking
    download = client.get(reverse("assessment:job_download", args=[job.pk]))
    assert download.status_code == 200 and "filename*=UTF-8''" in download["Content-Disposition"]
    codes = column_values(workbook(download)["排名"], "代码")
    assert len(codes) == 13 and all(code.startswith("3301") for code in codes)
    job.refresh_from_db()
    assert job.file.startswith("jobs/") and job.attempts == 1


def test_the_same_export_started_twice_runs_once(
    client, computed, evaluator_zhejiang, supervisor_zhejiang, small_limit,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    _, second = computed
    client.force_login(evaluator_zhejiang)
    with django_capture_on_commit_callbacks(execute=True):
        first, again = start(client, second), start(client, second)
        other = start(client, second, "?level=county&parent=330200")  # another filter
    assert first["Location"] == again["Location"] != other["Location"]
    client.force_login(supervisor_zhejiang)  # another person's export of the same filter
    with django_capture_on_commit_callbacks(execute=True):
        theirs = start(client, second)
    assert theirs["Location"] != first["Location"] and Job.objects.count() == 3
    work_off()
    assert sorted(Job.objects.values_list("state", "attempts")) == [("done", 1)] * 3


def test_only_the_starter_and_administrators_see_a_job(
    client, computed, evaluator_zhejiang, supervisor_zhejiang, administrator, small_limit,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    _, second = computed
    client.force_login(evaluator_zhejiang)
    with django_capture_on_commit_callbacks(execute=True):
        start(client, second)
    work_off()
    job = Job.objects.get()
    urls = [reverse(f"assessment:{name}", args=[job.pk])
            for name in ("job", "job_status", "job_download")]  # fmt: skip
    client.force_login(supervisor_zhejiang)
    assert [client.get(u).status_code for u in urls] == [404, 404, 404]
    assert client.post(reverse("assessment:job_retry", args=[job.pk])).status_code == 404
    assert job.title not in client.get(reverse("assessment:jobs")).content.decode()
    client.force_login(administrator)
    assert [client.get(u).status_code for u in urls] == [200, 200, 200]
    assert job.title in client.get(reverse("assessment:jobs")).content.decode()
    client.logout()
    assert all(client.get(u).status_code == 302 for u in urls)
