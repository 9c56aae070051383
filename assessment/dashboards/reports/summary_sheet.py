"""总体情况: the first sheet of the round report, what a leader reads before anything else.

What the report is (round, scope, status, method, when), then per region level: a short
narrative with the numbers put in (`selectors/narrative.py`), the key figures (regions, mean
and median score, the change since the previous comparable round, regions at L3 and above,
the best and worst region, area and dimension), the maturity levels with their thresholds and
counts, 红黑榜 (top and bottom 10), the regions that improved most (rises only) and the 问题清单
(indicators where most regions fall below the rectification line, regions with the most weak
indicators); last the rectification status when the report's regions have tasks.

Printed portrait on A4, one page wide, every cell in the reports' CJK font, numbers as numbers
with their formats. The figures come from `selectors/summary.py` (one query).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.worksheet.pagebreak import Break

from assessment.collection.models import RoundStatus
from assessment.dashboards.reports import labels, styles
from assessment.dashboards.reports.sheets import Col, ReportSheet
from assessment.dashboards.selectors import narrative
from assessment.dashboards.selectors.ranking import Comparison
from assessment.dashboards.selectors.reports import RoundReport
from assessment.dashboards.selectors.summary import (
    LevelSummary,
    RectificationStatus,
    Summary,
    summary,
)
from assessment.rectification.models import NoticeStatus, TaskStatus

SHEET_NAME = pgettext_lazy("sheet", "Summary")

COMPARISON_NOTES = {
    Comparison.NONE: gettext_lazy("The round names no previous round to compare with."),
    Comparison.OTHER_SYSTEM: gettext_lazy(
        "The previous round used another indicator system or another version of it (indicators, "
        "weights and goalposts changed): its scores are not comparable, so no changes."
    ),
    Comparison.NOT_COMPUTED: gettext_lazy("The previous round has no results yet: no changes."),
    Comparison.STALE: gettext_lazy(
        "The previous round changed after these results were computed: "
        "compute the round again to see the changes."
    ),
}

#: Seven columns, 90 units: one A4 page wide in portrait at about 95 % (10 pt text).
COLUMNS = [
    Col("", 13),  # label, rank, level code, indicator code
    Col("", 19),  # region, level name, indicator name
    Col("", 14),  # parent region, value
    Col("", 11),
    Col("", 12),
    Col("", 11),
    Col("", 10),
]
LAST = "G"
WIDTH = sum(c.width for c in COLUMNS)
NOTE_WIDTH = sum(c.width for c in COLUMNS[3:])  # D:G, the key figures' notes
STAT_FORMAT = styles.score_format(narrative.STAT_DECIMALS)
LEFT = Alignment(horizontal="left", vertical="center")
TOP = Alignment(vertical="top")
LEFT_TOP = Alignment(horizontal="left", vertical="top")  # a label beside a wrapped note
LEFT_WRAP = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_WRAP = Alignment(wrap_text=True, vertical="top")
TOP_WRAP_LEFT = Alignment(wrap_text=True, vertical="top", horizontal="left")
NOTE_ALIGNMENT = Alignment(wrap_text=True, vertical="top", horizontal="left", indent=1)
CENTER_WRAP = Alignment(horizontal="center", vertical="center", wrap_text=True)


def write_summary(workbook: Workbook, report: RoundReport, header: str) -> None:
    """The 总体情况 sheet of `report` (one query: the rectification status)."""
    data = summary(report)
    sheet = _Sheet(workbook, header)
    round_ = report.round
    sheet.title(_("%(round)s: summary of the results") % {"round": round_.name})
    sheet.fact(_("Round"), f"{round_.name}（{round_.period}）")
    sheet.fact(_("Scope"), data.scope)
    sheet.fact(_("Status"), result_status(round_))
    method = report.methodology
    sheet.fact(
        _("Methodology"), f"{method.system}：{method.text}" if method.system else method.text
    )
    sheet.fact(_("Results computed"), labels.local_datetime(round_.computed_at))
    sheet.fact(_("Exported"), labels.local_datetime(report.exported_at))
    sheet.fact(_("Filter"), filter_text(report))
    for index, level in enumerate(data.levels):
        if index:
            sheet.page_break()  # each level starts a page
        _level(sheet, report, data, level)
    if data.rectification is not None:
        sheet.page_break()
        _rectification(sheet, data.rectification)
    sheet.finish()


NONE_IN_BOTH = gettext_lazy("No region of this filter has a score in both rounds: no changes.")


def no_change_note(section) -> str:
    """Why a level shows no change: the comparison's reason, or (comparable rounds, but a
    filter of regions none of which was scored in both) that."""
    return str(COMPARISON_NOTES.get(section.comparison, NONE_IN_BOTH))


def result_status(round_) -> str:
    """Whether the results are final: provisional ones say until when they may be appealed."""
    if round_.is_provisional:
        return _("Provisional results (appeals until %(at)s)") % {
            "at": labels.local_datetime(round_.appeals_close_at)
        }
    if round_.status == RoundStatus.PUBLISHED:
        return str(_("Final results"))
    return round_.get_status_display()


def filter_text(report: RoundReport) -> str:
    """The filter in words: level, parent, maturity level, race."""
    parts = [
        _("Level: %(levels)s")
        % {"levels": "、".join(labels.level_name(s.level) for s in report.sections)}
    ]
    first = report.sections[0]
    if report.parent_name:
        parts.append(_("Parent region: %(name)s") % {"name": report.parent_name})
    if first.maturity:
        parts.append(_("Maturity level: %(level)s") % {"level": first.maturity})
    parts.append(labels.race_name(first))
    return "；".join(parts)


def level_cell(sheet: ReportSheet, info, text: str | None = None) -> Cell | str:
    """A maturity level in its colour (a LevelInfo or a MaturityLevel)."""
    if info is None:
        return labels.level_label(None)
    return sheet.styled(
        info.label if text is None else text,
        fill=styles.level_fill(info.color),
        font=styles.level_font(info.color),
        alignment=styles.CENTER,
    )


class _Sheet:
    """The summary sheet: a portrait ReportSheet whose every cell carries the report font.

    Write-only sheets write a row as it is appended: a row's height (room for its wrapped
    text) is set before it, its merged range right after."""

    def __init__(self, workbook: Workbook, header: str):
        self.report_sheet = ReportSheet(
            workbook,
            str(SHEET_NAME),
            COLUMNS,
            freeze=None,
            print_header=header,
            landscape=False,
        )
        self.ws.sheet_view.showGridLines = False
        self.page_top = False  # the last row ended a printed page

    @property
    def rows(self) -> int:
        return self.report_sheet.rows

    @property
    def ws(self):
        return self.report_sheet.sheet

    def cell(self, value, *, number_format=None, bold=False, alignment=None, font=None):
        if isinstance(value, Cell):
            return value
        if number_format is None and isinstance(value, int) and not isinstance(value, bool):
            number_format = "0"
        return self.report_sheet.styled(
            value,
            font=font or (styles.font(bold=True) if bold else styles.font()),
            number_format=number_format,
            alignment=alignment or TOP,  # a number beside a wrapped label stays on its line
        )

    def row(
        self,
        values: list,
        *,
        lines: int = 1,
        size: float = styles.FONT_SIZE,
        merges: tuple[tuple[str, str], ...] = (),
    ) -> None:
        """One row of styled cells, `lines` lines of `size` pt high, with its merged ranges."""
        if lines > 1 or size > styles.FONT_SIZE:
            height = styles.LINE_HEIGHT * size / styles.FONT_SIZE * max(1, lines) + 4
            self.ws.row_dimensions[self.rows + 1].height = round(height, 1)
        self.report_sheet.append([None if v is None else self.cell(v) for v in values])
        for first, last in merges:
            self.ws.merged_cells.add(f"{first}{self.rows}:{last}{self.rows}")

    def blank(self) -> None:
        self.report_sheet.append([])

    def title(self, text: str) -> None:
        font = styles.TITLE_FONT
        self.row([self.cell(text, font=font, alignment=LEFT)], size=16, merges=(("A", LAST),))
        self.blank()

    def heading(self, text: str) -> None:
        if not self.page_top:
            self.blank()
        self.page_top = False
        cell = self.cell(text, font=styles.SECTION_FONT, alignment=LEFT_WRAP)
        self.row([cell], lines=lines(text, WIDTH * 10 / 12), size=12, merges=(("A", LAST),))

    def paragraph(self, text: str, *, note: bool = False) -> None:
        """Text over the whole width, wrapped, its row as tall as its lines."""
        font = styles.NOTE_FONT if note else styles.font()
        cell = self.cell(text, font=font, alignment=TOP_WRAP)
        self.row([cell], lines=lines(text, WIDTH), merges=(("A", LAST),))

    def fact(self, label: str, value) -> None:
        """A label and its value over the other columns, wrapped."""
        text = "" if value is None else str(value)
        count = max(lines(label, COLUMNS[0].width), lines(text, WIDTH - COLUMNS[0].width))
        self.row(
            [
                self.cell(label, font=styles.LABEL_FONT, alignment=TOP_WRAP),
                self.cell(text, alignment=TOP_WRAP_LEFT),
            ],
            lines=count,
            merges=(("B", LAST),),
        )

    def header(self, texts: list[str | None], merges: tuple[tuple[str, str], ...] = ()) -> None:
        """A table's header row (white on blue, wrapped), as tall as its longest label."""
        spans = _spans(len(texts), merges)
        count = max(lines(t, spans[i]) for i, t in enumerate(texts) if t)
        cells = [
            self.report_sheet.styled(
                t, font=styles.HEADER_FONT, fill=styles.HEADER_FILL, alignment=CENTER_WRAP
            )
            if t is not None
            else None
            for t in texts
        ]
        self.row(cells, lines=count, merges=merges)

    def page_break(self) -> None:
        """The next row starts a new printed page."""
        self.ws.row_breaks.append(Break(id=self.rows))
        self.page_top = True

    def finish(self) -> None:
        self.ws.print_area = f"A1:{LAST}{max(self.rows, 1)}"


def _spans(count: int, merges: tuple[tuple[str, str], ...]) -> list[float]:
    """The width of each of the first `count` columns, a merged range's to its first."""
    widths = [COLUMNS[i].width if i < len(COLUMNS) else 10 for i in range(count)]
    for first, last in merges:
        start, end = ord(first) - ord("A"), ord(last) - ord("A")
        widths[start] = sum(c.width for c in COLUMNS[start : end + 1])
    return widths


def lines(text: object, width: float) -> int:
    """Printed lines of `text` in a column (or merged columns) `width` units wide: a CJK
    character takes two units; a little air is kept on each side."""
    room = max(1, int(width) - 1)
    return sum(max(1, -(-styles.text_width(part) // room)) for part in str(text).split("\n"))


# --- One region level -------------------------------------------------------------------------


def _level(sheet: _Sheet, report: RoundReport, data: Summary, level: LevelSummary) -> None:
    section = level.section
    name = labels.level_name(section.level)
    figures = level.figures
    sheet.heading(_("%(level)s: overall situation") % {"level": name})
    sheet.paragraph(narrative.paragraph(narrative.level_sentences(figures)))
    sheet.blank()
    _key_figures(sheet, level)
    sheet.blank()
    _distribution(sheet, report, level)
    precision = section.precision
    score = styles.score_format(precision)
    # A report of one region's subtree (杭州市) ranks within it first; the rank among all
    # peers follows.
    by_parent = report.scope_name != report.round.scope_name
    if level.top:
        sheet.heading(
            _("%(level)s: top %(n)s by overall score") % {"level": name, "n": len(level.top)}
        )
        _standings(sheet, level.top, score, by_parent)
    if level.bottom:
        sheet.heading(
            _("%(level)s: bottom %(n)s by overall score") % {"level": name, "n": len(level.bottom)}
        )
        _standings(sheet, level.bottom, score, by_parent)
    _improved(sheet, report, level, name, by_parent)
    _problems(sheet, level, name, data.line)


def _key_figures(sheet: _Sheet, level: LevelSummary) -> None:
    f = level.figures
    section = level.section
    sheet.header(
        [_("Key figure"), None, _("Value"), _("Note"), None, None, None],
        merges=(("A", "B"), ("D", LAST)),
    )
    stat = STAT_FORMAT
    score = styles.score_format(section.precision)
    change_format = styles.change_format(narrative.STAT_DECIMALS)
    unscored = f.regions - f.scored
    rows: list[tuple[str, object, str | None, str]] = [
        (
            _("Regions"),
            f.regions,
            None,
            _("%(count)s without a score") % {"count": unscored} if unscored else "",
        ),
        (_("Mean overall score"), f.mean, stat, ""),
        (_("Median overall score"), f.median, stat, ""),
    ]
    if f.change is not None:
        rows.append(
            (
                _("Mean change since %(period)s") % {"period": f.change.period},
                f.change.mean,
                change_format,
                _("%(up)s regions higher, %(down)s lower")
                % {"up": f.change.up, "down": f.change.down},
            )
        )
    else:
        rows.append((_("Mean change"), None, None, no_change_note(section)))
    level_code = f.level_code
    rows += [
        (_("Regions at %(level)s or above") % {"level": level_code}, f.at_or_above, None, ""),
        (
            _("Share at %(level)s or above") % {"level": level_code},
            f.share,
            styles.PERCENT_FORMAT,
            "",
        ),
    ]
    for label, named, number_format in (
        (_("Highest-scoring region"), f.best_region, score),
        (_("Lowest-scoring region"), f.worst_region, score),
        (_("Best area (mean score)"), _with_code(level.areas[0]), stat),
        (_("Weakest area (mean score)"), _with_code(level.areas[1]), stat),
        (_("Best dimension (mean score)"), _with_code(level.dimensions[0]), stat),
        (_("Weakest dimension (mean score)"), _with_code(level.dimensions[1]), stat),
    ):
        if named is not None:
            rows.append((label, named.value, number_format, named.name))
    for label, value, number_format, note in rows:
        change = number_format == change_format
        sheet.row(
            [
                sheet.cell(label, font=styles.LABEL_FONT, alignment=LEFT_TOP),
                None,
                sheet.cell(
                    value,
                    number_format=number_format,
                    font=styles.change_font(value) if change else None,
                ),
                sheet.cell(note, alignment=NOTE_ALIGNMENT),
            ],
            lines=lines(note, NOTE_WIDTH),
            merges=(("A", "B"), ("D", LAST)),
        )


def _with_code(mean) -> narrative.Named | None:
    """The node with its code in front, "DS 跨层级跨地区跨部门数据共享", and its mean."""
    if mean is None:
        return None
    node, value = mean
    return narrative.Named(f"{node.code} {node.name}", value)


def _distribution(sheet: _Sheet, report: RoundReport, level: LevelSummary) -> None:
    """The maturity levels with their thresholds and how many regions reached each."""
    sheet.header([_("Maturity level"), _("Name"), _("Lowest score"), _("Regions"), _("Share")])
    thresholds = {m.pk: m.min_score for m in report.maturity}
    total = sum(level.counts.values()) or 1
    for info in reversed(report.levels):
        n = level.counts.get(info.pk, 0)
        minimum = thresholds.get(info.pk)
        sheet.row(
            [
                level_cell(sheet.report_sheet, info, info.code),
                info.name,
                sheet.cell(_threshold(minimum), number_format=_threshold_format(minimum)),
                n,
                sheet.cell(n / total, number_format=styles.PERCENT_FORMAT),
            ]
        )
    if level.counts.get(None):
        n = level.counts[None]
        sheet.row(
            ["", _("no score"), None, n, sheet.cell(n / total, number_format=styles.PERCENT_FORMAT)]
        )


def _threshold(value) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _threshold_format(value) -> str:
    """Whole thresholds as 60, others with their decimals: 62.5, 62.75."""
    if value is None or value == value.to_integral_value():
        return "0"
    return "0.0#"


def _standings(sheet: _Sheet, rows, score: str, by_parent: bool) -> None:
    """Rank, region, parent, score and level; in a report of one region's subtree the rank
    within the parent region first and the rank among all peers last."""
    sheet.header(
        [
            _("Rank in parent region") if by_parent else _("Rank"),
            _("Region"),
            _("Parent region"),
            _("Overall score"),
            _("Maturity level"),
            *([_("Rank")] if by_parent else []),
        ]
    )
    for row in rows:
        first, last = (row.rank_in_parent, [row.rank]) if by_parent else (row.rank, [])
        sheet.row(
            [
                sheet.cell(first, alignment=styles.CENTER),
                row.name,
                row.parent_name,
                sheet.cell(row.score, number_format=score),
                level_cell(sheet.report_sheet, row.level),
                *(sheet.cell(rank, alignment=styles.CENTER) for rank in last),
            ]
        )


def _improved(
    sheet: _Sheet, report: RoundReport, level: LevelSummary, name: str, by_parent: bool
) -> None:
    """The regions whose score rose, the largest rise first: ranked by progress among all
    peers, or numbered within a report of one region's subtree."""
    section = level.section
    sheet.heading(_("%(level)s: most improved") % {"level": name})
    if section.comparison != Comparison.OK:
        sheet.paragraph(no_change_note(section), note=True)
        return
    if not level.improved:
        sheet.paragraph(_("No region's score rose since the previous round."), note=True)
        return
    previous = section.previous.period if section.previous else ""
    sheet.header(
        [
            _("No.") if by_parent else _("Progress rank"),
            _("Region"),
            _("Parent region"),
            _("Score %(period)s") % {"period": previous},
            _("Score %(period)s") % {"period": report.round.period},
            _("Score change"),
            _("Rank change"),
        ]
    )
    score = styles.score_format(section.precision)
    change = styles.change_format(section.change_precision)
    position, previous_value = 0, None
    for index, row in enumerate(level.improved, 1):
        value = round(row.change, section.change_precision)
        if value != previous_value:  # equal rises share a number: 1, 2, 2, 4
            position, previous_value = index, value
        sheet.row(
            [
                sheet.cell(position if by_parent else row.change_rank, alignment=styles.CENTER),
                row.name,
                row.parent_name,
                sheet.cell(row.previous_score, number_format=score),
                sheet.cell(row.score, number_format=score),
                sheet.cell(value, number_format=change, font=styles.change_font(value)),
                sheet.cell(
                    row.rank_change,
                    number_format=styles.RANK_CHANGE_FORMAT,
                    font=styles.change_font(row.rank_change),
                    alignment=styles.CENTER,
                ),
            ]
        )


def _problems(sheet: _Sheet, level: LevelSummary, name: str, line: float) -> None:
    """问题清单: the indicators where most regions fall below the line, and the regions with
    the most indicators below it."""
    values = {"level": name, "line": narrative.line_text(line)}
    sheet.heading(
        _("%(level)s: indicators where most regions score below the rectification line (%(line)s)")
        % values
    )
    if not level.weak_indicators:
        sheet.paragraph(
            _("In no indicator do most regions score below the rectification line."), note=True
        )
    else:
        sheet.header(
            [
                _("Code"),
                _("Indicator"),
                None,
                _("Regions below the line"),
                _("Regions with a score"),
                _("Share below"),
            ],
            merges=(("B", "C"),),
        )
        for weak in level.weak_indicators:
            sheet.row(
                [
                    weak.node.code,
                    sheet.cell(weak.node.name, alignment=TOP_WRAP),
                    None,
                    weak.below,
                    weak.scored,
                    sheet.cell(weak.share, number_format=styles.PERCENT_FORMAT),
                ],
                lines=lines(weak.node.name, COLUMNS[1].width + COLUMNS[2].width),
                merges=(("B", "C"),),
            )
    sheet.heading(
        _("%(level)s: regions with the most indicators below the rectification line (%(line)s)")
        % values
    )
    if not level.weak_regions:
        sheet.paragraph(_("No region scores below the rectification line."), note=True)
        return
    score = styles.score_format(level.section.precision)
    sheet.header(
        [
            _("No."),
            _("Region"),
            _("Parent region"),
            _("Indicators below the line"),
            _("Overall score"),
            _("Maturity level"),
        ]
    )
    for weak in level.weak_regions:
        row = weak.row
        sheet.row(
            [
                sheet.cell(weak.position, alignment=styles.CENTER),
                row.name,
                row.parent_name,
                weak.weak,
                sheet.cell(row.score, number_format=score),
                level_cell(sheet.report_sheet, row.level),
            ]
        )


# --- Rectification ----------------------------------------------------------------------------


def _rectification(sheet: _Sheet, status: RectificationStatus) -> None:
    sheet.heading(_("Rectification status"))
    sheet.paragraph(narrative.rectification_sentence(status.figures))
    sheet.blank()
    notices = sum(status.notices.values())
    sheet.header([_("Rectification notices"), None, _("Notices"), _("Share")], merges=(("A", "B"),))
    for value, label in NoticeStatus.choices:
        _count_row(sheet, str(label), status.notices.get(value, 0), notices)
    _count_row(sheet, _("Total"), notices, notices, bold=True)
    sheet.blank()
    total = status.total
    sheet.header([_("Rectification items"), None, _("Items"), _("Share")], merges=(("A", "B"),))
    _count_row(sheet, _("Total"), total, total, bold=True)
    _count_row(sheet, _("Done or verified"), status.complete, total)
    _count_row(
        sheet, str(TaskStatus.VERIFIED.label), status.tasks.get(TaskStatus.VERIFIED, 0), total
    )
    _count_row(sheet, _("Overdue"), status.overdue, total)


def _count_row(sheet: _Sheet, label: str, n: int, total: int, *, bold: bool = False) -> None:
    sheet.row(
        [
            sheet.cell(label, font=styles.LABEL_FONT if bold else None),
            None,
            sheet.cell(n, bold=bold),
            sheet.cell(n / total if total else None, number_format=styles.PERCENT_FORMAT),
        ],
        merges=(("A", "B"),),
    )
