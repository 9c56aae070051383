from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from indicators.services import DEFAULT_SYSTEM_PATH, DEFAULT_SYSTEM_V2_PATH, load_system_file


class Command(BaseCommand):
    help = (
        "Load the default indicator system, version 1 (43 indicators) and version 2 (50, the "
        "default for new rounds), and publish them; or one system from --file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, action="append")
        parser.add_argument("--draft", action="store_true", help="Leave it as a draft.")

    def handle(self, *args, file: list[Path] | None, draft: bool, **options):
        for path in file or [DEFAULT_SYSTEM_PATH, DEFAULT_SYSTEM_V2_PATH]:
            system, created = load_system_file(path, publish=not draft)
            verb = "Loaded" if created else "Already present:"
            self.stdout.write(
                self.style.SUCCESS(f"{verb} {system} ({system.get_status_display()}).")
            )
