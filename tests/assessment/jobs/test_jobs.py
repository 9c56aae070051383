"""The job machinery with kinds made for the test: progress, files, cancel, retry, failures,
lost workers, housekeeping, the list and who sees what."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from assessment.jobs import services
from assessment.jobs.kinds import JobError, register
from assessment.jobs.models import Job, JobState
from tests.assessment.jobs.worker import work_off

# A worker runs the jobs: see tests/assessment/jobs/worker.py.
pytestmark = pytest.mark.django_db(transaction=True)


@register("tests.write", label="Write a file")
def write(job, run):
    """Writes a file in steps; told to, it asks to be cancelled half-way (as the cancel
    button would from another request) or fails on its first run."""
    path = run.output(".txt")
    path.write_text("half")
    if job.params.get("cancel"):
        Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    run.step(0.5, "half-way")
    if job.params.get("fail") == "once" and job.attempts == 1:
        raise RuntimeError("a bug")
    if job.params.get("fail") == "refused":
        raise JobError("不能这样做")
    path.write_text("你好")
    return "wrote 2 characters"


@register("tests.fragile", label="Fragile", retry_lost=False)
def fragile(job, run):
    return "ran"


def start(owner, kind="tests.write", key="k", capture=None, **params) -> Job:
    with capture(execute=True):
        return services.start_job(kind, owner=owner, title=f"job {key}", key=key, params=params,
                                  next_url="/results/")  # fmt: skip


def page(client, job) -> str:
    return client.get(reverse("assessment:job", args=[job.pk])).content.decode()


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_a_job_runs_keeps_its_file_and_says_what_it_did(client, evaluator_zhejiang, capture):
    job = start(evaluator_zhejiang, capture=capture)
    work_off()
    job.refresh_from_db()
    assert (
        job.state == JobState.DONE and job.progress == 100 and job.message == "wrote 2 characters"
    )
    assert job.attempts == 1 and job.started_at and job.finished_at and job.worker
    client.force_login(evaluator_zhejiang)
    download = client.get(reverse("assessment:job_download", args=[job.pk]))
    assert b"".join(download.streaming_content).decode() == "你好"
    assert not list(Path(job.file).parent.glob("*.part"))
    text = page(client, job)
    assert "wrote 2 characters" in text and 'href="/results/"' in text
    assert 'data-finished="true"' in text and 'data-testid="job-retry"' not in text


def test_a_queued_job_is_cancelled_at_once_and_can_be_started_again(
    client, evaluator_zhejiang, capture
):
    job = start(evaluator_zhejiang, capture=capture)
    client.force_login(evaluator_zhejiang)
    response = client.post(reverse("assessment:job_cancel", args=[job.pk]))
    assert response["Location"] == reverse("assessment:job", args=[job.pk])
    work_off()  # the queue still hands it over; the worker leaves it alone
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED and job.attempts == 0 and not job.file
    assert 'data-testid="job-retry"' in page(client, job)
    with capture(execute=True):
        again = client.post(reverse("assessment:job_retry", args=[job.pk]))
    assert again["Location"] == response["Location"]
    work_off()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 1 and job.error == ""


def test_a_running_job_stops_at_its_next_step_when_cancelled(evaluator_zhejiang, capture):
    job = start(evaluator_zhejiang, capture=capture, cancel=True)
    work_off()
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED and not job.file and not job.message
    assert not list((Path(job.file or "x").parent).glob("*.part"))


def test_a_failure_is_shown_and_a_retry_runs_it_again(client, evaluator_zhejiang, capture):
    job = start(evaluator_zhejiang, capture=capture, fail="once")
    work_off()
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "RuntimeError" in job.error and not job.file
    client.force_login(evaluator_zhejiang)
    text = page(client, job)
    assert "任务失败" in text and 'data-testid="job-retry"' in text
    with capture(execute=True):
        client.post(reverse("assessment:job_retry", args=[job.pk]))
    work_off()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 2
    # A job that is not failed or cancelled is not started again.
    assert client.post(reverse("assessment:job_retry", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 2


def test_a_refusal_tells_the_person_why(evaluator_zhejiang, capture):
    job = start(evaluator_zhejiang, capture=capture, fail="refused")
    work_off()
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error == "不能这样做"


def test_a_job_whose_worker_died_is_queued_again_once_then_failed(
    client, evaluator_zhejiang, capture, settings
):
    job = start(evaluator_zhejiang, capture=capture)
    stale = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 1)
    # As a killed worker leaves it: running, silent, a half-written file.
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, attempts=1, heartbeat_at=stale)
    half = Path(settings.MEDIA_ROOT) / "jobs" / f"{job.pk}-dead.txt.part"
    half.parent.mkdir(parents=True, exist_ok=True)
    half.write_text("half")
    client.force_login(evaluator_zhejiang)
    with capture(execute=True):
        status = client.get(reverse("assessment:job_status", args=[job.pk])).json()
    assert status["state"] == "queued" and not half.exists()
    work_off()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 2
    # Lost on its last allowed run: failed, with the reason.
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, heartbeat_at=stale)
    assert services.recover_lost() == 1
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "停止" in job.error
    # A kind that must not run twice by itself fails at once.
    fragile = start(evaluator_zhejiang, kind="tests.fragile", key="f", capture=capture)
    Job.objects.filter(pk=fragile.pk).update(state=JobState.RUNNING, attempts=1, heartbeat_at=stale)
    services.recover_lost()
    fragile.refresh_from_db()
    assert fragile.state == JobState.FAILED
    # A running job with a recent heartbeat is left alone.
    alive = start(evaluator_zhejiang, key="alive", capture=capture)
    Job.objects.filter(pk=alive.pk).update(state=JobState.RUNNING, heartbeat_at=timezone.now())
    assert services.refresh(Job.objects.get(pk=alive.pk)).state == JobState.RUNNING


def test_only_one_unfinished_job_holds_a_key(evaluator_zhejiang, capture):
    first = start(evaluator_zhejiang, capture=capture)
    assert start(evaluator_zhejiang, capture=capture).pk == first.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind="tests.write", title="t", key="k", owner=evaluator_zhejiang)
    work_off()
    assert start(evaluator_zhejiang, capture=capture).pk != first.pk  # finished: a new one


def test_housekeeping_deletes_expired_jobs_requeues_lost_ones_and_schedules_itself(
    evaluator_zhejiang, capture, settings
):
    old, kept = (start(evaluator_zhejiang, key=k, capture=capture) for k in ("old", "kept"))
    work_off()
    long_ago = timezone.now() - timedelta(hours=settings.JOB_KEEP_HOURS + 1)
    Job.objects.filter(pk=old.pk).update(finished_at=long_ago)
    old.refresh_from_db()
    old_file = Path(settings.MEDIA_ROOT) / old.file
    assert old_file.exists()
    # Queued, but the queue never heard of it (Redis restarted, or the enqueue failed).
    orphan = Job.objects.create(kind="tests.write", title="o", key="o", owner=evaluator_zhejiang)
    Job.objects.filter(pk=orphan.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    housekeeping = start(None, kind=services.HOUSEKEEPING, key="now", capture=capture)
    with capture(execute=True):
        work_off()  # housekeeping runs, queues the orphan and schedules its next run
    work_off()  # the orphan runs
    assert not Job.objects.filter(pk=old.pk).exists() and not old_file.exists()
    assert Job.objects.get(pk=kept.pk).state == JobState.DONE
    assert Job.objects.get(pk=orphan.pk).state == JobState.DONE
    housekeeping.refresh_from_db()
    assert housekeeping.state == JobState.DONE and "1" in housekeeping.message
    following = Job.objects.get(kind=services.HOUSEKEEPING, state=JobState.QUEUED)
    assert following.run_after > timezone.now() and following.owner is None
    with capture(execute=True):  # every worker asks for it when it starts: still one
        assert services.schedule_housekeeping().pk == following.pk


def test_a_job_nobody_takes_says_so(client, evaluator_zhejiang, capture):
    job = start(evaluator_zhejiang, capture=capture)
    client.force_login(evaluator_zhejiang)
    assert 'id="job-waiting" hidden' in page(client, job)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    status = client.get(reverse("assessment:job_status", args=[job.pk])).json()
    assert status["waiting_long"] is True
    assert 'id="job-waiting" hidden' not in page(client, job)


def test_my_jobs_lists_mine_and_administrators_see_everyones(
    client, evaluator_zhejiang, supervisor_zhejiang, administrator, capture
):
    mine = start(evaluator_zhejiang, key="mine", capture=capture)
    theirs = start(supervisor_zhejiang, key="theirs", capture=capture)
    start(None, kind=services.HOUSEKEEPING, key="system", capture=capture)
    client.force_login(evaluator_zhejiang)
    text = client.get(reverse("assessment:jobs")).content.decode()
    assert mine.title in text and theirs.title not in text and "Housekeeping" not in text
    client.force_login(administrator)
    text = client.get(reverse("assessment:jobs") + "?page=999").content.decode()
    assert mine.title in text and theirs.title in text and "supervisor" in text
