"""The round report: one workbook a leader can read as it is, for the regions of a filter.

Sheets: 概览 (what, how, when, levels, top 10, most improved 10), 排名 (the ranking table),
维度得分 and 指标得分 (score matrices), 原始数据 (approved raw values and notes), 核验情况 (the
corrected values, when there are any), 图表 (native Excel charts), 说明 (every indicator and
level). Written with openpyxl's write-only mode into
`target` (a path or a binary file), never into memory as a whole: a national report streams
its rows to temporary files and is zipped straight into the target.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from assessment.collection.models import RoundStatus
from assessment.dashboards.reports import labels, styles
from assessment.dashboards.reports.appeals_sheet import write_appeals
from assessment.dashboards.reports.charts_sheet import write_charts
from assessment.dashboards.reports.matrices import write_matrix, write_raw_values
from assessment.dashboards.reports.notes_sheet import write_notes
from assessment.dashboards.reports.sheets import Col, Progress, ReportSheet, no_progress
from assessment.dashboards.reports.verification_sheet import write_verification
from assessment.dashboards.selectors.ranking import Comparison
from assessment.dashboards.selectors.reports import RoundReport, Section
from assessment.results.models import Standing

TOP = 10

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


def write_round_report(report: RoundReport, target, *, progress: Progress = no_progress) -> None:
    """Write the workbook of `report` to `target` (path or binary file object)."""
    workbook = Workbook(write_only=True)
    header = report.round.name
    progress(0.02, labels.sheet("overview"))
    write_overview(workbook, report, header)
    progress(0.05, labels.sheet("ranking"))
    write_ranking(workbook, report, header)
    progress(0.10, labels.sheet("dimensions"))
    write_matrix(workbook, report, report.dimensions, labels.sheet("dimensions"), header, height=48)
    progress(0.18, labels.sheet("leaves"))
    write_matrix(workbook, report, report.leaves, labels.sheet("leaves"), header, height=78)
    write_raw_values(workbook, report, header, progress=progress, start=0.30, end=0.84)
    progress(0.85, labels.sheet("verification"))
    write_verification(workbook, report, header)
    write_appeals(workbook, report, header)
    progress(0.86, labels.sheet("charts"))
    write_charts(workbook, report)
    write_notes(workbook, report, header)
    progress(0.88, _("Saving the workbook"))
    workbook.save(target)
    progress(1.0, _("Ready"))


# --- 概览 Overview ----------------------------------------------------------------------------

_OVERVIEW_COLUMNS = [
    Col("", 18, bold=True),
    Col("", 22),
    Col("", 16),
    Col("", 12),
    Col("", 13),
    Col("", 12),
    Col("", 12),
]


def result_status(round_) -> str:
    """Whether the results are final: provisional ones say until when they may be appealed."""
    if round_.is_provisional:
        return _("Provisional results (appeals until %(at)s)") % {
            "at": labels.local_datetime(round_.appeals_close_at)
        }
    if round_.status == RoundStatus.PUBLISHED:
        return str(_("Final results"))
    return round_.get_status_display()


def write_overview(workbook: Workbook, report: RoundReport, header: str) -> None:
    sheet = ReportSheet(
        workbook,
        labels.sheet("overview"),
        _OVERVIEW_COLUMNS,
        freeze=None,
        print_header=header,
        landscape=False,
    )
    round_ = report.round
    title = _("%(round)s: results report") % {"round": round_.name}
    sheet.append([sheet.styled(title, font=styles.TITLE_FONT)])
    sheet.sheet.row_dimensions[1].height = 26
    sheet.append([])
    method = report.methodology
    facts = [
        (_("Round"), f"{round_.name}（{round_.period}）"),
        (_("Scope"), round_.scope_name),
        (_("Status"), result_status(round_)),
        (_("Indicator system"), method.system),
        (_("Methodology"), method.text),
        (_("Results computed"), labels.local_datetime(round_.computed_at)),
        (_("Exported"), labels.local_datetime(report.exported_at)),
        (_("Exported by"), report.exported_by),
        (_("Filter"), filter_text(report)),
        (_("Regions in this report"), len(report.rows)),
    ]
    for label, value in facts:
        sheet.fact(label, value)
    for section in report.sections:
        sheet.append([])
        _distribution(sheet, report, section)
        sheet.append([])
        _top(sheet, report, section)
        sheet.append([])
        _improved(sheet, report, section)


def filter_text(report: RoundReport) -> str:
    """The filter in words: level, parent, maturity level, race, sort."""
    parts = [
        _("Level: %(levels)s")
        % {"levels": "、".join(labels.level_name(s.level) for s in report.sections)}
    ]
    first = report.sections[0]
    if report.parent_name:
        parts.append(_("Parent region: %(name)s") % {"name": report.parent_name})
    if first.maturity:
        parts.append(_("Maturity level: %(level)s") % {"level": first.maturity})
    parts.append(labels.race_name(report.sections[0]))
    return "；".join(parts)


def _section_title(sheet: ReportSheet, text: str) -> None:
    sheet.append([sheet.styled(text, font=styles.SECTION_FONT)])


def _distribution(sheet: ReportSheet, report: RoundReport, section: Section) -> None:
    level = labels.level_name(section.level)
    _section_title(sheet, _("%(level)s: regions per maturity level") % {"level": level})
    sheet.table_header([_("Maturity level"), _("Regions"), _("Share")])
    counts = dict(section.distribution[-1][1]) if section.distribution else {}
    total = sum(counts.values()) or 1
    for info in reversed(report.levels):
        n = counts.get(info.pk, 0)
        sheet.append(
            [
                _level_cell(sheet, info),
                n,
                sheet.styled(n / total, number_format=styles.PERCENT_FORMAT),
            ]
        )
    if counts.get(None):
        n = counts[None]
        sheet.append(
            [_("no score"), n, sheet.styled(n / total, number_format=styles.PERCENT_FORMAT)]
        )


def _level_cell(sheet: ReportSheet, info):
    if info is None:
        return labels.level_label(None)
    return sheet.styled(
        info.label,
        fill=styles.level_fill(info.color),
        font=styles.level_font(info.color),
        alignment=styles.CENTER,
    )


def _top(sheet: ReportSheet, report: RoundReport, section: Section) -> None:
    level = labels.level_name(section.level)
    _section_title(sheet, _("%(level)s: top %(n)s by overall score") % {"level": level, "n": TOP})
    sheet.table_header(
        [_("Rank"), _("Region"), _("Parent region"), _("Overall score"), _("Maturity level")]
    )
    leaders = sorted(
        (r for r in section.rows if r.rank is not None), key=lambda r: (r.rank, r.code)
    )[:TOP]
    score = styles.score_format(section.precision)
    for row in leaders:
        sheet.append(
            [
                row.rank,
                row.name,
                row.parent_name,
                sheet.styled(row.score, number_format=score),
                _level_cell(sheet, row.level),
            ]
        )


def _improved(sheet: ReportSheet, report: RoundReport, section: Section) -> None:
    level = labels.level_name(section.level)
    _section_title(sheet, _("%(level)s: top %(n)s by progress") % {"level": level, "n": TOP})
    if section.comparison != Comparison.OK:
        sheet.append(
            [sheet.styled(str(COMPARISON_NOTES[section.comparison]), font=styles.NOTE_FONT)]
        )
        return
    previous = section.previous.period if section.previous else ""
    sheet.table_header(
        [
            _("Progress rank"),
            _("Region"),
            _("Parent region"),
            _("Score %(period)s") % {"period": previous},
            _("Score %(period)s") % {"period": report.round.period},
            _("Score change"),
            _("Rank change"),
        ]
    )
    movers = sorted(
        (r for r in section.rows if r.change_rank is not None),
        key=lambda r: (r.change_rank, r.code),
    )[:TOP]
    score = styles.score_format(section.precision)
    change = styles.change_format(section.change_precision)
    for row in movers:
        sheet.append(
            [
                row.change_rank,
                row.name,
                row.parent_name,
                sheet.styled(row.previous_score, number_format=score),
                sheet.styled(row.score, number_format=score),
                sheet.styled(_rounded(row.change, section.change_precision), number_format=change),
                sheet.styled(row.rank_change, number_format=styles.RANK_CHANGE_FORMAT),
            ]
        )


# --- 排名 Ranking -----------------------------------------------------------------------------


def write_ranking(workbook: Workbook, report: RoundReport, header: str) -> None:
    first = report.sections[0]
    areas = report.nodes.areas
    several = len(report.sections) > 1
    by_key = first.race.race != "score" or first.rank_by_node is not None
    score = styles.score_format(report.precision)
    change = styles.change_format(first.change_precision)
    rows = report.rows
    schemes = report.schemes
    columns = [
        Col(labels.rank_header(first), 9, number_format=styles.RANK_FORMAT, center=True),
        *([Col(_("Overall rank"), 9, center=True)] if by_key else []),
        Col(_("Code"), 9),
        Col(_("Region"), styles.fit((r.name for r in rows), minimum=10, maximum=30)),
        Col(_("Parent region"), styles.fit((r.parent_name for r in rows), minimum=10, maximum=30)),
        Col(_("Rank in parent region"), 9, center=True),
        *(
            col
            for name in schemes
            for col in (Col(name, 12), Col(_("Rank in class"), 9, center=True))
        ),
        *([Col(_("Level"), 7)] if several else []),
        Col(_("Maturity level"), 11),
        Col(_("Overall score"), 10, number_format=score),
        *(Col(a.code, 8, number_format=score) for a in areas),
        Col(_("Rank change"), 9, number_format=styles.RANK_CHANGE_FORMAT, center=True),
        Col(_("Score change"), 10, number_format=change),
        Col(_("Rank interval"), 10, center=True),
        Col(_("Data"), 24),
    ]
    sheet = ReportSheet(
        workbook,
        labels.sheet("ranking"),
        columns,
        freeze="E2" if by_key else "D2",
        header_height=30,
        print_header=header,
    )
    sheet.header(
        [c.header for c in columns[: -len(areas) - 4]]
        + [f"{a.code}\n{a.name}" for a in areas]
        + [c.header for c in columns[-4:]]
    )
    level_cells = {}
    for section in report.sections:
        level = labels.level_name(section.level)
        for row in section.rows:
            sheet.append(
                [
                    row.key_rank,
                    *([row.rank] if by_key else []),
                    row.code,
                    row.name,
                    row.parent_name,
                    row.rank_in_parent,
                    *(
                        value
                        for slot in range(len(schemes))
                        for value in (row.class_in_scheme(slot), row.rank_in_scheme(slot))
                    ),
                    *([level] if several else []),
                    _cached_level(sheet, level_cells, row),
                    row.score,
                    *(row.area_score(slot) for slot in range(len(areas))),
                    row.rank_change,
                    _rounded(row.change, section.change_precision),
                    labels.interval(row),
                    labels.flags_text(row),
                ]
            )
    score_column = columns.index(next(c for c in columns if c.header == _("Overall score"))) + 1
    sheet.finish(
        scales=[(score_column, score_column)]
        + [(score_column + i, score_column + i) for i in range(1, len(areas) + 1)]
    )


def _rounded(value: float | None, precision: int) -> float | None:
    return None if value is None else round(value, precision)


def _cached_level(sheet: ReportSheet, cache: dict, row: Standing):
    """The level cell in its colour: one prototype per level, its value set per row."""
    if row.maturity is None:
        return labels.level_label(None)
    cell = cache.get(row.maturity_id)
    if cell is None:
        cell = cache[row.maturity_id] = _level_cell(sheet, row.maturity)
    cell.value = row.maturity.label
    return cell
