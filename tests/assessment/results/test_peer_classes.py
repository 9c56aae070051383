"""Ranks within peer classes (分类排名) and within the parent region, as compute stores them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessment.regions.models import Classification, RegionClass
from assessment.results.models import Standing
from assessment.results.services.compute import compute_round
from tests.assessment.builders import fill_values, make_round

HANGZHOU_COUNTIES = ["330102", "330105", "330106", "330108", "330109", "330110"]
MOUNTAIN = ["330127", "330182"]  # 淳安县, 建德市: a made-up class of two Hangzhou counties
LISHUI = ["331102", "331121", "331122"]  # 莲都区, 青田县, 缙云县 (all 山区26县)


def competition_ranks(scores: dict[str, float]) -> dict[str, int]:
    """1 + the number of strictly better scores: ties share the best rank."""
    return {code: 1 + sum(other > score for other in scores.values())
            for code, score in scores.items()}  # fmt: skip


@pytest.fixture
def classified_round(regions, default_system):
    mountain = Classification.objects.create(code="mountain-26", name_zh="山区26县")
    RegionClass.objects.bulk_create(
        [RegionClass(classification=mountain, region_id=code, label="山区26县")
         for code in MOUNTAIN + LISHUI]
        + [RegionClass(classification=mountain, region_id=code, label="其他县")
           for code in HANGZHOU_COUNTIES]
    )  # fmt: skip
    round_ = make_round(default_system, period="2025")
    round_.classifications.set([mountain])
    fill_values(round_, ["330100", "331100", *HANGZHOU_COUNTIES, *MOUNTAIN, *LISHUI])
    return round_


def test_class_ranks_are_ranks_among_the_level_within_the_class(classified_round):
    compute_round(round_=classified_round, with_sensitivity=False)
    rows = {s.region_id: s for s in Standing.objects.filter(round=classified_round)}
    for label, members in (("山区26县", MOUNTAIN + LISHUI), ("其他县", HANGZHOU_COUNTIES)):
        scores = {code: rows[code].score for code in members}
        expected = competition_ranks(scores)
        assert {code: rows[code].class_1_rank for code in members} == expected
        assert {rows[code].class_1 for code in members} == {label}
    # Within the parent region: Hangzhou's eight counties ranked among themselves.
    hangzhou = {code: rows[code].score for code in HANGZHOU_COUNTIES + MOUNTAIN}
    assert {c: rows[c].rank_in_parent for c in hangzhou} == competition_ranks(hangzhou)
    # Cities are not classified by this scheme: no class, no rank in class.
    assert rows["330100"].class_1 == "" and rows["330100"].class_1_rank is None
    assert rows["330100"].rank is not None


def test_tied_scores_share_the_best_rank_in_class(classified_round):
    from assessment.collection.models import Value

    # 青田县 gets exactly 缙云县's values: the same score, the same rank in class.
    source = dict(
        Value.objects.filter(submission__round=classified_round,
                             submission__region_id="331122").values_list("indicator_id", "value")
    )  # fmt: skip
    for value in Value.objects.filter(
        submission__round=classified_round, submission__region_id="331121"
    ):
        value.value = source[value.indicator_id]
        value.save(update_fields=["value"])
    compute_round(round_=classified_round, with_sensitivity=False)
    rows = {s.region_id: s for s in Standing.objects.filter(round=classified_round)}
    assert rows["331121"].score == rows["331122"].score
    assert rows["331121"].class_1_rank == rows["331122"].class_1_rank
    better = sum(rows[c].score > rows["331121"].score for c in MOUNTAIN + LISHUI)
    assert rows["331121"].class_1_rank == better + 1


def test_without_schemes_the_class_slots_stay_empty(regions, default_system):
    round_ = make_round(default_system, period="2025")
    fill_values(round_, ["330100", "330102"], value=lambda region, leaf: Decimal(1))
    compute_round(round_=round_, with_sensitivity=False)
    standing = Standing.objects.get(round=round_, region_id="330102")
    assert (standing.class_1, standing.class_1_rank, standing.class_3_rank) == ("", None, None)
