"""Loading the national divisions: counts, parents, idempotence, one bulk operation."""

from __future__ import annotations

import pytest

from assessment.regions.models import Region
from assessment.regions.services import DivisionsFileError, load_regions, parse_divisions


def test_counts_by_level(regions):
    # The 3,213 GB/T 2260 divisions and 新疆生产建设兵团 (the supplement file).
    assert Region.objects.count() == 3214
    assert Region.objects.filter(level="province").count() == 35
    assert Region.objects.filter(level="city").count() == 333
    assert Region.objects.filter(level="county").count() == 2846


@pytest.mark.parametrize(
    ("code", "parent"),
    [
        ("330106", "330100"),  # 西湖区 → 杭州市
        ("330100", "330000"),  # 杭州市 → 浙江省
        ("110101", "110000"),  # municipality district → 北京市
        ("500101", "500000"),  # 重庆 district → 重庆市
        ("419001", "410000"),  # 济源市, province-administered
        ("429004", "420000"),  # 仙桃市
        ("469001", "460000"),  # 五指山市
        ("659001", "650000"),  # 石河子市
        ("330000", None),
        ("710000", None),  # 台湾省: a province-level entry with no children
        ("660000", None),  # 新疆生产建设兵团: province-level, from the supplement
    ],
)
def test_parents_follow_the_gb2260_rule(regions, code, parent):
    assert Region.objects.get(code=code).parent_id == parent


def test_the_bingtuan_is_a_province_level_unit(regions):
    bingtuan = Region.objects.get(code="660000")
    assert (bingtuan.name, bingtuan.level) == ("新疆生产建设兵团", "province")
    assert not Region.objects.filter(parent=bingtuan).exists()  # 6590xx stay with 新疆


def test_levels_follow_the_code(regions):
    assert Region.objects.get(code="110000").level == "province"
    assert Region.objects.get(code="441900").level == "city"  # 东莞市, no counties
    assert Region.objects.get(code="419001").level == "county"


def test_every_parent_is_one_level_up_or_the_province(regions):
    for region in Region.objects.select_related("parent").exclude(parent=None):
        assert region.code.startswith(region.parent.subtree_prefix)
        assert region.parent.level in {"province", "city"}


def test_loading_is_one_bulk_operation_and_idempotent(db, django_assert_max_num_queries):
    # One bulk upsert, batched by the driver's parameter limit: 13 batches on SQLite (999
    # parameters), 4 on PostgreSQL; never one query per region.
    with django_assert_max_num_queries(16):
        assert load_regions() == 3214
    Region.objects.filter(code="330106").update(name="改错的名字")
    assert load_regions() == 3214
    assert Region.objects.count() == 3214
    assert Region.objects.get(code="330106").name == "西湖区"  # refreshed from the file


def test_subtree_uses_the_code_prefix(regions):
    hangzhou = Region.objects.get(code="330100")
    henan = Region.objects.get(code="410000")
    codes = set(Region.objects.subtree(hangzhou).values_list("code", flat=True))
    assert "330106" in codes and "330100" in codes and "330206" not in codes
    assert len(codes) == 1 + Region.objects.filter(parent=hangzhou).count()
    assert Region.objects.subtree(henan).filter(code="419001").exists()
    assert hangzhou.contains(Region.objects.get(code="330106"))
    assert not hangzhou.contains(Region.objects.get(code="330206"))


def test_a_malformed_line_is_reported_with_its_number():
    with pytest.raises(DivisionsFileError, match="line 2"):
        parse_divisions(["110000 北京市", "11010 东城区"])
