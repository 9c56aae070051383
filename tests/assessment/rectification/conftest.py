"""A closed Zhejiang round with hand-made results, published so that its findings became
rectification tasks: 西湖区 (330106) and 海曙区 (330203) are weak on DS.1.1, 滨江区 (330108)
is strong on it.

Evidence files go to a temporary MEDIA_ROOT.
"""

from __future__ import annotations

import pytest

from assessment.collection.models import Round
from assessment.rectification.models import RectificationTask
from assessment.rectification.services.publishing import publish_round
from tests.assessment.rectification.builders import closed_round, gate, store_results

SCORES = {
    "330106": {"DS.1.1": 45.0, "DS": 55.0, "SV.3.1": 59.996, "SV.1.1": 60.0, "BL.1.1": 80.0},
    "330203": {"DS.1.1": 30.0, "DS": 70.0},
    "330108": {"DS.1.1": 95.0, "DS": 90.0},
}
GATES = {"330106": [gate("SV.4.2", 72.6)]}
MEDIANS = {"DS.1.1": 45.0, "DS": 70.0, "SV.4.2": 81.0}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def closed(regions, default_system) -> Round:
    round_ = closed_round(default_system)
    store_results(round_, SCORES, gates=GATES, medians=MEDIANS)
    return round_


@pytest.fixture
def published(closed) -> Round:
    return publish_round(round_=closed)


@pytest.fixture
def xihu_task(published) -> RectificationTask:
    """西湖区's task on DS.1.1 (45, below the line of 60)."""
    return RectificationTask.objects.select_related("region", "round").get(
        round=published, region_id="330106", indicator__code="DS.1.1"
    )


@pytest.fixture
def haishu_task(published) -> RectificationTask:
    return RectificationTask.objects.get(
        round=published, region_id="330203", indicator__code="DS.1.1"
    )
