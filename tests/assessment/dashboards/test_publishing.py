"""Administrators publish and unpublish a round's results; nobody else can."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.collection.models import Round, RoundStatus
from assessment.jobs.models import Job
from assessment.rectification.services.publishing import (
    PublishError,
    publish_round,
    unpublish_round,
)
from tests.assessment.builders import make_round
from tests.assessment.jobs.worker import work_off


@pytest.fixture
def closed(regions, default_system) -> Round:
    round_ = make_round(default_system, status=RoundStatus.CLOSED)
    round_.computed_at = timezone.now()
    round_.save()
    return round_


def publish_url(round_: Round) -> str:
    return reverse("assessment:round_publish", args=[round_.pk])


def unpublish_url(round_: Round) -> str:
    return reverse("assessment:round_unpublish", args=[round_.pk])


def publish(client, round_: Round, capture, **data) -> Job:
    """Press the publish button and let a worker run the job it starts."""
    with capture(execute=True):
        response = client.post(publish_url(round_), data)
    job = Job.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:job", args=[job.pk])
    work_off()
    job.refresh_from_db()
    return job


# A worker runs the job: the data must be committed (tests/assessment/jobs/worker.py).
@pytest.mark.django_db(transaction=True)
def test_publish_then_unpublish(client, closed, administrator, django_capture_on_commit_callbacks):
    client.force_login(administrator)
    job = publish(client, closed, django_capture_on_commit_callbacks, next="/results/")
    assert job.state == "done" and job.next_url == "/results/"
    closed.refresh_from_db()
    assert closed.status == RoundStatus.PUBLISHED and closed.published_at is not None
    assert client.get(reverse("assessment:public_round", args=[closed.pk])).status_code == 200
    refused = client.post(unpublish_url(closed))  # not confirmed: nothing happens
    assert refused.status_code == 400
    assert 'data-testid="confirm-required"' in refused.content.decode()
    closed.refresh_from_db()
    assert closed.status == RoundStatus.PUBLISHED
    client.post(unpublish_url(closed), {"confirm": "yes"})
    closed.refresh_from_db()
    assert closed.status == RoundStatus.CLOSED and closed.published_at is None
    assert client.get(reverse("assessment:public_round", args=[closed.pk])).status_code == 404


def test_only_closed_computed_rounds_can_be_published(closed):
    closed.computed_at = None
    closed.save()
    with pytest.raises(PublishError, match="计算"):
        publish_round(round_=closed)
    closed.status = RoundStatus.OPEN
    closed.computed_at = timezone.now()
    closed.save()
    with pytest.raises(PublishError, match="已截止"):
        publish_round(round_=closed)
    with pytest.raises(PublishError, match="尚未发布"):
        unpublish_round(round_=closed)


# A worker runs the job: the data must be committed (tests/assessment/jobs/worker.py).
@pytest.mark.django_db(transaction=True)
def test_a_refused_publication_is_reported(
    client, closed, administrator, django_capture_on_commit_callbacks
):
    closed.computed_at = None
    closed.save()
    client.force_login(administrator)
    job = publish(client, closed, django_capture_on_commit_callbacks)
    assert job.state == "failed"
    page = client.get(reverse("assessment:job", args=[job.pk])).content.decode()
    assert "请先计算" in page and 'data-testid="job-retry"' in page
    closed.refresh_from_db()
    assert closed.status == RoundStatus.CLOSED


@pytest.mark.parametrize("view", [publish_url, unpublish_url])
def test_supervisors_are_forbidden(client, closed, supervisor_zhejiang, view):
    client.force_login(supervisor_zhejiang)
    assert client.post(view(closed)).status_code == 403
    closed.refresh_from_db()
    assert closed.status == RoundStatus.CLOSED


@pytest.mark.parametrize("view", [publish_url, unpublish_url])
def test_another_subtrees_round_does_not_exist(client, default_system, supervisor_hangzhou, view):
    ningbo = make_round(default_system, scope="330200")
    client.force_login(supervisor_hangzhou)
    assert client.post(view(ningbo)).status_code == 404


@pytest.mark.parametrize("view", [publish_url, unpublish_url])
def test_get_is_not_allowed_and_anonymous_users_log_in(client, closed, administrator, view):
    response = client.post(view(closed))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(administrator)
    assert client.get(view(closed)).status_code == 405
