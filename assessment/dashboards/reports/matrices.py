"""The big sheets of the round report: score matrices (维度得分, 指标得分) and 原始数据.

A national report holds 3,213 regions × 43 indicators in each of the leaf matrix and the raw
values, so rows go straight to the write-only sheet; scores and raw numbers carry their
number format through one prototype cell per format (`sheets.frozen`: its style looked up
once), and the raw values' text (region and indicator names) is neutralised once per name.
"""

from __future__ import annotations

from itertools import groupby

from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessment.dashboards.reports import labels, styles
from assessment.dashboards.reports.sheets import (
    Col,
    Progress,
    ReportSheet,
    frozen,
    no_progress,
    safe,
)
from assessment.dashboards.selectors.reports import RoundReport, ScoreMatrix, raw_values
from indicators.models import ValueType

#: Raw values as entered, in one format per value type: counts whole, other numbers with two
#: decimals at least (12.50, 0.8523), never General's ragged 12.5 / 0.8523 / 12.
RAW_FORMATS = {
    ValueType.COUNT: "#,##0",
    ValueType.NUMBER: "#,##0.00##",
    ValueType.PERCENT: "0.00##",
}


def write_matrix(
    workbook: Workbook,
    report: RoundReport,
    matrix: ScoreMatrix,
    title: str,
    header: str,
    *,
    height: float,
) -> None:
    """Regions (in the ranking's order, each region level its own part on its own pages) ×
    nodes, with one colour scale over every score; scores in the published precision (82.50,
    not 82.5). Too wide for a legible page width, the sheet prints at the smallest legible
    scale over several pages across, code and region repeated on each (`height`: kept for
    callers; the header row grows to its labels)."""
    rows = report.rows
    score = styles.score_format(report.precision)
    fixed = [
        Col(_("Code"), 9),
        Col(_("Region"), styles.fit((r.name for r in rows), minimum=10, maximum=30)),
        Col(_("Parent region"), styles.fit((r.parent_name for r in rows), minimum=10, maximum=30)),
        Col(_("Overall score"), 8, number_format=score),
    ]
    columns = fixed + [Col(node.code, 8, number_format=score) for node in matrix.nodes]
    sheet = ReportSheet(
        workbook,
        title,
        columns,
        freeze="C2",
        print_header=labels.print_header(report),
        title_columns=3,
    )
    sheet.header([c.header for c in fixed] + [f"{n.code}\n{n.name}" for n in matrix.nodes])
    several = len(report.sections) > 1
    for index, section in enumerate(report.sections):
        if several:
            sheet.band(labels.section_title(section), new_page=index > 0)
        for row in section.rows:
            sheet.append([row.code, row.name, row.parent_name, row.score, *matrix.row(row.code)])
    first = len(fixed) + 1
    sheet.finish(scales=[(first, len(columns))] if matrix.nodes else [])
    sheet.finish(autofilter=False, scales=[(len(fixed), len(fixed))])


def write_raw_values(
    workbook: Workbook,
    report: RoundReport,
    header: str,
    *,
    progress: Progress = no_progress,
    start: float = 0.0,
    end: float = 1.0,
) -> None:
    """One row per approved value of the report's regions: region, indicator, value, unit,
    note; by region code, then in the indicator system's order."""
    leaves = [t.indicator for t in report.tree if t.indicator.is_leaf]
    position = {leaf.pk: i for i, leaf in enumerate(leaves)}
    regions = {row.code: safe(row.name) for row in report.rows}
    names = [safe(leaf.name) for leaf in leaves]
    units = [safe(leaf.unit) for leaf in leaves]
    converters = [labels.raw_value_converter(leaf.value_type) for leaf in leaves]
    formats = [RAW_FORMATS.get(leaf.value_type) for leaf in leaves]
    # The values come by region, then by indicator id; that is the system's order whenever
    # the indicators were created in it (the usual case), and then no sort is needed.
    in_id_order = list(position) == sorted(position)
    columns = [
        Col(_("Code"), 9),
        Col(_("Region"), styles.fit(regions.values(), minimum=10, maximum=30)),
        Col(_("Indicator"), 9),
        Col(_("Indicator name"), styles.fit(names, minimum=16, maximum=40)),
        Col(_("Raw value"), 11),
        Col(_("Unit"), styles.fit(units, minimum=6, maximum=14)),
        Col(_("Note"), 50),
    ]
    sheet = ReportSheet(
        workbook,
        labels.sheet("raw"),
        columns,
        freeze="C2",
        print_header=labels.print_header(report),
        landscape=False,
        title_columns=2,
    )
    sheet.header()
    value_cells = {
        number_format: frozen(sheet.styled(None, number_format=number_format))
        for number_format in set(RAW_FORMATS.values())
    }
    expected = max(1, len(regions) * len(leaves))
    step = max(1000, expected // 50)
    note_cell = sheet.styled("", alignment=styles.WRAP)
    stage = labels.sheet("raw")
    written = 0
    values = raw_values(round_=report.round, codes=list(regions))
    for code, group in groupby(values, key=lambda row: row[0]):
        name = regions[code]
        if not in_id_order:
            group = sorted(group, key=lambda r: position.get(r[1], -1))
        for _code, indicator, value, note in group:
            index = position.get(indicator)
            if index is None:
                continue
            leaf = leaves[index]
            if note:
                note_cell.value = safe(note)
                count = styles.lines(note, 50)
                if count > 1:
                    sheet.sheet.row_dimensions[sheet.rows + 1].height = styles.row_height(count)
            number_format = formats[index]
            shown = converters[index](value)
            if number_format is not None and shown is not None:
                cell = value_cells[number_format]
                cell.value = shown
                shown = cell
            sheet.append_plain(
                [
                    code,
                    name,
                    leaf.code,
                    names[index],
                    shown,
                    units[index],
                    note_cell if note else None,
                ]
            )
            written += 1
            if written % step == 0:
                progress(start + (end - start) * min(1.0, written / expected), stage)
    sheet.finish()
