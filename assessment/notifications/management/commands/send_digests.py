"""`manage.py send_digests`: e-mail the daily digests now (what the daily job does), or with
`--queue`, leave it to a worker."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from assessment.jobs.services import start_job
from assessment.notifications.job_kinds import DIGEST
from assessment.notifications.mail import send_digests


class Command(BaseCommand):
    help = "E-mail each person their unread notifications of the last day (one e-mail each)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue", action="store_true", help="Queue the digest job for a worker instead."
        )

    def handle(self, *args, queue: bool, **options):
        if queue:
            job = start_job(DIGEST, owner=None, title="send_digests", key=f"{DIGEST}:command")
            self.stdout.write(f"Queued job {job.pk}.")
            return
        with translation.override(settings.LANGUAGE_CODE):
            sent = send_digests()
        self.stdout.write(f"{sent} digest e-mail(s) sent.")
