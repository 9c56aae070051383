"""Background jobs run on the queue settings.TASKS names: the database queue under `make test`,
RQ on the real Redis under `make test-redis` (JOBS_REDIS_URL). `work_off()` runs what is
queued, as a worker does, in this process (the test's database transaction is visible only
here)."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.assessment.dashboards.reports.conftest import computed  # noqa: F401


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_queue():
    """Each test starts with an empty Redis queue (the database queue is rolled back)."""
    if settings.JOBS_REDIS_URL:
        import django_rq

        django_rq.get_connection("default").flushdb()
