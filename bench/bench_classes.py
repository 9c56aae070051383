"""Peer classes at national scale: a round's compute with three classification schemes
against the same compute without any.

A nationwide round (every division with approved values, bench/national.py) is computed as a
recompute runs it (read, engine, write every Result and the ranking read model, 1,000-draw
rank intervals), alternately without classification schemes and with three (one rank
grouping per scheme, each region's class and rank in class stored): the ratio of the medians
in this one run does not depend on the machine's speed that day.

The schemes: 东部/中部/西部/东北 (every region by its province), city type (副省级城市 /
省会城市 / 其他地级市 for cities; 市辖区 / 县（市） for counties) and a three-way synthetic
scheme covering every region.

Target (issue 22): with 3 schemes ≤ 1.3× without.

    .venv/bin/python bench/bench_classes.py --repeat 3 \
        --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/bench_classes.py --smoke    # CI: Zhejiang only, timings meaningless
"""

from __future__ import annotations

import statistics
import time
import zlib

from _setup import bootstrap, machine, parser

RATIO_TARGET = 1.3
EAST = {"11", "12", "13", "31", "32", "33", "35", "37", "44", "46"}
CENTRAL = {"14", "34", "36", "41", "42", "43"}
NORTHEAST = {"21", "22", "23"}
WEST = {"15", "45", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "66"}
SUB_PROVINCIAL = {"2101", "2102", "2201", "2301", "3201", "3301", "3302", "3502", "3701", "3702",
                  "4201", "4401", "4403", "5101", "6101"}  # fmt: skip


def area_of(code: str) -> str:
    prefix = code[:2]
    for label, members in (("东部", EAST), ("中部", CENTRAL), ("西部", WEST), ("东北", NORTHEAST)):
        if prefix in members:
            return label
    return ""  # 台湾, 香港, 澳门: not classified


def city_type(code: str, level: str, name: str) -> str:
    if level == "city":
        return "副省级城市" if code[:4] in SUB_PROVINCIAL else (
            "省会城市" if code[2:4] == "01" else "其他地级市")  # fmt: skip
    if level == "county":
        return "市辖区" if name.endswith("区") else "县（市）"
    return ""


def make_schemes():
    from assessment.regions.models import Classification, Region, RegionClass

    schemes = [
        Classification.objects.create(code=code, name_zh=name)
        for code, name in (("b-area", "四大区域"), ("b-type", "城市类型"), ("b-band", "规模分档"))
    ]
    rows = []
    for code, level, name in Region.objects.values_list("code", "level", "name"):
        labels = (area_of(code), city_type(code, level, name),
                  "ABC"[zlib.crc32(code.encode()) % 3])  # fmt: skip
        rows += [RegionClass(classification=s, region_id=code, label=label)
                 for s, label in zip(schemes, labels, strict=True) if label]  # fmt: skip
    RegionClass.objects.bulk_create(rows, batch_size=5000)
    return schemes, len(rows)


def main() -> None:
    args = parser(__doc__).parse_args()
    label = bootstrap(args.database_url)
    from national import national_round

    from assessment.results.models import Standing
    from assessment.results.services.compute import compute_round

    round_ = national_round(smoke=args.smoke)
    schemes, members = make_schemes()
    repeat = 1 if args.smoke else args.repeat
    print(f"bench_classes on {label} ({machine()})")

    def run(with_schemes: bool) -> float:
        round_.classifications.set(schemes if with_schemes else [])
        started = time.perf_counter()
        compute_round(round_=round_, with_sensitivity=True)
        return time.perf_counter() - started

    run(False), run(True)  # warm-up
    seconds: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(repeat):
        for variant in (False, True):
            seconds[variant].append(run(variant))
    plain, classed = (statistics.median(seconds[v]) for v in (False, True))
    ratio = classed / plain
    verdict = "OK" if ratio <= RATIO_TARGET else "over target"
    # Schemes take the slots in code order: b-area, b-band (everyone), b-type.
    ranked = Standing.objects.filter(round=round_, class_2_rank__isnull=False).count()
    regions = Standing.objects.filter(round=round_).count()
    print(f"  {regions} regions, {members:,} class memberships in 3 schemes")
    print(f"  compute with rank intervals, no schemes   {plain:.3f} s (median of {repeat})")
    print(f"  compute with rank intervals, 3 schemes    {classed:.3f} s (median of {repeat})")
    print(f"  ratio {ratio:.2f}× (target ≤ {RATIO_TARGET}×: {verdict}); "
          f"{ranked} regions ranked in the synthetic scheme")  # fmt: skip
    scored = Standing.objects.filter(round=round_, rank__isnull=False).count()
    assert ranked == scored, (ranked, scored)  # the synthetic scheme classifies everyone


if __name__ == "__main__":
    main()
