"""Two computed Zhejiang rounds (2024 → 2025) with approved demo values for every city and
county, scored by the real compute step; hostile notes and names to check neutralisation.

Exported files are written to a temporary MEDIA_ROOT.
"""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from assessment.collection.models import RoundStatus, Value
from assessment.regions.models import Region
from assessment.results.services.compute import compute_round
from tests.assessment.builders import fill_values, make_round, rename_region
from tests.assessment.dashboards.conftest import rounds  # noqa: F401 (hand-made results)

HOSTILE = ['=HYPERLINK("http://evil.example/","点我")', "+1", "@SUM(A1:A9)", "-2+3"]


def guarded(text: str) -> str:
    """How a hostile text comes back: an apostrophe before a formula's lead; a plain number
    ("+1") is no formula and keeps no apostrophe."""
    return text if text == "+1" else "'" + text


@pytest.fixture(autouse=True)
def _exports(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def computed(regions, default_system):
    """(2024, 2025): computed, 2025 compares with 2024; 2025 published."""
    codes = list(
        Region.objects.filter(code__startswith="33", level__in=["city", "county"]).values_list(
            "code", flat=True
        )
    )
    first = make_round(default_system, period="2024", status=RoundStatus.PUBLISHED)
    fill_values(first, codes)
    compute_round(round_=first, with_sensitivity=False)
    second = make_round(default_system, period="2025", status=RoundStatus.PUBLISHED, previous=first)
    fill_values(second, codes)
    compute_round(round_=second)
    first.refresh_from_db()
    second.refresh_from_db()
    return first, second


@pytest.fixture
def hostile(computed):
    """西湖区's notes and a county's name that a spreadsheet would run as formulas."""
    _, second = computed
    values = Value.objects.filter(submission__round=second, submission__region_id="330106")
    for value, note in zip(values.order_by("indicator__order"), HOSTILE, strict=False):
        value.note = note
        value.save(update_fields=["note"])
    rename_region("330108", "=1+1", *computed)
    return second


def summary_name() -> str:
    """The first sheet's name, 总体情况, as the Chinese catalogue gives it."""
    from assessment.dashboards.reports.summary_sheet import SHEET_NAME

    with translation.override("zh-hans"):
        return str(SHEET_NAME)


def workbook(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(content))


def column_values(sheet, header: str) -> list:
    headers = [cell.value for cell in sheet[1]]
    index = headers.index(header) + 1
    return [sheet.cell(row, index).value for row in range(2, sheet.max_row + 1)]
