"""Loading the national administrative divisions (GB/T 2260) in one bulk upsert."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import transaction

from assessment.regions.models import Region, RegionLevel, level_for_code

DIVISIONS_PATH = Path(settings.BASE_DIR) / "fixtures" / "admin-divisions-2024.txt"
#: Units that national assessments enrol but GB/T 2260 does not list (新疆生产建设兵团).
SUPPLEMENT_PATH = Path(settings.BASE_DIR) / "fixtures" / "admin-divisions-supplement.txt"


class DivisionsFileError(ValueError):
    """The divisions file has a line that is not `<six digits> <name>`."""


def parse_divisions(lines: Iterable[str]) -> list[Region]:
    """Regions with level and parent, parents before children.

    A county PPCCXX hangs off PPCC00 when that city exists, otherwise off the province PP0000
    (municipal districts and province-administered counties such as 419001 济源市).
    """
    pairs: list[tuple[str, str]] = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        code, _, name = text.partition(" ")
        if len(code) != 6 or not code.isdigit() or not name.strip():
            raise DivisionsFileError(f"line {number}: expected '<6-digit code> <name>': {text!r}")
        pairs.append((code, name.strip()))
    codes = {code for code, _ in pairs}
    regions = []
    for code, name in pairs:
        level = level_for_code(code)
        regions.append(
            Region(code=code, name=name, level=level, parent_id=_parent(code, level, codes))
        )
    depth = {RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.COUNTY: 2}
    regions.sort(key=lambda r: (depth[r.level], r.code))
    return regions


def _parent(code: str, level: str, codes: set[str]) -> str | None:
    if level == RegionLevel.PROVINCE:
        return None
    province = code[:2] + "0000"
    if level == RegionLevel.CITY:
        return province
    city = code[:4] + "00"
    return city if city in codes else province


def load_regions(path: Path = DIVISIONS_PATH, supplement: Path | None = SUPPLEMENT_PATH) -> int:
    """Insert or update every division (and the supplement's units) in one transaction;
    running it twice changes nothing."""
    with open(path, encoding="utf-8") as handle:
        lines = handle.readlines()
    if supplement is not None:
        with open(supplement, encoding="utf-8") as handle:
            lines += [line for line in handle if not line.startswith("#")]
    regions = parse_divisions(lines)
    with transaction.atomic():
        Region.objects.bulk_create(
            regions,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "level", "parent"],
        )
    return len(regions)
