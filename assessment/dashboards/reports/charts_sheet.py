"""图表: native Excel charts (openpyxl.chart) over small tables on the same sheet.

For each region level in the report: the leaders' overall scores as horizontal bars coloured
by maturity level, and the number of regions per maturity level in each comparable round as
stacked columns. The charts read the tables beside them, so they stay true when opened in
Excel or WPS and can be restyled there.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.marker import DataPoint

from assessment.dashboards.reports import labels, styles
from assessment.dashboards.reports.sheets import Col, ReportSheet
from assessment.dashboards.selectors.ranking import unique_labels
from assessment.dashboards.selectors.reports import RoundReport, Section

LEADERS = 15
BLOCK = 42  # rows per region level: two charts of ~20 rows each


def write_charts(workbook: Workbook, report: RoundReport) -> None:
    columns = [Col("", 9), Col("", 22), Col("", 10)] + [Col("", 9)] * 6
    sheet = ReportSheet(
        workbook, labels.sheet("charts"), columns, freeze=None, print_header=report.round.name
    )
    for index, section in enumerate(report.sections):
        first = index * BLOCK + 1
        while sheet.rows < first - 1:
            sheet.append([])
        _leaders(sheet, report, section)
        while sheet.rows < first + 21:
            sheet.append([])
        _distribution(sheet, report, section)


def _leaders(sheet: ReportSheet, report: RoundReport, section: Section) -> None:
    level = labels.level_name(section.level)
    title = _("%(level)s: the %(n)s leaders by overall score") % {"level": level, "n": LEADERS}
    sheet.append([sheet.styled(title, font=styles.SECTION_FONT)])
    sheet.table_header([_("Rank"), _("Region"), _("Overall score")])
    header_row = sheet.rows
    leaders = sorted(
        (r for r in section.rows if r.rank is not None), key=lambda r: (r.rank, r.code)
    )[:LEADERS]
    score = styles.score_format(section.precision)
    names = unique_labels(leaders)
    for row in leaders:
        sheet.append([row.rank, names[row.code], sheet.styled(row.score, number_format=score)])
    if not leaders:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.legend = None
    chart.height, chart.width = 10, 17
    data = Reference(sheet.sheet, min_col=3, min_row=header_row, max_row=sheet.rows)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(
        Reference(sheet.sheet, min_col=2, min_row=header_row + 1, max_row=sheet.rows)
    )
    series = chart.series[0]
    for index, row in enumerate(leaders):
        point = DataPoint(idx=index)
        colour = styles.level_fill(row.level.color if row.level else "").fgColor.rgb[-6:]
        point.graphicalProperties.solidFill = colour
        series.dPt.append(point)
    series.dLbls = DataLabelList(showVal=True)
    chart.x_axis.scaling.orientation = "maxMin"  # the leader on top
    chart.y_axis.scaling.min = 0
    _show_axes(chart)
    sheet.sheet.add_chart(chart, f"J{header_row - 1}")


def _distribution(sheet: ReportSheet, report: RoundReport, section: Section) -> None:
    level = labels.level_name(section.level)
    title = _("%(level)s: regions per maturity level and round") % {"level": level}
    sheet.append([sheet.styled(title, font=styles.SECTION_FONT)])
    sheet.table_header([_("Round"), *(info.label for info in report.levels), _("no score")])
    header_row = sheet.rows
    for round_, counts in section.distribution:
        sheet.append(
            [
                round_.period,
                *(counts.get(info.pk, 0) for info in report.levels),
                counts.get(None, 0),
            ]
        )
    if not section.distribution:
        return
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = title
    chart.height, chart.width = 9, 17
    last = len(report.levels) + 2
    data = Reference(sheet.sheet, min_col=2, max_col=last, min_row=header_row, max_row=sheet.rows)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(
        Reference(sheet.sheet, min_col=1, min_row=header_row + 1, max_row=sheet.rows)
    )
    colours = [info.color for info in report.levels] + ["#BFBFBF"]
    for series, colour in zip(chart.series, colours, strict=False):
        series.graphicalProperties.solidFill = styles.level_fill(colour).fgColor.rgb[-6:]
    chart.y_axis.title = _("Regions")
    _show_axes(chart)
    sheet.sheet.add_chart(chart, f"J{header_row - 1}")


def _show_axes(chart: BarChart) -> None:
    """openpyxl 3.1 leaves `delete` unset, and recent Excel then hides both axes."""
    chart.x_axis.delete = False
    chart.y_axis.delete = False
