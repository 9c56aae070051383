"""Running queued jobs from a test, as a worker does."""

from __future__ import annotations

from django.core.management import call_command


def work_off() -> None:
    """Run everything queued now, in this process (only here is the test's open transaction
    visible), on the queue settings.TASKS names."""
    call_command("run_worker", "--burst", "--no-fork", verbosity=0)
