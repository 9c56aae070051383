"""核验情况: the values verifiers corrected for the report's regions, with the region's own
value beside the verified one, whether the round counts it as overstated (虚报), the reason
and who verified it. Written only when there is a correction."""

from __future__ import annotations

from itertools import chain

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessment.dashboards.reports import labels
from assessment.dashboards.reports.sheets import Col, ReportSheet
from assessment.dashboards.selectors.reports import RoundReport
from assessment.verification.selectors import correction_rows


def write_verification(workbook: Workbook, report: RoundReport, header: str) -> int:
    """The sheet, if any of the report's regions has a corrected value; how many rows."""
    rows = correction_rows(report.round, report.codes)
    first = next(rows, None)
    if first is None:
        return 0
    columns = [
        Col(_("Code"), 9),
        Col(_("Region"), 14),
        Col(_("Indicator"), 9),
        Col(_("Name"), 26, wrap=True),
        Col(_("Region's value"), 11, number_format="0.######"),
        Col(_("Verified value"), 11, number_format="0.######"),
        Col(_("Overstated"), 7, center=True),
        Col(_("Reason"), 20, wrap=True),
        Col(_("Note"), 64, wrap=True),
        Col(_("Verified by"), 12, wrap=True),
        Col(_("Verified at"), 16),
    ]
    sheet = ReportSheet(
        workbook,
        labels.sheet("verification"),
        columns,
        freeze="C2",
        print_header=labels.print_header(report),
        title_columns=2,
        vertical="center",
    )
    sheet.header()
    count = 0
    for row in chain([first], rows):
        sheet.append(
            [
                row.region_code,
                row.region_name,
                row.indicator_code,
                row.indicator_name,
                row.self_value,
                row.verified_value,
                _("Overstated") if row.overstated else "",
                row.reason,
                row.note,
                row.verified_by,
                timezone.localtime(row.verified_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
        count += 1
    sheet.set_print_area()
    return count
