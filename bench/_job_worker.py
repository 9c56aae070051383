"""A background-job worker for the benchmarks: `manage.py run_worker` with the benchmark's own
no-op kind registered too. Run with the benchmark's DATABASE_URL, JOBS_REDIS_URL and MEDIA_ROOT
in the environment; arguments go to run_worker."""

from __future__ import annotations

import os
import sys

from _setup import ROOT

NOOP = "bench.noop"


def register_noop() -> None:
    """A job that does nothing: what remains of its time is the queue's own."""
    from assessment.jobs.kinds import register

    @register(NOOP, label="no-op")
    def noop(job, run) -> str:
        return ""


if __name__ == "__main__":
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    register_noop()
    call_command("run_worker", *sys.argv[1:])
