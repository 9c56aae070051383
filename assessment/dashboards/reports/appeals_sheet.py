"""申诉处理 and 部门任务: the appeals of the report's regions — counts by category and outcome,
then every appeal with its decision and reason — and the departments' tasks from the appeals
accepted as 非本级原因. Written only when the round has appeals."""

from __future__ import annotations

from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessment.appeals.models import Appeal, AppealStatus, Category, DepartmentTask
from assessment.appeals.selectors import report_appeals
from assessment.core.people import person_name
from assessment.dashboards.reports import labels
from assessment.dashboards.reports.sheets import Col, ReportSheet
from assessment.dashboards.selectors.reports import RoundReport


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def write_appeals(workbook: Workbook, report: RoundReport, header: str) -> int:
    """Both sheets, if the report's regions appealed; how many appeals."""
    appeals = report_appeals(report.round, report.codes)
    if not appeals:
        return 0
    header = labels.print_header(report)
    _appeal_sheet(workbook, appeals, header)
    tasks = [appeal.department_task for appeal in appeals if _has_task(appeal)]
    if tasks:
        _department_sheet(workbook, tasks, header)
    return len(appeals)


def _has_task(appeal: Appeal) -> bool:
    try:
        return appeal.department_task is not None
    except DepartmentTask.DoesNotExist:
        return False


def _appeal_sheet(workbook: Workbook, appeals: list[Appeal], header: str) -> None:
    """Counts by category and status first, then every appeal (a second table below)."""
    columns = [
        Col(_("Code"), 18),
        Col(_("Region"), 12),
        Col(_("Indicator"), 9),
        Col(_("Name"), 22, wrap=True),
        Col(_("Category"), 20, wrap=True),
        Col(_("Responsible department"), 16, wrap=True),
        Col(_("Statement"), 40, wrap=True),
        Col(_("Filed"), 16),
        Col(_("Status"), 9),
        Col(_("Outcome"), 11),
        Col(_("Corrected value"), 10, number_format="0.######"),
        Col(_("Reason"), 40, wrap=True),
        Col(_("Decided by"), 12),
        Col(_("Decided at"), 16),
    ]
    sheet = ReportSheet(
        workbook,
        labels.sheet("appeals"),
        columns,
        freeze=None,
        print_header=header,
        title_columns=2,
        vertical="top",
    )
    statuses = AppealStatus.choices
    sheet.table_header([_("Category"), *(str(label) for _s, label in statuses), _("Total")])
    counts = Counter((appeal.category, appeal.status) for appeal in appeals)
    for category, label in Category.choices:
        row = [counts[(category, status)] for status, _label in statuses]
        sheet.append([str(label), *row, sum(row)])
    totals = [sum(counts[(c, status)] for c, _l in Category.choices) for status, _l in statuses]
    sheet.append([_("Total"), *totals, sum(totals)])
    sheet.append([])
    sheet.header()  # the appeals' header repeats on every printed page
    for appeal in appeals:
        row = [
            appeal.region_id,
            appeal.region.name,
            appeal.indicator.code,
            appeal.indicator.name,
            appeal.get_category_display(),
            appeal.department.name if appeal.department else "",
            appeal.statement,
            _when(appeal.filed_at),
            appeal.get_status_display(),
            appeal.get_outcome_display() if appeal.outcome else "",
            appeal.corrected_value,
            appeal.decision_reason,
            person_name(appeal.decided_by),
            _when(appeal.decided_at),
        ]
        sheet.append(row)
    sheet.set_print_area()


def _department_sheet(workbook: Workbook, tasks: list[DepartmentTask], header: str) -> None:
    columns = [
        Col(_("Department"), 24, wrap=True),
        Col(_("Code"), 9),
        Col(_("Region"), 14),
        Col(_("Indicator"), 9),
        Col(_("What is blocked"), 50, wrap=True),
        Col(_("Status"), 10),
        Col(_("Opened"), 16),
        Col(_("Resolved"), 16),
        Col(_("What was done"), 40, wrap=True),
    ]
    sheet = ReportSheet(
        workbook, labels.sheet("departments"), columns, freeze="B2", print_header=header
    )
    sheet.header()
    for task in sorted(tasks, key=lambda t: (t.department.name, t.region_id)):
        row = [
            task.department.name,
            task.region_id,
            task.region.name,
            task.indicator.code,
            task.description,
            task.get_status_display(),
            _when(task.opened_at),
            _when(task.resolved_at),
            task.resolution,
        ]
        sheet.append(row)
    sheet.set_print_area()
