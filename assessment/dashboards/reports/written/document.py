"""The written 评估报告 as a .docx (python-docx): cover, 总体情况, one chapter per area with its
chart and findings, 排名, 进步, 问题清单, 整改建议, 典型案例 and the appendix (method and
indicator system). Every sentence is a msgid whose Chinese translation is the sentence; the
numbers come from the round report, its summary (selectors/summary.py, the same figures as the
Excel 总体情况 sheet) and `content.py`."""

from __future__ import annotations

import io
import statistics
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from assessment.dashboards.reports import labels
from assessment.dashboards.reports.sheets import Progress, no_progress
from assessment.dashboards.reports.written import charts
from assessment.dashboards.reports.written.content import WrittenContent
from assessment.dashboards.selectors.narrative import (
    level_sentences,
    paragraph,
    percent,
    rectification_sentence,
)
from assessment.dashboards.selectors.reports import RoundReport, Section
from assessment.dashboards.selectors.summary import Summary
from assessment.results.models import Standing

BODY_FONT, HEADING_FONT = "SimSun", "SimHei"  # 宋体, 黑体: what Word and WPS readers expect
#: A ranking longer than this is printed as its first and last RANKING_ENDS rows (the Excel
#: report holds every row).
RANKING_ALL = 200
RANKING_ENDS = 50
#: Characters of a practice's description and results in the 典型案例 chapter.
PRACTICE_TEXT = 300
CHINESE_NUMBERS = "一二三四五六七八九十"


def write_written_report(
    report: RoundReport,
    summary: Summary,
    content: WrittenContent,
    target,
    *,
    progress: Progress = no_progress,
) -> None:
    """Write the document to `target` (a path or a binary file)."""
    document = Document()
    _setup(document, report)
    _cover(document, report, summary)
    chapters = [
        (_("Overall situation"), _overall),
        (_("Results by area"), _areas),
        (pgettext("report chapter", "Ranking"), _ranking),
        (pgettext("report chapter", "Progress"), _progress),
        (_("Problems found"), _problems),
        (_("Rectification suggestions"), _suggestions),
        (_("Typical practices"), _practices),
    ]
    for number, (title, write) in enumerate(chapters):
        progress(0.1 + 0.8 * number / len(chapters), title)
        _heading(document, f"{CHINESE_NUMBERS[number]}、{title}", 1)
        write(document, report, summary, content)
    progress(0.92, _("Appendix"))
    _appendix(document, report)
    document.save(target)


# --- page, styles and small writers -----------------------------------------------------------


def _font(run_or_style, name: str, size: float | None = None, bold: bool | None = None) -> None:
    font = run_or_style.font
    font.name = name
    properties = run_or_style.element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.append(fonts)
    fonts.set(qn("w:eastAsia"), name)  # Chinese text follows this one, not font.name
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold


def _setup(document, report: RoundReport) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.4)
    section.different_first_page_header_footer = True  # the cover has no header or number
    _font(document.styles["Normal"], BODY_FONT, 12)
    document.styles["Normal"].paragraph_format.line_spacing = 1.4
    for level, size in ((1, 16), (2, 14), (3, 12)):
        style = document.styles[f"Heading {level}"]
        _font(style, HEADING_FONT, size, bold=level > 1)
        style.font.color.rgb = RGBColor(0, 0, 0)
    header = section.header.paragraphs[0]
    title = _("Assessment report")  # outside the f-string, where makemessages finds it
    header.text = f"{report.round.name} · {title}"
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(header.runs[0], BODY_FONT, 9)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)


def _heading(document, text: str, level: int) -> None:
    document.add_heading(text, level=level)


def _text(document, text: str, *, indent: bool = True, size: float | None = None,
          bold: bool = False, align=None):  # fmt: skip
    paragraph_ = document.add_paragraph()
    if indent:
        paragraph_.paragraph_format.first_line_indent = Pt(24)  # two characters
    if align is not None:
        paragraph_.alignment = align
    run = paragraph_.add_run(text)
    _font(run, BODY_FONT, size, bold=bold or None)
    return paragraph_


def _table(document, headers: list[str], rows: Iterable[list], widths: list[float]) -> None:
    """A table with a bold, repeated header row; numbers right-aligned; 10.5 pt (五号)."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    head = table.rows[0]
    repeat = OxmlElement("w:tblHeader")
    head._tr.get_or_add_trPr().append(repeat)  # the header again on every page
    for cell, label in zip(head.cells, headers, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(label), HEADING_FONT, 10.5)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            numeric = isinstance(value, int | float | Change) and not isinstance(value, bool)
            text = _num(value) if numeric else ("–" if value is None else str(value))
            run = cell.paragraphs[0].add_run(text)
            _font(run, BODY_FONT, 10.5)
            if numeric or value is None:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
    document.add_paragraph()


class Change(float):
    """A change, shown with its sign (+3.10, -0.85) as the Excel report shows it."""


def _change(value: float | None) -> Change | None:
    return None if value is None else Change(value)


def _num(value) -> str:
    if isinstance(value, Change):
        return f"{value:+.2f}"
    return f"{value:,}" if isinstance(value, int) else f"{value:.2f}"


def _picture(document, png: bytes, width_cm: float = 15.5) -> None:
    document.add_picture(io.BytesIO(png), width=Cm(width_cm))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _level_name(section: Section) -> str:
    return labels.level_name(section.level)


def _maturity(row: Standing) -> str:
    level = row.level
    return f"{level.code} {level.name}" if level else "–"


# --- cover ------------------------------------------------------------------------------------


def _cover(document, report: RoundReport, summary: Summary) -> None:
    for _blank in range(6):
        document.add_paragraph()
    _text(document, report.round.name, indent=False, size=22, bold=True,
          align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    _text(document, _("Assessment report"), indent=False, size=26, bold=True,
          align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    for _blank in range(4):
        document.add_paragraph()
    levels = "、".join(_level_name(level.section) for level in summary.levels)
    lines = [
        _("Scope: %(scope)s (%(levels)s)") % {"scope": summary.scope, "levels": levels},
        _("Regions: %(count)s") % {"count": f"{len(report.rows):,}"},
        _("Date: %(day)s") % {"day": timezone.localdate(report.exported_at).isoformat()},
    ]
    for line in lines:
        _text(document, line, indent=False, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# --- chapters ---------------------------------------------------------------------------------


def _overall(document, report: RoundReport, summary: Summary, content) -> None:
    for level in summary.levels:
        if len(summary.levels) > 1:
            _heading(document, _level_name(level.section), 2)
        _text(document, paragraph(level_sentences(level.figures)))
        f = level.figures
        rows = [
            [_("Regions"), f.regions],
            [_("Regions with a score"), f.scored],
            [_("Mean score"), f.mean],
            [_("Median score"), f.median],
        ]
        if f.change is not None:
            rows.append([_("Mean change on %(period)s") % {"period": f.change.period},
                         _change(f.change.mean)])  # fmt: skip
        if f.share is not None:
            rows.append([_("%(level)s and above") % {"level": f.level_code},
                         f"{f.at_or_above}（{percent(f.share)}）"])  # fmt: skip
        _table(document, [_("Key figure"), _("Value")], rows, [8, 6])
        bars = [(info.code, level.counts.get(info.pk, 0), info.color) for info in report.levels]
        if level.counts.get(None):
            bars.append((_("No score"), level.counts[None], charts.GREY))
        title = _("%(level)s by maturity level") % {"level": _level_name(level.section)}
        _picture(document, charts.level_chart(bars, title=title, ylabel=_("Regions")), 13)
    if summary.rectification is not None:
        _text(document, rectification_sentence(summary.rectification.figures))


def _areas(document, report: RoundReport, summary: Summary, content) -> None:
    nodes = report.nodes
    area_of = _area_of(report)
    dimension_index = {node.pk: i for i, node in enumerate(report.dimensions.nodes)}
    for slot, area in enumerate(nodes.areas):
        _heading(document, f"（{CHINESE_NUMBERS[slot]}）{area.name}", 2)
        for level in summary.levels:
            rows = [row for row in level.section.rows if row.score is not None]
            scores = [(row, row.area_score(slot)) for row in rows]
            scores = [(row, s) for row, s in scores if s is not None]
            if not scores:
                continue
            mean = statistics.fmean(s for _, s in scores)
            ranked = sorted(scores, key=lambda item: -item[1])
            params = {
                "level": _level_name(level.section), "area": area.name, "mean": f"{mean:.1f}",
                "points": f"{area.points:g}",
                "best": "、".join(f"{row.name}（{s:.1f}）" for row, s in ranked[:3]),
                "worst": "、".join(f"{row.name}（{s:.1f}）" for row, s in ranked[-3:][::-1]),
            }  # fmt: skip
            _text(document, _(
                "In %(area)s (%(points)s points), %(level)s average %(mean)s. Best: %(best)s; "
                "weakest: %(worst)s."
            ) % params)  # fmt: skip
            weak = [w for w in level.weak_indicators if area_of.get(w.node.pk) == area.pk]
            if weak:
                listed = "、".join(f"{w.node.code} {w.node.name}（{percent(w.share)}）"
                                   for w in weak[:5])  # fmt: skip
                _text(document, _("Indicators where most regions fall below the line: %(list)s.")
                      % {"list": listed})  # fmt: skip
            dims = []
            for node in report.dimensions.nodes:
                if node.parent_id != area.pk:
                    continue
                values = [report.dimensions.row(row.code)[dimension_index[node.pk]]
                          for row in rows]  # fmt: skip
                values = [v for v in values if v is not None]
                if values:
                    dims.append((node.name, statistics.fmean(values)))
            if dims:
                title = _("%(area)s: mean score by dimension (%(level)s)") % params
                png = charts.mean_chart(dims, title=title, xlabel=_("Mean score"),
                                        line=summary.line)  # fmt: skip
                _picture(document, png, 14)


def _area_of(report: RoundReport) -> dict[int, int]:
    """Node id → the id of the area it lies in."""
    parent = {node.pk: node.parent_id for node in report.nodes.nodes}
    areas = {node.pk for node in report.nodes.areas}
    out = {}
    for node in report.nodes.nodes:
        current = node.pk
        while current is not None and current not in areas:
            current = parent.get(current)
        if current is not None:
            out[node.pk] = current
    return out


def _ranking(document, report: RoundReport, summary: Summary, content) -> None:
    for level in summary.levels:
        section = level.section
        _heading(document, _level_name(section), 2)
        rows = [row for row in section.rows if row.rank is not None]
        shown = rows
        if len(rows) > RANKING_ALL:
            shown = rows[:RANKING_ENDS] + rows[-RANKING_ENDS:]
            _text(document, _(
                "%(count)s regions are ranked: the first and the last %(ends)s are listed; the "
                "Excel report holds every one."
            ) % {"count": f"{len(rows):,}", "ends": RANKING_ENDS})  # fmt: skip
        headers = [_("Rank"), _("Region"), _("Parent region"), _("Score"), _("Maturity level"),
                   _("Score change")]  # fmt: skip
        _table(document, headers, (
            [row.rank, row.name, row.parent_name or "–", row.score, _maturity(row),
             _change(row.change)]
            for row in shown
        ), [1.4, 3.6, 3.0, 1.8, 3.2, 1.8])  # fmt: skip


def _progress(document, report: RoundReport, summary: Summary, content) -> None:
    for level in summary.levels:
        if len(summary.levels) > 1:
            _heading(document, _level_name(level.section), 2)
        if level.figures.change is None:
            _text(document, _("No comparable previous round: no changes to report."))
            continue
        if not level.improved:
            _text(document, _("No region improved its score."))
            continue
        _text(document, _("The regions whose score rose most:"))
        headers = [
            _("Region"),
            _("Score"),
            _("Previous score"),
            _("Score change"),
            _("Places gained"),
        ]
        _table(document, headers, (
            [row.name, row.score, row.previous_score, _change(row.change), row.rank_change]
            for row in level.improved
        ), [4.0, 2.4, 2.6, 2.2, 2.6])  # fmt: skip


def _problems(document, report: RoundReport, summary: Summary, content) -> None:
    line = f"{summary.line:g}"
    for level in summary.levels:
        if len(summary.levels) > 1:
            _heading(document, _level_name(level.section), 2)
        if level.weak_indicators:
            _text(document, _("Indicators where most regions score below the rectification "
                              "line (%(line)s):") % {"line": line})  # fmt: skip
            _table(document, [_("Indicator"), _("Regions below the line"), _("Share")], (
                [f"{w.node.code} {w.node.name}", w.below, percent(w.share)]
                for w in level.weak_indicators
            ), [8.0, 3.5, 2.5])  # fmt: skip
        else:
            _text(document, _("No indicator has most regions below the rectification line."))
        if level.weak_regions:
            _text(document, _("Regions with the most indicators below the line:"))
            _table(document, [_("Position"), _("Region"), _("Weak indicators"), _("Score")], (
                [w.position, w.row.name, w.weak, w.row.score] for w in level.weak_regions
            ), [2.0, 5.0, 3.5, 3.0])  # fmt: skip


def _suggestions(document, report: RoundReport, summary: Summary, content) -> None:
    if summary.rectification is not None:
        _text(document, rectification_sentence(summary.rectification.figures))
    if not content.suggestions:
        _text(document, _("No indicator is weak in most regions; each region follows its own "
                          "rectification notice."))  # fmt: skip
        return
    for number, item in enumerate(content.suggestions[:8], start=1):
        params = {"code": item.code, "name": item.name, "below": item.below,
                  "share": percent(item.share), "tasks": item.tasks,
                  "complete": item.complete}  # fmt: skip
        text = _("%(code)s %(name)s: %(below)s regions (%(share)s) score below the line. "
                 "Rectify it as a common problem: set a common standard and timetable, and "
                 "check progress each month.") % params  # fmt: skip
        if item.tasks:
            text += _("%(tasks)s rectification tasks are open on it, %(complete)s of them "
                      "done.") % params  # fmt: skip
        if item.practices:
            named = "、".join(f"{p.region.name}“{p.title}”" for p in item.practices)
            text += _("Practices to learn from: %(list)s.") % {"list": named}
        _text(document, f"{number}. {text}")


def _practices(document, report: RoundReport, summary: Summary, content) -> None:
    if not content.practices:
        _text(document, _("No practice of these regions has been approved in this round yet."))
        return
    for practice in content.practices:
        title = f"{practice.region.name}：{practice.title}"
        _heading(document, title, 3)
        _text(document, f"{practice.indicator.code} {practice.indicator.name}", indent=False,
              size=10.5)  # fmt: skip
        _text(document, _shorten(practice.description))
        if practice.results:
            _text(document, _("Results: %(text)s") % {"text": _shorten(practice.results)})


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= PRACTICE_TEXT else text[: PRACTICE_TEXT - 1] + "…"


def _appendix(document, report: RoundReport) -> None:
    _heading(document, _("Appendix"), 1)
    _heading(document, _("Method"), 2)
    _text(document, report.methodology.text)
    _heading(document, _("Indicator system"), 2)
    _table(document, [_("Code"), _("Indicator"), _("Points")], (
        [row.indicator.code, "　" * row.depth + row.indicator.name_zh, round(row.points, 2)]
        for row in report.tree
    ), [2.4, 9.6, 2.4])  # fmt: skip
