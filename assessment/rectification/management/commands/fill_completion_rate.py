"""Write each region's rectification completion rate of one round into the next round."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessment.rectification.services.completion_rate import fill_completion_rate
from assessment.results.management.commands.compute_round import find_round


class Command(BaseCommand):
    help = (
        "Write each region's rectification completion rate (tasks done or verified / all its "
        "tasks, in percent) in round A as the raw value of an indicator in its submission to "
        "round B. Submitted and approved submissions are skipped and listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from-round", required=True, help="Round A: id or period.")
        parser.add_argument("--to-round", required=True, help="Round B: id or period.")
        parser.add_argument("--indicator", required=True, help="Indicator code in round B.")
        parser.add_argument("--user", help="Username recorded in the audit trail.")

    def handle(self, *args, from_round, to_round, indicator, user=None, **options):
        source, target = find_round(from_round), find_round(to_round)
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"No user {user!r}.")
        try:
            report = fill_completion_rate(
                from_round=source, to_round=target, indicator_code=indicator, user=actor
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{target}: {report.indicator.code} written for {len(report.written)} region(s), "
                f"{len(report.unchanged)} already had that value."
            )
        )
        for code, reason in sorted(report.locked.items()):
            self.stdout.write(f"  skipped {code}: {reason}")
        for code, reason in sorted(report.invalid.items()):
            self.stdout.write(f"  refused {code}: {reason}")
        for code in report.without_submission:
            self.stdout.write(f"  no submission in {target}: {code}")
        if report.without_tasks:
            self.stdout.write(f"  {report.without_tasks} region(s) of {target} had no task.")
