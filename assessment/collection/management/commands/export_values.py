from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.collection.models import Round
from assessment.collection.services.exporting import export_values


class Command(BaseCommand):
    help = "Write a round's values workbook (the import template, filled in) for every region."

    def add_arguments(self, parser):
        parser.add_argument("round", type=int, help="Round id (see /rounds/ or the admin).")
        parser.add_argument("file", type=Path, help="Target .xlsx file.")

    def handle(self, *args, round: int, file: Path, **options):
        round_ = Round.objects.filter(pk=round).first()
        if round_ is None:
            raise CommandError(f"No round with id {round}.")
        export_values(round=round_, path=file)
        self.stdout.write(self.style.SUCCESS(f"Wrote {file} for “{round_}”."))
