"""Version 2 of the default indicator system (fixtures/default-system-v2.json), read as a file.

No database: these tests check the published texts and the structure. The main rule is the one
the review of v1 asked for: every figure in a `basis` text is either found verbatim in the seed
article it cites (fixtures/seeds, keys S000–S004) or carries a reference key (R1, R2, …) from the
system's `references` list.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
V1_PATH = ROOT / "fixtures" / "default-system.json"
V2_PATH = ROOT / "fixtures" / "default-system-v2.json"
SEED_DIR = ROOT / "fixtures" / "seeds"
LEVELS = {"province", "city", "county"}

# ------------------------------------------------------------------------------------------------
# The figure check

MARKER = re.compile(r"\[(S\d{3}|R\d+)\]")
MARKERS_AT_END = re.compile(r"(?:\[(?:S\d{3}|R\d+)\])+\s*$")
SENTENCE_END = re.compile(r"[。；;！？]")
# Numbers that are not figures: document numbers (国发〔2022〕14号), years and dates, indicator
# and level codes, article numbers, and the hotline's name 12345.
NOT_FIGURES = [
    re.compile(r"[〔\[（(]\d{4}[〕\]）)]\s*\d+\s*号"),
    re.compile(r"第\s*\d+\s*[号条章款节]"),
    re.compile(r"(?:19|20)\d{2}\s*[—–\-~至到]\s*(?:19|20)\d{2}\s*年"),
    re.compile(r"(?:19|20)\d{2}\s*年"),
    re.compile(r"\d{1,2}\s*[—–\-~至到]\s*\d{1,2}\s*月"),
    re.compile(r"\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"),
    re.compile(r"\b(?:DS|SV|BL|PP)(?:\.\d+){1,2}\b|\bL[1-5]\b"),
    re.compile(r"(?<!\d)12345(?!\d)"),
]
FIGURE = re.compile(r"\d+(?:\.\d+)?(?:%|万|亿)?")
FULL_WIDTH = str.maketrans("０１２３４５６７８９％．", "0123456789%.")


def normalise(text: str) -> str:
    """Digits as ASCII, no thousands separators or spaces inside numbers, no '@@' noise."""
    text = text.replace("@@", "").translate(FULL_WIDTH)
    text = re.sub(r"(?<=\d)[,，](?=\d{3}(?!\d))", "", text)  # 1,248 → 1248
    text = re.sub(r"(?<=\d) +(?=\d)", "", text)  # 0.794 8 → 0.7948
    return re.sub(r"(?<=\d)\s+(?=[%万亿])", "", text)  # 14 % → 14%


def figures(sentence: str) -> list[str]:
    text = MARKER.sub("", normalise(sentence))
    for pattern in NOT_FIGURES:
        text = pattern.sub(" ", text)
    return FIGURE.findall(text)


def in_text(figure: str, text: str) -> bool:
    """The figure, unit included, as a whole number in `text` (47 is not in 1047 or 4.7)."""
    return re.search(rf"(?<![\d.]){re.escape(figure)}(?!\.?\d)", text) is not None


def basis_problems(basis: str, seeds: dict[str, str], reference_keys: set[str]) -> list[str]:
    """What is wrong with a basis text: unknown markers, unmarked figures, misquoted figures.

    A sentence (split on 。；;) that holds a figure must end with one or more markers. When it
    cites seeds only, each of its figures must appear verbatim in one of the cited seeds; a
    figure found in no cited seed is accepted only if the sentence also cites a reference.
    """
    problems = []
    for sentence in filter(str.strip, SENTENCE_END.split(basis)):
        keys = MARKER.findall(sentence)
        problems += [
            f"unknown source [{k}]: {sentence}"
            for k in keys
            if k not in seeds and k not in reference_keys
        ]
        found = figures(sentence)
        if not found:
            continue
        if not MARKERS_AT_END.search(sentence.strip()):
            problems.append(f"figures {found} without a source marker: {sentence}")
            continue
        cited = [normalise(seeds[k]) for k in keys if k in seeds]
        if any(k in reference_keys for k in keys):
            continue
        problems += [
            f"{figure} is not in {'/'.join(keys)}: {sentence}"
            for figure in found
            if not any(in_text(figure, text) for text in cited)
        ]
    return problems


# ------------------------------------------------------------------------------------------------
# Loading


@cache
def system() -> dict:
    return json.loads(V2_PATH.read_text(encoding="utf-8"))


@cache
def seeds() -> dict[str, str]:
    return {
        f"S{p.name[:3]}": p.read_text(encoding="utf-8")
        for p in SEED_DIR.glob("[0-9][0-9][0-9]_*.txt")
    }


def reference_keys() -> set[str]:
    return {ref["key"] for ref in system()["references"]}


def walk(nodes, depth=0, points=100.0, parent=None):
    """(node, depth, points out of 100, parent) for every node, in order."""
    total = sum(n["weight"] for n in nodes)
    for n in nodes:
        share = points * n["weight"] / total
        yield n, depth, share, parent
        yield from walk(n.get("children", []), depth + 1, share, n)


def leaves(data=None) -> dict[str, dict]:
    return {n["code"]: n for n, *_ in walk((data or system())["nodes"]) if "children" not in n}


def applies_to(leaf: dict) -> set[str]:
    return set(leaf.get("applies_to") or LEVELS)


@pytest.fixture(scope="module")
def v2_leaves():
    return leaves()


@pytest.fixture(scope="module")
def v1_leaves():
    return leaves(json.loads(V1_PATH.read_text(encoding="utf-8")))


# ------------------------------------------------------------------------------------------------
# (1) figures in basis texts


def test_the_five_seed_articles_ship_with_the_fixture():
    assert sorted(seeds()) == ["S000", "S001", "S002", "S003", "S004"]
    assert (SEED_DIR / "README.md").exists()


def test_every_basis_figure_is_sourced_and_seed_figures_are_verbatim(v2_leaves):
    problems = {
        code: found
        for code, leaf in v2_leaves.items()
        if (found := basis_problems(leaf["basis"], seeds(), reference_keys()))
    }
    assert problems == {}


def test_every_leaf_has_a_basis_and_most_cite_a_source(v2_leaves):
    assert all(leaf["basis"].strip() for leaf in v2_leaves.values())
    cited = [code for code, leaf in v2_leaves.items() if MARKER.search(leaf["basis"])]
    assert len(cited) == len(v2_leaves)


def test_unsourced_figures_of_v1_are_gone(v2_leaves):
    texts = " ".join(leaf["basis"] for leaf in v2_leaves.values())
    for figure in ("47万", "895", "3,687", "3687", "1,248", "1248", "45%", "21.6%"):
        assert figure not in texts, figure
    # Zhejiang figures stay Zhejiang's: 8.1 % and 14 % are quoted with the province named.
    for figure in ("8.1%", "14%"):
        sentences = [s for s in SENTENCE_END.split(texts) if figure in s]
        assert sentences and all("浙江" in s for s in sentences), figure
    # 983 are 粤省事's zero-trip items, not low-visit services.
    assert "983" not in v2_leaves["SV.3.2"]["basis"]
    assert "“零跑动”事项983项" in v2_leaves["SV.1.2"]["basis"]
    # 645 / 139 are service items (事项), not interfaces.
    assert (
        "645个事项" in v2_leaves["BL.1.1"]["basis"] and "139个事项" in v2_leaves["BL.1.1"]["basis"]
    )
    assert "上海" in v2_leaves["BL.3.2"]["basis"]


# ------------------------------------------------------------------------------------------------
# (5) the check rejects made-up or misquoted figures


@pytest.mark.parametrize(
    "basis",
    [
        "全国已汇聚约47万条目录[S004]。",  # the v1 figure: not in seed 004
        "全国开放数据占归集数据的8.1%。",  # a figure with no marker
        "浙江法人用水数据归集率仅14%左右[S000]。",  # right figure, wrong seed
        "问题数据比例为0.06%[S004]，另有约7%为低效数据。",  # second clause, no marker at the end
        "浙江共梳理办事指南3,687项[S004]。",
        "问题数据比例为0.06%[R99]。",  # no such reference
        "粤省事有98项零跑动事项[S000]。",  # 98 is not 983
    ],
)
def test_the_check_rejects_unsourced_figures(basis):
    assert basis_problems(basis, seeds(), reference_keys())


@pytest.mark.parametrize(
    "basis",
    [
        "浙江问题数据比例从2018年底的0.11%下降到2020年初的0.06%[S004]。",
        "粤省事集成近1,190项高频民生服务，其中“零跑动”事项９８３项[S000]。",
        "国发〔2016〕51号规定提供部门应在10个工作日内予以答复[R2]。",
        "截至2020年6月，浙江省政府31个直属机构中仅13个较好完成了核心业务梳理[S004]。",
        "《国务院关于加强数字政府建设的指导意见》（国发〔2022〕14号）未给出数字。",
    ],
)
def test_the_check_accepts_sourced_figures(basis):
    assert basis_problems(basis, seeds(), reference_keys()) == []


# ------------------------------------------------------------------------------------------------
# (2) references


def test_references_are_complete_and_all_used(v2_leaves):
    refs = system()["references"]
    keys = [ref["key"] for ref in refs]
    assert len(keys) == len(set(keys))
    assert all(re.fullmatch(r"R\d+", key) for key in keys)
    for ref in refs:
        assert ref["title"].strip(), ref
        assert re.match(r"https?://\S+$", ref["url"]), ref
    used = {k for leaf in v2_leaves.values() for k in MARKER.findall(leaf["basis"])}
    assert used - set(keys) - set(seeds()) == set()  # every key used exists
    assert set(keys) - used == set()  # and every reference is used


# ------------------------------------------------------------------------------------------------
# (3) structure


def test_four_areas_worth_100_points_with_22_dimensions_and_50_leaves():
    data = system()
    assert (data["code"], data["version"]) == ("dgma", 2)
    rows = list(walk(data["nodes"]))
    assert [n["code"] for n, depth, *_ in rows if depth == 0] == ["DS", "SV", "BL", "PP"]
    assert sum(n["weight"] for n in data["nodes"]) == pytest.approx(100)
    dims = [n for n, depth, *_ in rows if depth == 1]
    leaf_rows = [(n, p) for n, depth, p, _ in rows if depth == 2]
    assert 18 <= len(dims) <= 22 and 45 <= len(leaf_rows) <= 50
    assert all("children" not in n for n, _ in leaf_rows)
    assert sum(p for _, p in leaf_rows) == pytest.approx(100)
    for n, _depth, points, parent in rows:  # weights are the points themselves
        assert n["weight"] == pytest.approx(points), n["code"]
        if parent is not None:
            assert n["code"].startswith(parent["code"] + "."), n["code"]


def test_leaves_are_bilingual_and_well_specified(v2_leaves):
    for code, leaf in v2_leaves.items():
        assert re.search(r"[\u4e00-\u9fff]", leaf["name_zh"]) and leaf["name_en"].strip(), code
        assert leaf["guidance_zh"].strip() and leaf["guidance_en"].strip(), code
        assert leaf["evidence_note_zh"].strip() and leaf["evidence_note_en"].strip(), code
        assert leaf["value_type"] in {"percent", "number", "count", "yesno", "rubric"}, code
        assert leaf["direction"] in (1, -1), code
        assert leaf.get("source", "form") in {"form", "platform", "expert"}, code
        assert leaf.get("applies_to") and set(leaf["applies_to"]) <= LEVELS, code
        assert leaf["policy_ref"].strip(), code
        if leaf["value_type"] == "rubric":
            assert leaf["rule"] == "rubric" and len(leaf["rubric"]) == 6, code
            assert all(level["zh"].strip() and level["en"].strip() for level in leaf["rubric"]), (
                code
            )
        if leaf["value_type"] == "percent":
            assert (leaf["min_value"], leaf["max_value"]) == (0, 100), code
        if leaf["rule"] == "goalposts":
            assert (
                None not in (leaf["floor"], leaf["target"]) and leaf["floor"] != leaf["target"]
            ), code
            better = leaf["target"] > leaf["floor"]
            assert better == (leaf["direction"] == 1), code
        if leaf["rule"] == "bands":
            thresholds = [t for t, _ in leaf["bands"]]
            assert thresholds == sorted(thresholds), code


def test_policy_refs_name_a_task_of_guofa_2022_14(v2_leaves):
    tasks = (
        "二、构建协同高效的政府数字化履职能力体系",
        "三、构建数字政府全方位安全保障体系",
        "四、构建科学规范的数字政府建设制度规则体系",
        "五、构建开放共享的数据资源体系",
        "六、构建智能集约的平台支撑体系",
        "七、以数字政府建设全面引领驱动数字化发展",
        "八、加强党对数字政府建设工作的领导",
    )
    for code, leaf in v2_leaves.items():
        assert leaf["policy_ref"].startswith(tasks), code


def test_level_gates_exist_and_apply_to_every_level(v2_leaves):
    levels = system()["levels"]
    assert [lvl["code"] for lvl in levels] == ["L1", "L2", "L3", "L4", "L5"]
    assert [lvl["min_score"] for lvl in levels] == sorted(lvl["min_score"] for lvl in levels)
    gates = [gate for lvl in levels for gate in lvl["gates"]]
    assert gates
    for gate in gates:
        assert gate["indicator"] in v2_leaves, gate
        assert applies_to(v2_leaves[gate["indicator"]]) == LEVELS, gate
        assert 0 < gate["min_score"] <= 100, gate


# ------------------------------------------------------------------------------------------------
# (4) the review's fixes


def test_ds_2_3_is_a_rate_of_calls_made(v2_leaves):
    leaf = v2_leaves["DS.2.3"]
    assert leaf["value_type"] == "number" and leaf["unit_zh"] == "次/万人"
    assert leaf["source"] == "platform" and leaf["rule"] == "peer_percentile"
    assert "使用方" in leaf["guidance_zh"] and "calls made" in leaf["guidance_en"]


def test_ds_2_2_floor_is_no_laxer_than_the_rules(v2_leaves):
    leaf = v2_leaves["DS.2.2"]
    assert leaf["unit_zh"] == "工作日" and leaf["direction"] == -1
    assert leaf["floor"] <= 10 and leaf["target"] < leaf["floor"]


def test_city_and_province_facts_do_not_apply_to_counties(v2_leaves):
    city_level = [c for c in v2_leaves if re.match(r"DS\.[1-4]\.", c)] + ["BL.1.1", "BL.3.2"]
    assert len(city_level) == 13
    for code in city_level:
        assert "county" not in applies_to(v2_leaves[code]), code
    # Counties still have something to answer in every area.
    for area in ("DS", "SV", "BL", "PP"):
        assert any(
            c.startswith(area) and "county" in applies_to(leaf) for c, leaf in v2_leaves.items()
        )


def test_goalposts_the_review_found_saturated_or_unfair_are_changed(v2_leaves, v1_leaves):
    assert v2_leaves["DS.3.1"]["target"] < 0.06  # Zhejiang's 0.06 % no longer scores 100
    assert v2_leaves["SV.4.1"]["target"] < v1_leaves["SV.4.1"]["target"]
    assert v2_leaves["SV.4.1"].get("review_above") is not None
    assert v2_leaves["SV.1.2"]["name_zh"] != v1_leaves["SV.1.2"]["name_zh"]
    assert v2_leaves["BL.4.2"]["name_zh"] != v1_leaves["BL.4.2"]["name_zh"]
    assert "基准年" in v2_leaves["BL.3.1"]["guidance_zh"]
    assert "10次" not in v2_leaves["SV.3.2"]["guidance_zh"]
    assert (
        "中位数" in v2_leaves["SV.3.2"]["guidance_zh"]
        and "万人" in v2_leaves["SV.3.2"]["guidance_zh"]
    )
    gate_codes = {g["indicator"] for lvl in system()["levels"] for g in lvl["gates"]}
    assert "DS.3.1" not in gate_codes


def test_pp_is_re_specified(v2_leaves):
    assert (
        "系统" in v2_leaves["PP.2.1"]["name_zh"] and "服务商" not in v2_leaves["PP.2.1"]["name_zh"]
    )
    assert "集中度" not in v2_leaves["PP.4.2"]["name_zh"]
    assert "加分" in v2_leaves["PP.3.1"]["guidance_zh"]  # says it must not be a scoring bonus
    for code in ("PP.2.2", "DS.5.2"):  # incidents as notified, not self-reported
        assert "通报" in v2_leaves[code]["name_zh"] and v2_leaves[code]["source"] == "platform"
    l5 = next(lvl for lvl in system()["levels"] if lvl["code"] == "L5")
    assert all(g["min_score"] < 100 for g in l5["gates"] if g["indicator"] in ("PP.2.2", "DS.5.2"))


def test_pp_weighs_less_and_new_coverage_exists(v2_leaves, v1_leaves):
    areas = {n["code"]: n["weight"] for n in system()["nodes"]}
    assert 10 <= areas["PP"] < 20
    for word in ("12345", "电子证照", "监管", "首席数据官"):
        codes = [c for c, leaf in v2_leaves.items() if word in leaf["name_zh"]]
        assert codes, word
        assert any(c not in v1_leaves for c in codes), word


def test_codes_persist_and_every_change_is_logged(v2_leaves, v1_leaves):
    v1_data = json.loads(V1_PATH.read_text(encoding="utf-8"))
    v1_codes = {n["code"] for n, *_ in walk(v1_data["nodes"])}
    v2_codes = {n["code"] for n, *_ in walk(system()["nodes"])}
    changes = {c["code"]: c for c in system()["changes"]}
    assert len(changes) == len(system()["changes"])
    level_codes = {lvl["code"] for lvl in system()["levels"]}
    assert set(changes) <= v1_codes | v2_codes | level_codes
    removed, added = set(v1_leaves) - set(v2_leaves), set(v2_leaves) - set(v1_leaves)
    assert removed == {"PP.3.2"}
    assert len(set(v1_leaves) & set(v2_leaves)) == 42  # shared codes for the v1→v2 comparison
    assert removed | added <= set(changes)
    for change in changes.values():
        assert change["change_zh"].strip() and change["change_en"].strip(), change
    new_codes = sorted(added)
    assert all(re.fullmatch(r"(DS|SV|BL|PP)\.\d+\.\d+", c) for c in new_codes)
