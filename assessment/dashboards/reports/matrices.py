"""The big sheets of the round report: score matrices (维度得分, 指标得分), 原始数据 and its
数据备注.

A national report holds 3,213 regions × 43 indicators in each of the leaf matrix and the raw
values, so rows go straight to the write-only sheet; scores and raw numbers carry their
number format through one prototype cell per column (its style looked up once).
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
    no_progress,
    safe,
)
from assessment.dashboards.selectors.reports import RoundReport, ScoreMatrix, raw_values
from assessment.results.models import Standing
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
    """原始数据: the approved values as entered, regions (each region level its own part, by
    code) × leaves (the indicator system's order, the columns of 指标得分), each column in its
    value type's format (是/否 and L0–L5 as words); 数据备注: the regions' notes on their values,
    one row per note, on a sheet of their own (a note column beside each value would print a
    page per region)."""
    leaves = [t.indicator for t in report.tree if t.indicator.is_leaf]
    position = {leaf.pk: i for i, leaf in enumerate(leaves)}
    converters = [labels.raw_value_converter(leaf.value_type) for leaf in leaves]
    names = [safe(leaf.name) for leaf in leaves]
    rows = report.rows
    fixed = [
        Col(_("Code"), 9),
        Col(_("Region"), styles.fit((r.name for r in rows), minimum=10, maximum=30)),
        Col(_("Parent region"), styles.fit((r.parent_name for r in rows), minimum=10, maximum=30)),
    ]
    columns = fixed + [
        Col(leaf.code, 9, number_format=RAW_FORMATS.get(leaf.value_type), center=leaf.value_type
            not in RAW_FORMATS)
        for leaf in leaves
    ]  # fmt: skip
    sheet = ReportSheet(
        workbook,
        labels.sheet("raw"),
        columns,
        freeze="C2",
        print_header=labels.print_header(report),
        title_columns=2,
    )
    sheet.header(
        [c.header for c in fixed]
        + [_unit_header(leaf.code, leaf.name, leaf.unit) for leaf in leaves]
    )
    notes = _NotesSheet(workbook, report, names)
    expected = max(1, len(rows))
    stage = labels.sheet("raw")
    written = 0
    several = len(report.sections) > 1
    for index, section in enumerate(report.sections):
        if several:
            sheet.band(labels.section_title(section), new_page=index > 0)
        regions = sorted(section.rows, key=lambda row: row.code)
        values = groupby(
            raw_values(round_=report.round, codes=[row.code for row in regions]),
            key=lambda value: value[0],
        )
        pending = next(values, None)
        for region in regions:
            cells: list = [None] * len(leaves)
            if pending is not None and pending[0] == region.code:
                for _code, indicator, value, note in pending[1]:
                    slot = position.get(indicator)
                    if slot is None:
                        continue
                    cells[slot] = converters[slot](value)
                    if note:
                        notes.append(region, leaves[slot].code, slot, note)
                pending = next(values, None)
            sheet.append([region.code, region.name, region.parent_name, *cells])
            written += 1
            if written % 200 == 0:
                progress(start + (end - start) * written / expected, stage)
    sheet.finish()
    notes.finish()


def _unit_header(code: str, name: str, unit: str) -> str:
    """A leaf's column header: code, name and, where it has one, its unit (个, %)."""
    return f"{code}\n{name}（{unit}）" if unit else f"{code}\n{name}"


class _NotesSheet:
    """数据备注, written row by row while 原始数据 is (write-only sheets each stream to their
    own file, so the two fill side by side and a national round's notes are never held)."""

    def __init__(self, workbook: Workbook, report: RoundReport, names: list[str]):
        self.names = names
        region_width = styles.fit((r.name for r in report.rows), minimum=10, maximum=30)
        self.sheet = ReportSheet(
            workbook,
            labels.sheet("value_notes"),
            [
                Col(_("Code"), 9),
                Col(_("Region"), region_width),
                Col(_("Indicator"), 9),
                Col(_("Indicator name"), styles.fit(names, minimum=16, maximum=40), wrap=True),
                Col(_("Note"), 60, wrap=True),
            ],
            freeze="C2",
            print_header=labels.print_header(report),
            landscape=False,
            vertical="top",
        )
        self.sheet.header()

    def append(self, region: Standing, code: str, slot: int, note: str) -> None:
        self.sheet.append([region.code, region.name, code, self.names[slot], note])

    def finish(self) -> None:
        if self.sheet.rows == 1:
            self.sheet.append([None, _("No region wrote a note on its values.")])
        self.sheet.finish()
