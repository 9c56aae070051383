"""Two rounds of hand-made results in Zhejiang (2024 → 2025) with known scores and ranks.

Cities: 杭州 330100, 宁波 330200. Counties: 上城 330102, 拱墅 330105, 西湖 330106 (Hangzhou),
海曙 330203 (Ningbo), and 滨江 330108 (Hangzhou) without a score in 2025.
"""

from __future__ import annotations

import pytest

from assessment.collection.models import Round, RoundStatus
from tests.assessment.builders import make_round
from tests.assessment.dashboards.builders import hand_results, refresh_progress

RESULTS_2024 = {
    "330100": (80.0, 1, "L4"),
    "330200": (70.0, 2, "L3"),
    "330102": (60.0, 2, "L3"),
    "330105": (65.0, 1, "L3"),
    "330106": (50.0, 3, "L2"),
    "330203": (40.0, 4, "L2"),
}
RESULTS_2025 = {
    "330100": (82.0, 1, "L4"),
    "330200": (79.5, 2, "L4"),
    "330102": (70.0, 1, "L3"),  # +10: first in the progress race
    "330105": (66.0, 2, "L3"),  # +1
    "330106": (58.0, 3, "L2"),  # +8
    "330203": (45.0, 4, "L2"),  # +5
    "330108": (None, None, None),  # no approved data
}
AREAS_2025 = {
    "330102": {"DS": 90.0, "SV": 60.0, "BL": 70.0, "PP": 55.0},
    "330105": {"DS": 50.0, "SV": 80.0, "BL": 70.0, "PP": 60.0},
    "330106": {"DS": 70.0, "SV": 50.0, "BL": 55.0, "PP": 52.0},
    "330203": {"DS": 40.0, "SV": 45.0, "BL": 50.0, "PP": 48.0},
}


@pytest.fixture
def rounds(regions, default_system) -> tuple[Round, Round]:
    first = make_round(default_system, period="2024", status=RoundStatus.PUBLISHED)
    hand_results(first, RESULTS_2024)
    second = make_round(default_system, period="2025", previous=first)
    hand_results(
        second, RESULTS_2025, areas=AREAS_2025, intervals={"330102": (1, 2), "330105": (1, 3)}
    )
    refresh_progress(second)
    return first, second
