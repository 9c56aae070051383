"""The 说明 words of the reports, from the same data_flags as the ranking's badges."""

from __future__ import annotations

from assessment.dashboards.reports.labels import flags_text
from assessment.dashboards.selectors.profile import NodeScore
from assessment.results.models import ResultFlag, Standing


def node(flags: int) -> NodeScore:
    return NodeScore(node=None, score=0.0, rank=1, rank_in_parent=None, flags=flags, peers=3,
                     median=50.0, best=90.0)  # fmt: skip


def test_a_profile_row_with_an_overstated_leaf_gets_no_count_words():
    # The profile's rows carry the engine's flag; the counts belong to the ranking's rows.
    assert node(int(ResultFlag.OVERSTATED)).flagged_overstated
    assert flags_text(node(int(ResultFlag.OVERSTATED))) == ""
    assert flags_text(node(int(ResultFlag.IMPUTED))) == "补齐"  # the reports are in Chinese


def test_a_ranking_row_says_what_verification_did():
    row = Standing(flags=0, corrected=2, overstated=1, verification_effect=-2.875)
    words = flags_text(row)
    assert words == "虚报 1；核验修正 2（−2.88）"
