from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand

from assessment.regions.services import DIVISIONS_PATH, load_regions


class Command(BaseCommand):
    help = "Load or refresh China's divisions (34 provinces, 333 cities, 2,846 counties) and 兵团."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DIVISIONS_PATH)

    def handle(self, *args, file: Path, **options):
        started = time.perf_counter()
        count = load_regions(file)
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Loaded {count} regions in {elapsed:.2f} s."))
