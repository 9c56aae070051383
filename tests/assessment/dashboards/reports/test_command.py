"""manage.py export_round: the same workbook from the command line."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.assessment.dashboards.reports.conftest import column_values, summary_name


def test_every_level_and_region_without_a_user(computed, tmp_path):
    _, second = computed
    target = tmp_path / "report.xlsx"
    call_command("export_round", str(second.pk), str(target))
    book = load_workbook(target)
    assert book.sheetnames[:2] == [summary_name(), "排名"]
    levels = column_values(book["排名"], "层级")
    assert levels.count("市级") == 11 and levels.count("县级") == 90
    assert len(book["图表"]._charts) == 4  # two charts per level


@pytest.mark.usefixtures("computed", "supervisor_hangzhou")
def test_level_parent_and_a_users_scope(tmp_path):
    target = tmp_path / "hz.xlsx"
    call_command("export_round", "2025", str(target), "--level", "county", "--parent", "330100")
    assert len(column_values(load_workbook(target)["排名"], "代码")) == 13
    call_command("export_round", "2025", str(target), "--level", "county",
                 "--as-user", "supervisor-330100")  # fmt: skip
    codes = column_values(load_workbook(target)["排名"], "代码")
    assert len(codes) == 13 and all(code.startswith("3301") for code in codes)
    with pytest.raises(CommandError, match="may not"):
        call_command("export_round", "2025", str(target), "--level", "county",
                     "--parent", "330200", "--as-user", "supervisor-330100")  # fmt: skip
    with pytest.raises(CommandError, match="No user"):
        call_command("export_round", "2025", str(target), "--as-user", "ghost")
