"""Running queued jobs from a test, as a worker does.

A worker closes a database connection it finds inside a transaction (Django's
close_old_connections, as after a request), so a test that runs one must commit its data:
mark it `@pytest.mark.django_db(transaction=True)`. On SQLite the rolled-back kind would
pass and hide it; PostgreSQL would close the test's connection.
"""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection


def work_off() -> None:
    """Run everything queued now, in this process, on the queue settings.TASKS names."""
    assert not connection.in_atomic_block, "mark the test @pytest.mark.django_db(transaction=True)"
    call_command("run_worker", "--burst", "--no-fork", verbosity=0)
