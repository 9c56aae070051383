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
ROW_CM = 0.53  # one row of the default height (15 pt) in centimetres
CHART_WIDTH = 16  # cm: with the tables, one portrait page width at 75 % or more
CHART_COLUMNS = 86  # column units the chart covers (16 cm ≈ 605 px ≈ 86 units)


def write_charts(workbook: Workbook, report: RoundReport) -> None:
    """One printed page (portrait) per region level: the leaders' table, colour key and bar
    chart, then the regions per maturity level and round, table and stacked columns."""
    columns = [Col("", 10), Col("", 20), Col("", 10, center=True), Col("", 12), Col("", 2)]
    sheet = ReportSheet(
        workbook,
        labels.sheet("charts"),
        columns,
        freeze=None,
        print_header=labels.print_header(report),
        landscape=False,
        print_width=sum(c.width for c in columns) + CHART_COLUMNS,
    )
    for index, section in enumerate(report.sections):
        if index:
            sheet.page_break()
        _leaders(sheet, report, section)
        sheet.append([])
        _distribution(sheet, report, section)
        sheet.append([])
    sheet.set_print_area()


def _pad(sheet: ReportSheet, first_row: int, height_cm: float) -> None:
    """Empty rows until the chart anchored at `first_row` ends."""
    while sheet.rows < first_row + int(height_cm / ROW_CM) + 1:
        sheet.append([])


def _labels_only_values(chart) -> None:
    """Data labels that show the value alone (LibreOffice shows series and category names
    too unless told not to: "杭州市；总分；89.90")."""
    for series in chart.series:
        series.dLbls = DataLabelList(
            showVal=True, showSerName=False, showCatName=False, showLegendKey=False,
            showPercent=False, showBubbleSize=False, showLeaderLines=False,
        )  # fmt: skip


def _leaders(sheet: ReportSheet, report: RoundReport, section: Section) -> None:
    level = labels.level_name(section.level)
    leaders = sorted(
        (r for r in section.rows if r.rank is not None), key=lambda r: (r.rank, r.code)
    )[:LEADERS]
    title = _("%(level)s: the %(n)s leaders by overall score") % {"level": level, "n": len(leaders)}
    title_row = sheet.rows + 1
    sheet.append([sheet.styled(title, font=styles.SECTION_FONT)])
    sheet.table_header([_("Rank"), _("Region"), _("Overall score"), _("Maturity level")])
    header_row = sheet.rows
    score = styles.score_format(section.precision)
    names = unique_labels(leaders)
    for row in leaders:
        sheet.append(
            [
                row.rank,
                names[row.code],
                sheet.styled(row.score, number_format=score),
                _level(sheet, row.level),
            ]
        )
    if not leaders:
        return
    # The colour key of the bars: one coloured cell per maturity level.
    sheet.append([])
    sheet.append([sheet.styled(_("Colours: maturity level"), font=styles.LABEL_FONT)])
    for info in reversed(report.levels):
        sheet.append([_level(sheet, info)])
    last_row = header_row + len(leaders)
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.legend = None
    height = max(7.0, 0.7 * len(leaders) + 3)  # room for every name: no label is skipped
    chart.height, chart.width = height, CHART_WIDTH
    data = Reference(sheet.sheet, min_col=3, min_row=header_row, max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(
        Reference(sheet.sheet, min_col=2, min_row=header_row + 1, max_row=last_row)
    )
    series = chart.series[0]
    for index, row in enumerate(leaders):
        point = DataPoint(idx=index)
        colour = styles.level_fill(row.level.color if row.level else "").fgColor.rgb[-6:]
        point.graphicalProperties.solidFill = colour
        series.dPt.append(point)
    _labels_only_values(chart)
    chart.x_axis.scaling.orientation = "maxMin"  # the leader on top
    chart.x_axis.tickLblSkip = 1
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.y_axis.crosses = "max"  # the value axis below the bars (the categories run down)
    chart.y_axis.number_format = "0"
    chart.y_axis.majorUnit = 20
    _show_axes(chart)
    sheet.sheet.add_chart(chart, f"F{title_row}")
    _pad(sheet, title_row, height)


def _level(sheet: ReportSheet, info):
    if info is None:
        return labels.level_label(None)
    return sheet.styled(
        info.label,
        fill=styles.level_fill(info.color),
        font=styles.level_font(info.color),
        alignment=styles.CENTER,
    )


def _distribution(sheet: ReportSheet, report: RoundReport, section: Section) -> None:
    """Levels down, rounds across (a table as narrow as the page allows); the chart reads
    each level's row as one series, stacked per round."""
    level = labels.level_name(section.level)
    title = _("%(level)s: regions per maturity level and round") % {"level": level}
    title_row = sheet.rows + 1
    sheet.append([sheet.styled(title, font=styles.SECTION_FONT)])
    sheet.table_header([_("Maturity level"), *(r.period for r, _counts in section.distribution)])
    header_row = sheet.rows
    if not section.distribution:
        return
    rows = [(info.label, info.pk, info.color) for info in report.levels]
    rows.append((labels.level_label(None), None, "#BFBFBF"))
    for label, key, _colour in rows:
        sheet.append([label, *(counts.get(key, 0) for _r, counts in section.distribution)])
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = title
    height = 8.0
    chart.height, chart.width = height, CHART_WIDTH
    last_col = 1 + len(section.distribution)
    data = Reference(
        sheet.sheet, min_col=1, max_col=last_col, min_row=header_row + 1, max_row=sheet.rows
    )
    chart.add_data(data, from_rows=True, titles_from_data=True)
    chart.set_categories(
        Reference(sheet.sheet, min_col=2, max_col=last_col, min_row=header_row, max_row=header_row)
    )
    for series, (_label, _key, colour) in zip(chart.series, rows, strict=False):
        series.graphicalProperties.solidFill = styles.level_fill(colour).fgColor.rgb[-6:]
    chart.y_axis.title = _("Regions")
    chart.legend.position = "b"  # the colour of each maturity level
    _show_axes(chart)
    sheet.sheet.add_chart(chart, f"F{title_row}")
    _pad(sheet, title_row, height)


def _show_axes(chart: BarChart) -> None:
    """openpyxl 3.1 leaves `delete` unset, and recent Excel then hides both axes."""
    chart.x_axis.delete = False
    chart.y_axis.delete = False
