"""The big sheets of the round report: score matrices (维度得分, 指标得分) and 原始数据.

A national report holds 3,213 regions × 43 indicators in each of the leaf matrix and the raw
values, so rows go straight to the write-only sheet; only headers and the region column are
styled, and the raw values' text (region and indicator names) is neutralised once per name.
"""

from __future__ import annotations

from itertools import groupby

from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessment.dashboards.reports import labels, styles
from assessment.dashboards.reports.sheets import Col, Progress, ReportSheet, no_progress, safe
from assessment.dashboards.selectors.reports import RoundReport, ScoreMatrix, raw_values


def write_matrix(
    workbook: Workbook,
    report: RoundReport,
    matrix: ScoreMatrix,
    title: str,
    header: str,
    *,
    height: float,
) -> None:
    """Regions (in the ranking's order) × nodes, with one colour scale over every score.

    The scores carry no number format: they are rounded to the published precision already,
    and a formatted cell costs openpyxl a styled cell object each (196,000 of them in a
    national report, a third of its writing time). 排名 keeps its formats."""
    rows = report.rows
    fixed = [
        Col(_("Code"), 9),
        Col(_("Region"), styles.fit((r.name for r in rows), minimum=10, maximum=30)),
        Col(_("Parent region"), styles.fit((r.parent_name for r in rows), minimum=10, maximum=30)),
        Col(_("Overall score"), 10),
    ]
    columns = fixed + [Col(node.code, 11) for node in matrix.nodes]
    sheet = ReportSheet(
        workbook, title, columns, freeze="C2", header_height=height, print_header=header
    )
    sheet.header([c.header for c in fixed] + [f"{n.code}\n{n.name}" for n in matrix.nodes])
    for row in rows:
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
    sheet = ReportSheet(workbook, labels.sheet("raw"), columns, freeze="C2", print_header=header)
    sheet.header()
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
            sheet.append_plain(
                [
                    code,
                    name,
                    leaf.code,
                    names[index],
                    converters[index](value),
                    units[index],
                    note_cell if note else None,
                ]
            )
            written += 1
            if written % step == 0:
                progress(start + (end - start) * min(1.0, written / expected), stage)
    sheet.finish()
