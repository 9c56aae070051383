"""The 说明 sheet of a round scored with version 2: the levels each indicator applies to, the
national policy task it measures, the references its basis texts cite and the change log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.collection.models import RoundStatus
from assessment.regions.models import Region
from assessment.results.services.compute import compute_round
from indicators.services import DEFAULT_SYSTEM_V2_PATH, load_system_file
from tests.assessment.builders import fill_values, make_round
from tests.assessment.dashboards.reports.conftest import column_values, workbook


@pytest.fixture
def v2_round(regions, default_system):
    system, _ = load_system_file(DEFAULT_SYSTEM_V2_PATH)
    round_ = make_round(system, period="2026", status=RoundStatus.PUBLISHED)
    counties = Region.objects.filter(parent_id="330100").values_list("code", flat=True)
    codes = [*counties, "330100", "330200"]
    fill_values(round_, codes)
    compute_round(round_=round_, with_sensitivity=False)
    round_.refresh_from_db()
    return round_


def test_the_notes_sheet_carries_applicability_policy_tasks_references_and_changes(
    client, v2_round, administrator
):
    client.force_login(administrator)
    response = client.post(reverse("assessment:round_report", args=[v2_round.pk]) + "?level=county")
    book = workbook(response)
    notes = book["说明"]
    headers = [cell.value for cell in notes[1]]
    assert headers[-2:] == ["适用层级", "对应国家政策任务"]
    codes = column_values(notes, "代码")
    assert None not in codes  # the indicator table alone: the levels have a sheet of their own
    applies = dict(zip(codes, column_values(notes, "适用层级"), strict=False))
    policy = dict(zip(codes, column_values(notes, "对应国家政策任务"), strict=False))
    assert applies["DS.1.1"] == "省级、市级" and applies["SV.1.1"] == "全部层级"
    leaves = [code for code in codes if code and code.count(".") == 2]
    assert len(leaves) == 50 and all(policy[code] for code in leaves)
    levels = book["等级与参考"]
    texts = [str(cell.value) for row in levels.iter_rows() for cell in row if cell.value]
    assert "参考文献" in texts and "[R1]" in texts
    assert "相对上一版本的变更" in texts
    assert v2_round.system.changes[0]["change_zh"] in texts
