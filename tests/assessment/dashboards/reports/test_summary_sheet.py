"""总体情况, the round report's first sheet: the narrative's numbers against the database, the
most improved (rises only), the 问题清单 counts, the rectification status, its print design; and
the narrative builder on its own, without a database."""

from __future__ import annotations

import re
import statistics
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext
from openpyxl import load_workbook

from assessment.collection.models import Round
from assessment.dashboards.reports.build import report_for
from assessment.dashboards.selectors import narrative
from assessment.dashboards.selectors.narrative import (
    Change,
    LevelFigures,
    Named,
    RectificationFigures,
    level_sentences,
    rectification_sentence,
)
from assessment.dashboards.selectors.summary import rectification_status, summary
from assessment.rectification.models import RectificationNotice, RectificationTask, TaskStatus
from assessment.regions.models import Region
from assessment.results.models import Result, ResultKind, Standing
from indicators.models import Indicator, MaturityLevel
from tests.assessment.dashboards.builders import round_of_counties
from tests.assessment.dashboards.reports.conftest import summary_name, workbook

COUNTIES = "?level=county"
CITIES = "?level=city"


def url(round_, query: str = "") -> str:
    return reverse("assessment:round_report", args=[round_.pk]) + query


def zh(msgid: str, **values) -> str:
    """A message as the Chinese catalogue gives it (whether or not it is translated yet)."""
    with translation.override("zh-hans"):
        text = gettext(msgid)
    return text % values if values else text


def scope_word(word: str) -> str:
    with translation.override("zh-hans"):
        return pgettext("narrative scope", word)


def has(text: str, number: str) -> bool:
    """Whether `number` appears in `text` as a whole number (not inside 190 or 60.0)."""
    return re.search(rf"(?<![\d.]){re.escape(number)}(?![\d.])", text) is not None


def texts(sheet) -> list[str]:
    return [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]


def row_after(sheet, text: str) -> int:
    """The row number of the first row whose first cell is `text`."""
    for row in sheet.iter_rows():
        if row[0].value == text:
            return row[0].row
    raise AssertionError(f"no row {text!r}")


def table(sheet, header_row: int) -> list[list]:
    """The rows under a table's header up to the first empty row."""
    out = []
    for row in sheet.iter_rows(min_row=header_row + 1, values_only=True):
        if all(value is None for value in row):
            break
        out.append(list(row))
    return out


def export(client, user, round_, query: str):
    client.force_login(user)
    response = client.post(url(round_, query))
    assert response.status_code == 200
    return workbook(response)


def narrative_text(sheet, level_name: str) -> str:
    heading = zh("%(level)s: overall situation", level=level_name)
    return sheet.cell(row_after(sheet, heading) + 1, 1).value


# --- The sheet ------------------------------------------------------------------------------


def test_the_summary_sheet_comes_first_and_prints_on_a4_portrait(
    client, computed, evaluator_zhejiang
):
    _, second = computed
    book = export(client, evaluator_zhejiang, second, "?level=county&parent=330100")
    assert book.sheetnames[0] == summary_name() and "概览" not in book.sheetnames
    sheet = book.worksheets[0]
    assert sheet.page_setup.orientation == "portrait" and sheet.page_setup.paperSize == 9
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_area == f"'{sheet.title}'!$A$1:$G${sheet.max_row}"
    found = texts(sheet)
    assert "状态" in found and "计分方法" in found and "范围" in found
    assert sheet.cell(row_after(sheet, "范围"), 2).value == "杭州市"  # not 浙江省
    assert "上级地区：杭州市" in " ".join(found)
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            assert cell.font.name, (cell.coordinate, cell.value)  # the CJK face, never blank
            if isinstance(cell.value, str):
                assert not cell.value.startswith("'"), cell.coordinate
                assert not cell.value.replace(".", "").replace("%", "").isdigit(), cell.coordinate
            elif isinstance(cell.value, float):
                assert cell.number_format != "General", (cell.coordinate, cell.value)
    # The level thresholds, as numbers: L3 starts at its lowest score.
    levels = table(sheet, row_after(sheet, "成熟度等级"))
    l3 = MaturityLevel.objects.get(system=second.system, code="L3")
    assert next(row for row in levels if row[0] == "L3")[2] == float(l3.min_score)
    # Long texts are given the room they need: the method's row is taller than one line.
    method_row = row_after(sheet, "计分方法")
    assert sheet.row_dimensions[method_row].height > 30
    # A report of 杭州市 ranks within 杭州市 first, the rank among all counties last.
    top = table(sheet, row_after(sheet, "上级地区内名次"))
    assert [row[0] for row in top] == list(range(1, 11))
    ranks = dict(
        Standing.objects.filter(round=second, parent_id="330100").values_list("region_id", "rank")
    )
    names = dict(Region.objects.filter(code__in=ranks).values_list("name", "code"))
    assert all(row[5] == ranks[names[row[1]]] for row in top)


def test_each_level_starts_a_printed_page(computed, tmp_path):
    _, second = computed
    target = tmp_path / "report.xlsx"
    call_command("export_round", str(second.pk), str(target))
    sheet = load_workbook(target).worksheets[0]
    assert len(sheet.row_breaks.brk) == 1  # no tasks: no rectification page
    county = row_after(sheet, zh("%(level)s: overall situation", level="县级"))
    assert sheet.row_breaks.brk[0].id == county - 1


def test_the_narratives_numbers_equal_the_data(client, computed, evaluator_zhejiang):
    first, second = computed
    book = export(client, evaluator_zhejiang, second, COUNTIES)
    sheet = book.worksheets[0]
    text = narrative_text(sheet, "县级")

    current = dict(
        Standing.objects.filter(round=second, region_level="county").values_list(
            "region_id", "score"
        )
    )
    scores = [s for s in current.values() if s is not None]
    assert len(current) == 90
    previous = dict(
        Standing.objects.filter(round=first, region_id__in=current).values_list(
            "region_id", "score"
        )
    )
    changes = [
        current[c] - previous[c]
        for c in current
        if current[c] is not None and previous.get(c) is not None
    ]
    l3 = MaturityLevel.objects.get(system=second.system, code="L3")
    reached = Result.objects.filter(
        round=second, kind=ResultKind.OVERALL, region_id__in=current, level__order__gte=l3.order
    ).count()
    mean, median, change = (
        statistics.fmean(scores),
        statistics.median(scores),
        statistics.fmean(changes),
    )
    up = sum(round(c, 2) > 0 for c in changes)
    down = sum(round(c, 2) < 0 for c in changes)
    for number in (
        "90",
        f"{mean:.1f}",
        f"{median:.1f}",
        f"{abs(change):.1f}",
        f"{up}",
        f"{down}",
        f"{reached}",
        f"{reached / len(scores) * 100:.1f}%",
    ):
        assert has(text, number), (number, text)
    assert scope_word("province-wide") in text  # 全省: the whole province, not one city
    # Best and worst area by the mean of their published scores.
    areas = {a.pk: a for a in Indicator.objects.filter(system=second.system, parent=None)}
    by_area: dict[int, list[float]] = {}
    for indicator, score in Result.objects.filter(
        round=second, kind=ResultKind.AREA, region_id__in=current
    ).values_list("indicator_id", "score"):
        if score is not None:
            by_area.setdefault(indicator, []).append(round(score, 2))
    means = {pk: statistics.fmean(values) for pk, values in by_area.items()}
    best = max(means, key=means.get)
    worst = min(means, key=means.get)
    assert areas[best].name_zh in text and has(text, f"{means[best]:.1f}")
    assert areas[worst].name_zh in text and has(text, f"{means[worst]:.1f}")
    top = max(current, key=lambda c: current[c] if current[c] is not None else -1)
    assert Region.objects.get(code=top).name in text

    # The key figures table holds the same numbers, as numbers.
    figures = {row[0]: row[2] for row in table(sheet, row_after(sheet, zh("Key figure"))) if row[0]}
    assert figures["地区数"] == 90
    assert figures[zh("Mean overall score")] == pytest.approx(mean)
    assert figures[zh("Median overall score")] == pytest.approx(median)
    assert figures[zh("Mean change since %(period)s", period="2024")] == pytest.approx(change)
    assert figures[zh("Share at %(level)s or above", level="L3")] == pytest.approx(
        reached / len(scores)
    )
    # A note over two lines leaves label, value and note on one line: all at the row's top.
    start = row_after(sheet, zh("Key figure")) + 1
    rows = sheet.iter_rows(min_row=start, max_row=start + len(figures) - 1)
    tops = {cell.alignment.vertical for row in rows for cell in row if cell.value is not None}
    assert tops == {"top"}


def test_most_improved_lists_only_rises(client, computed, administrator):
    _, second = computed
    book = export(client, administrator, second, CITIES)
    sheet = book.worksheets[0]
    heading = row_after(sheet, zh("%(level)s: most improved", level="市级"))
    rows = table(sheet, heading + 1)
    changes = {
        code: score - previous
        for code, score, previous in Standing.objects.filter(
            round=second, region_level="city"
        ).values_list("region_id", "score", "previous_score")
    }
    rises = sorted((c for c in changes.values() if round(c, 2) > 0), reverse=True)
    assert 0 < len(rises) < len(changes)  # some cities fell: they are not listed
    assert [row[5] for row in rows] == pytest.approx(rises[:10], abs=0.006)
    assert all(row[5] > 0 for row in rows)
    names = dict(Region.objects.filter(level="city").values_list("code", "name"))
    fallen = {names[code] for code, change in changes.items() if round(change, 2) <= 0}
    assert not fallen & {row[1] for row in rows}


def test_the_problem_list_counts_the_regions_below_the_line(client, computed, evaluator_zhejiang):
    _, second = computed
    Round.objects.filter(pk=second.pk).update(task_threshold=70)
    book = export(client, evaluator_zhejiang, second, COUNTIES)
    sheet = book.worksheets[0]
    codes = set(
        Standing.objects.filter(round=second, region_level="county").values_list(
            "region_id", flat=True
        )
    )
    below: dict[str, int] = {}
    scored: dict[str, int] = {}
    weak: dict[str, int] = dict.fromkeys(codes, 0)
    for code, leaf, score in Result.objects.filter(
        round=second, kind=ResultKind.LEAF, region_id__in=codes
    ).values_list("region_id", "indicator__code", "score"):
        if score is None:
            continue
        scored[leaf] = scored.get(leaf, 0) + 1
        if round(score, 2) < 70:
            below[leaf] = below.get(leaf, 0) + 1
            weak[code] += 1
    expected = {
        leaf: (below.get(leaf, 0), n) for leaf, n in scored.items() if 2 * below.get(leaf, 0) > n
    }
    assert expected  # the test means something
    line = zh(
        "%(level)s: indicators where most regions score below the rectification line (%(line)s)",
        level="县级",
        line="70",
    )
    rows = table(sheet, row_after(sheet, line) + 1)
    assert {row[0]: (row[3], row[4]) for row in rows} == expected
    for row in rows:
        assert row[5] == pytest.approx(row[3] / row[4])
    shares = [row[5] for row in rows]
    assert shares == sorted(shares, reverse=True)

    heading = zh(
        "%(level)s: regions with the most indicators below the rectification line (%(line)s)",
        level="县级",
        line="70",
    )
    listed = table(sheet, row_after(sheet, heading) + 1)
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    most = sorted(weak.values(), reverse=True)[:10]
    assert [row[3] for row in listed] == most
    by_name = {names[code]: n for code, n in weak.items()}
    assert all(by_name[row[1]] == row[3] for row in listed)
    assert scope_word("province-wide") in narrative_text(sheet, "县级")
    assert has(narrative_text(sheet, "县级"), str(len(expected)))


def _task(round_, code, indicator, status, due):
    return RectificationTask(
        round=round_,
        region_id=code,
        indicator=indicator,
        title="t",
        finding="f",
        status=status,
        due_date=due,
    )


@pytest.fixture
def tasks(computed):
    """Tasks of three Hangzhou counties and one Ningbo county: 西湖区 closed (all verified),
    上城区 awaiting verification, 拱墅区 in progress with an overdue item, 海曙区 issued."""
    _, second = computed
    leaves = list(Indicator.objects.filter(system=second.system).exclude(value_type="")[:2])
    today = timezone.localdate()
    past, future = today - timedelta(days=3), today + timedelta(days=30)
    plan = {
        "330106": [TaskStatus.VERIFIED, TaskStatus.VERIFIED],
        "330102": [TaskStatus.DONE, TaskStatus.VERIFIED],
        "330105": [TaskStatus.IN_PROGRESS, TaskStatus.OPEN],
        "330203": [TaskStatus.OPEN, TaskStatus.OPEN],
    }
    rows = []
    for code, statuses in plan.items():
        for leaf, status in zip(leaves, statuses, strict=True):
            due = past if code == "330105" and status == TaskStatus.OPEN else future
            rows.append(_task(second, code, leaf, status, due))
    RectificationTask.objects.bulk_create(rows)
    for number, code in enumerate(plan, 1):
        RectificationNotice.objects.create(round=second, region_id=code, number=number)
    return second


def test_the_rectification_status_counts_notices_and_items(client, tasks, evaluator_zhejiang):
    book = export(client, evaluator_zhejiang, tasks, "?level=county&parent=330100")
    sheet = book.worksheets[0]
    notices = table(sheet, row_after(sheet, zh("Rectification notices")))
    counts = {row[0]: row[2] for row in notices}
    assert counts == {"已下发": 0, "整改中": 1, "待核验": 1, "已销号": 1, "合计": 3}
    items = {row[0]: row[2] for row in table(sheet, row_after(sheet, zh("Rectification items")))}
    assert items == {"合计": 6, zh("Done or verified"): 4, "已核验": 3, "逾期": 1}
    assert isinstance(items["合计"], int)
    sentence = sheet.cell(row_after(sheet, zh("Rectification status")) + 1, 1).value
    for number in ("3", "6", "4", "66.7%", "1"):
        assert has(sentence, number), (number, sentence)


def test_the_rectification_part_starts_a_page(tasks, tmp_path):
    target = tmp_path / "report.xlsx"
    call_command("export_round", str(tasks.pk), str(target))
    sheet = load_workbook(target).worksheets[0]
    heading = row_after(sheet, zh("Rectification status"))
    assert [brk.id for brk in sheet.row_breaks.brk][-1] == heading - 1
    counts = {row[0]: row[2] for row in table(sheet, row_after(sheet, zh("Rectification items")))}
    assert counts["合计"] == 8  # every level's regions: Ningbo's 海曙区 too


def test_a_report_without_tasks_has_no_rectification_part(client, computed, evaluator_zhejiang):
    _, second = computed
    sheet = export(client, evaluator_zhejiang, second, COUNTIES).worksheets[0]
    assert zh("Rectification status") not in texts(sheet)


# --- Queries --------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 40])
@pytest.mark.usefixtures("regions")
def test_the_summary_reads_one_query_whatever_the_number_of_regions(
    default_system, count, django_assert_num_queries
):
    round_ = round_of_counties(default_system, count)
    report = report_for(round_, {"level": "county"}, Q())
    assert len(report.rows) == count
    assert report.round.scope.name == "浙江省"  # read with the round in the view
    with django_assert_num_queries(1):
        data = summary(report)
    assert data.levels[0].figures.regions == count
    with django_assert_num_queries(1):
        status = rectification_status(round_=round_, codes=report.codes)
    assert status.total == 0


# --- The narrative builder, without a database ----------------------------------------------

FIGURES = LevelFigures(
    level="county",
    scope="全省",
    regions=91,
    scored=90,
    mean=72.43,
    median=73.06,
    change=Change(period="2024", mean=3.14, up=61, down=28),
    level_code="L3",
    at_or_above=58,
    share=58 / 90,
    best_region=Named("临平区", 95.22),
    worst_region=Named("庆元县", 8.35),
    best_area=Named("政企合作治理", 64.73),
    worst_area=Named("线上线下融合服务", 63.03),
    best_dimension=Named("贯通与减负", 68.2),
    worst_dimension=Named("数据回流", 58.69),
    line=60,
    weak_indicators=3,
    weakest_indicator=Named("共享接口调用量", 0.6),
)


def test_the_narrative_puts_the_numbers_in_its_sentences():
    text = narrative.paragraph(level_sentences(FIGURES))
    for number in ("90", "72.4", "73.1", "3.1", "61", "28", "58", "64.4%", "95.2", "8.3",
                   "64.7", "63.0", "68.2", "58.7", "3", "60.0%", "60", "1"):  # fmt: skip
        assert has(text, number), (number, text)
    for name in ("全省", "临平区", "庆元县", "政企合作治理", "线上线下融合服务", "贯通与减负",
                 "数据回流", "共享接口调用量"):  # fmt: skip
        assert name in text
    with translation.override("en"):
        sentences = level_sentences(FIGURES)
    assert sentences[0] == "全省 90 counties score 72.4 points on average (median 73.1 points)."
    assert sentences[2].startswith("Against the previous round (2024) the mean score rose by 3.1")


def test_the_narrative_says_fall_steady_or_nothing_when_it_cannot_compare():
    with translation.override("en"):
        fell = level_sentences(
            LevelFigures(**{**FIGURES.__dict__, "change": Change("2024", -2.06, 10, 80)})
        )
        steady = level_sentences(
            LevelFigures(**{**FIGURES.__dict__, "change": Change("2024", 0.04, 40, 41)})
        )
        none = level_sentences(LevelFigures(**{**FIGURES.__dict__, "change": None}))
        empty = level_sentences(LevelFigures(level="city", scope="全省", regions=11, scored=0))
    assert any("fell by 2.1 points" in s for s in fell)
    assert any("held steady" in s for s in steady)
    assert not any("previous round" in s for s in none)
    assert len(empty) == 1 and "11" in empty[0]


def test_the_rectification_sentence():
    figures = RectificationFigures(
        notices=12, closed=5, tasks=40, complete=30, verified=20, overdue=3
    )
    text = rectification_sentence(figures)
    for number in ("12", "5", "40", "30", "75.0%", "20", "3"):
        assert has(text, number), (number, text)


def test_a_filter_with_no_region_scored_in_both_rounds_says_so(client, computed, administrator):
    """Found by the fuzz test: comparable rounds, but the filter's regions (none: no city lies
    below 杭州市) have no change to average; the sheet says why instead of failing."""
    _, second = computed
    client.force_login(administrator)
    response = client.post(url(second, "?level=city&parent=330100&maturity=L1"))
    assert response.status_code == 200
    sheet = workbook(response).worksheets[0]
    text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert zh("No region of this filter has a score in both rounds: no changes.") in text
