from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from indicators.services import DEFAULT_SYSTEM_PATH, load_system_file


class Command(BaseCommand):
    help = "Load the default indicator system (43 indicators, 5 maturity levels) and publish it."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_SYSTEM_PATH)
        parser.add_argument("--draft", action="store_true", help="Leave it as a draft.")

    def handle(self, *args, file: Path, draft: bool, **options):
        system, created = load_system_file(file, publish=not draft)
        verb = "Loaded" if created else "Already present:"
        self.stdout.write(self.style.SUCCESS(f"{verb} {system} ({system.get_status_display()})."))
