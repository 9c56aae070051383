"""`manage.py run_worker`: a worker for background jobs, on whichever queue settings.TASKS names.

It starts the queue backend's own worker (django-tasks-db's `db_worker`, or django-rq's
`rqworker` for Redis) on the default queue, after making sure the housekeeping job and every
periodic job (jobs.kinds.periodic: the daily digest, deadline reminders) are scheduled. Run
one or more per machine; stop with Ctrl-C or SIGTERM (a job that is running is let finish
first; a second Ctrl-C stops at once, and the job is then run again by another worker once its
heartbeat goes stale).
"""

from __future__ import annotations

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand

from assessment.jobs.services import schedule_periodic
from assessment.jobs.tasks import on_database_queue


class Command(BaseCommand):
    help = "Run a worker for background jobs on the configured queue (database or Redis)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--burst", action="store_true", help="Run what is queued now, then exit."
        )
        parser.add_argument(
            "--no-fork",
            action="store_true",
            help="Redis queue: run jobs in this process instead of a forked one per job "
            "(the database queue always does).",
        )
        parser.add_argument(
            "--nice",
            type=int,
            default=0,
            help="Lower this worker's CPU priority by this much (0–19), so that a web server "
            "on the same machine answers first.",
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Database queue: seconds between polls."
        )

    def handle(self, *args, burst: bool, no_fork: bool, nice: int, interval: float, **options):
        if nice:
            os.nice(max(0, min(19, nice)))
        if not burst:
            schedule_periodic()
        verbosity = options.get("verbosity", 1)
        if on_database_queue():
            call_command(
                "db_worker",
                batch=burst,
                interval=interval,
                startup_delay=False,
                verbosity=verbosity,
            )
            return
        worker_options = {
            "burst": burst,
            "with_scheduler": True,
            "job_class": "django_tasks_rq.Job",
        }
        if no_fork:
            worker_options["worker_class"] = "rq.SimpleWorker"
        call_command("rqworker", "default", verbosity=verbosity, **worker_options)
