"""The demo's classification schemes (分类): Zhejiang's 山区26县 and its city types, used by
the demo's Zhejiang rounds, so that rankings show ranks within peer classes."""

from __future__ import annotations

from assessment.regions.models import Classification, Region, RegionClass

# 浙江省山区26县 (浙政发〔2021〕12号《浙江省山区26县跨越式高质量发展实施方案》).
MOUNTAIN_26 = (
    "330127", "330324", "330326", "330327", "330328", "330329", "330723", "330727", "330802",
    "330803", "330822", "330824", "330825", "330881", "331022", "331023", "331024", "331102",
    "331121", "331122", "331123", "331124", "331125", "331126", "331127", "331181",
)  # fmt: skip
SUB_PROVINCIAL = ("330100", "330200")  # 杭州 (also the capital), 宁波


def ensure_classifications() -> list[Classification]:
    """The two schemes with their classes (idempotent)."""
    mountain, _ = Classification.objects.get_or_create(
        code="zj-mountain-26",
        defaults={"name_zh": "浙江山区26县", "name_en": "Zhejiang's 26 mountain counties",
                  "description": "山区26县与其他县（市、区）分开排名。"},
    )  # fmt: skip
    city_type, _ = Classification.objects.get_or_create(
        code="zj-city-type",
        defaults={"name_zh": "城市类型", "name_en": "City type",
                  "description": "副省级城市与其他设区市分开排名。"},
    )  # fmt: skip
    zhejiang = Region.objects.filter(code__startswith="33")
    wanted = [
        *(RegionClass(classification=mountain, region_id=code,
                      label="山区26县" if code in MOUNTAIN_26 else "其他县（市、区）")
          for code in zhejiang.filter(level="county").values_list("code", flat=True)),
        *(RegionClass(classification=city_type, region_id=code,
                      label="副省级城市" if code in SUB_PROVINCIAL else "其他设区市")
          for code in zhejiang.filter(level="city").values_list("code", flat=True)),
    ]  # fmt: skip
    RegionClass.objects.bulk_create(wanted, ignore_conflicts=True)
    return [mountain, city_type]
