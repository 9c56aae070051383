"""The round report: one workbook a leader can read as it is, for the regions of a filter.

Sheets: 总体情况 (summary_sheet.py: what, how, when, key figures and narrative, top and bottom
10, most improved, 问题清单, rectification status), 排名 (the ranking table),
维度得分 and 指标得分 (score matrices), 原始数据 (approved raw values and notes), 核验情况 (the
corrected values, when there are any), 图表 (native Excel charts), 说明 (every indicator and
level). Written with openpyxl's write-only mode into
`target` (a path or a binary file), never into memory as a whole: a national report streams
its rows to temporary files and is zipped straight into the target.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessment.dashboards.reports import labels, styles
from assessment.dashboards.reports.appeals_sheet import write_appeals
from assessment.dashboards.reports.charts_sheet import write_charts
from assessment.dashboards.reports.matrices import write_matrix, write_raw_values
from assessment.dashboards.reports.notes_sheet import write_notes
from assessment.dashboards.reports.sheets import Col, Progress, ReportSheet, no_progress
from assessment.dashboards.reports.summary_sheet import SHEET_NAME as SUMMARY_SHEET
from assessment.dashboards.reports.summary_sheet import level_cell as _level_cell
from assessment.dashboards.reports.summary_sheet import write_summary
from assessment.dashboards.reports.verification_sheet import write_verification
from assessment.dashboards.selectors.reports import RoundReport
from assessment.results.models import Standing


def write_round_report(report: RoundReport, target, *, progress: Progress = no_progress) -> None:
    """Write the workbook of `report` to `target` (path or binary file object)."""
    workbook = Workbook(write_only=True)
    header = report.round.name
    progress(0.02, str(SUMMARY_SHEET))
    write_summary(workbook, report, header)
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
        Col(labels.rank_header(first), 7, number_format=styles.RANK_FORMAT, center=True),
        *([Col(_("Overall rank"), 7, center=True)] if by_key else []),
        Col(_("Code"), 7),
        Col(_("Region"), styles.fit((r.name for r in rows), minimum=10, maximum=30)),
        Col(_("Parent region"), styles.fit((r.parent_name for r in rows), minimum=10, maximum=30)),
        Col(_("Rank in parent region"), 7, center=True),
        *(
            col
            for name in schemes
            for col in (Col(name, 10, wrap=True), Col(_("Rank in class"), 7, center=True))
        ),
        *([Col(_("Level"), 6)] if several else []),
        Col(_("Maturity level"), 11),
        Col(_("Overall score"), 8, number_format=score),
        *(Col(a.code, 9, number_format=score) for a in areas),
        Col(_("Rank change"), 7, number_format=styles.RANK_CHANGE_FORMAT, center=True),
        Col(_("Score change"), 8, number_format=change),
        Col(_("Rank interval"), 8, center=True),
        Col(_("Data"), 30, wrap=True),
    ]
    sheet = ReportSheet(
        workbook,
        labels.sheet("ranking"),
        columns,
        freeze="E2" if by_key else "D2",
        print_header=labels.print_header(report),
        title_columns=4 if by_key else 3,
        vertical="center",
    )
    sheet.header(
        [c.header for c in columns[: -len(areas) - 4]]
        + [f"{a.code}\n{a.name}" for a in areas]
        + [c.header for c in columns[-4:]]
    )
    level_cells = {}
    for index, section in enumerate(report.sections):
        level = labels.level_name(section.level)
        if several:  # each level its own part, on its own pages: ranks count within a level
            sheet.band(labels.section_title(section), new_page=index > 0)
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
    change_column = score_column + len(areas) + 1
    sheet.finish(
        scales=[(score_column, score_column)]
        + [(score_column + i, score_column + i) for i in range(1, len(areas) + 1)],
        signs=[change_column, change_column + 1],
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
