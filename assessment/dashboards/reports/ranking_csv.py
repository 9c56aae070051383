"""The ranking table as CSV: the page's rows and columns, readable by Excel as it is.

UTF-8 with a byte-order mark, so Excel (and WPS) open the Chinese names correctly on a
double click; CRLF line ends; numbers as numbers; every text value neutralised with
`safe_text`, since a CSV cell beginning with = + - @ runs as a formula in Excel just the same.
"""

from __future__ import annotations

import csv
import io

from assessment.dashboards.reports.sheets import safe
from assessment.dashboards.tables import RankingTable

BOM = "\ufeff"


def ranking_csv(table: RankingTable) -> bytes:
    """Every row of `table` (not one page), with the page's column headers: django-tables2's
    export values (the export-only columns included, numbers as numbers)."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in table.as_values():
        writer.writerow(["" if value is None else safe(value) for value in row])
    return buffer.getvalue().encode("utf-8")
