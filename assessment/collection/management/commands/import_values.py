from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from assessment.collection.models import Round
from assessment.collection.services.importing import (
    ImportRefused,
    ImportRules,
    apply_file,
    check_import,
)


class Command(BaseCommand):
    help = (
        "Import a round's values from a workbook: every problem is listed and nothing is "
        "written unless the whole file is clean. Approved and submitted submissions are left "
        "alone unless --include-approved is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("round", type=int, help="Round id (see /rounds/ or the admin).")
        parser.add_argument("file", type=Path, help="The .xlsx file (the export's layout).")
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        parser.add_argument(
            "--include-approved",
            action="store_true",
            help="Also overwrite submitted and approved submissions.",
        )
        parser.add_argument("--user", help="Username recorded in the audit trail as the author.")

    def handle(self, *args, round: int, file: Path, dry_run: bool, **options):
        round_ = Round.objects.filter(pk=round).first()
        if round_ is None:
            raise CommandError(f"No round with id {round}.")
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
        rules = ImportRules(include_approved=options["include_approved"])
        if dry_run:
            check = check_import(round=round_, source=str(file), rules=rules)
        else:
            try:
                check = apply_file(round=round_, path=str(file), user=user, rules=rules)
            except ImportRefused as refused:
                check = refused.check
        for problem in check.problems:
            where = " ".join(
                part
                for part in (
                    problem.sheet,
                    f"row {problem.row}" if problem.row else "",
                    f"column {problem.column}" if problem.column else "",
                )
                if part
            )
            self.stderr.write(f"{where}: {problem.message}")
        if check.problem_count > len(check.problems):
            self.stderr.write(f"… {check.problem_count - len(check.problems)} more problems")
        summary = check.summary()
        line = (
            "{rows} rows, {cells} values read, {changes} changes in {submissions} submissions, "
            "{unchanged} unchanged, {problems} problems".format(**summary)
        )
        if not check.ok:
            raise CommandError(f"Nothing imported: {line}.")
        verb = "Checked (dry run, nothing written)" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {line}."))
