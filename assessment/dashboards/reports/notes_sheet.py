"""说明: every indicator with its code, names, weight, direction, scoring rule, basis, the levels
it applies to and the national policy task it measures. 等级与参考: the maturity levels with
their gates, what the data flags mean, the references the basis texts cite and the changes
from the previous version of the system (a sheet of their own: on 说明's pages the indicator
table's header row would print above them)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessment.dashboards.reports import labels, styles
from assessment.dashboards.reports.sheets import Col, ReportSheet
from assessment.dashboards.selectors.reports import RoundReport
from assessment.regions.models import RegionLevel
from indicators.language import localized
from indicators.models import Direction, Indicator
from indicators.rule_text import number_text, rule_text

KINDS = {0: "Area", 1: "Dimension"}


def write_notes(workbook: Workbook, report: RoundReport, header: str) -> None:
    columns = [
        Col(_("Code"), 9),
        Col(_("Name"), 28, wrap=True),
        Col(_("English name"), 28, wrap=True),
        Col(_("Tier"), 7, center=True),
        Col(_("Weight among siblings"), 10, number_format="0.0%"),
        Col(_("Points of 100"), 9, number_format="0.00"),
        Col(_("Direction"), 10),
        Col(_("Unit"), 9),
        Col(_("Scoring rule"), 30, wrap=True),
        Col(_("Evidence"), 24, wrap=True),
        Col(_("Guidance"), 40, wrap=True),
        Col(_("Basis"), 40, wrap=True),
        Col(_("Applies to"), 12, wrap=True),
        Col(_("National policy task"), 30, wrap=True),
    ]
    sheet = ReportSheet(
        workbook,
        labels.sheet("notes"),
        columns,
        freeze="C2",
        print_header=labels.print_header(report),
        title_columns=2,
        vertical="top",
    )
    sheet.header()
    bold = {}
    for tree_row in report.tree:
        node: Indicator = tree_row.indicator
        leaf = node.is_leaf
        tier = _("Indicator") if leaf else _(KINDS.get(tree_row.depth, "Dimension"))
        code = node.code
        if not leaf:
            code = bold.setdefault(
                code, sheet.styled(code, font=styles.LABEL_FONT, alignment=styles.TOP)
            )
        sheet.append(
            [
                code,
                node.name_zh,
                node.name_en,
                tier,
                tree_row.share,
                tree_row.points,
                str(Direction(node.direction).label) if leaf else "",
                node.unit if leaf else "",
                rule_text(node) if leaf else "",
                _evidence(node) if leaf else "",
                node.guidance if leaf else "",
                node.basis,
                _applies_to(node) if leaf else "",
                node.policy_ref,
            ]
        )
    sheet.finish()
    write_levels(workbook, report)


def write_levels(workbook: Workbook, report: RoundReport) -> None:
    """等级与参考: levels, data flags, references and changes, one titled table after another;
    the explanations spread over the columns right of their word."""
    sheet = ReportSheet(
        workbook,
        labels.sheet("levels"),
        [Col("", 14), Col("", 24), Col("", 24), Col("", 10), Col("", 10), Col("", 36)],
        freeze=None,
        print_header=labels.print_header(report),
        landscape=False,
    )
    _levels(sheet, report)
    _flags(sheet)
    _references(sheet, report)
    _changes(sheet, report)
    sheet.set_print_area()


def _applies_to(node: Indicator) -> str:
    if not node.applies_to or set(node.applies_to) == set(RegionLevel.values):
        return _("All levels")
    return "、".join(str(RegionLevel(level).label) for level in node.applies_to)


def _references(sheet: ReportSheet, report: RoundReport) -> None:
    """The public sources the basis texts cite as [R1] …; [S000] … are the source articles."""
    references = report.round.system.references or []
    if not references:
        return
    _title(sheet, _("References"))
    sheet.fact("[S000]–[S004]", _("The source articles shipped with the product (fixtures/seeds)"))
    for reference in references:
        title, address = reference.get("title", ""), reference.get("url", "")
        sheet.fact(f"[{reference.get('key', '')}]", f"{title}\n{address}" if address else title)


def _changes(sheet: ReportSheet, report: RoundReport) -> None:
    """What changed from the previous version of the system, per indicator."""
    changes = report.round.system.changes or []
    if not changes:
        return
    _title(sheet, _("Changes from the previous version"))
    for change in changes:
        sheet.fact(
            change.get("code", ""), localized(change.get("change_zh"), change.get("change_en"))
        )


def _title(sheet: ReportSheet, text: str) -> None:
    """A table's title, an empty row above it when a table precedes."""
    if sheet.rows:
        sheet.append([])
    sheet.band(text)


def _evidence(node: Indicator) -> str:
    text = node.evidence_note
    required = _("Required")  # outside the f-string, where makemessages finds it
    return f"{required}：{text}" if node.evidence_required else text


def _levels(sheet: ReportSheet, report: RoundReport) -> None:
    _title(sheet, _("Maturity levels"))
    score = styles.score_format(report.precision)
    sheet.table_header(
        [
            _("Level"),
            _("Name"),
            _("English name"),
            _("Lowest score"),
            _("Lowest area score"),
            _("Indicator gates"),
        ]
    )
    for level in report.maturity:
        gates = "；".join(
            f"{g.indicator.code} ≥ {number_text(g.min_score)}" for g in level.gates.all()
        )
        sheet.append(
            [
                sheet.styled(
                    level.code,
                    fill=styles.level_fill(level.color),
                    font=styles.level_font(level.color),
                    alignment=styles.CENTER,
                ),
                level.name_zh,
                level.name_en,
                sheet.styled(float(level.min_score), number_format=score, alignment=styles.CENTER),
                sheet.styled(
                    float(level.gate_min_area), number_format=score, alignment=styles.CENTER
                )
                if level.gate_min_area is not None
                else None,
                sheet.styled(gates, alignment=styles.INDENT) if gates else None,
            ]
        )


def _flags(sheet: ReportSheet) -> None:
    _title(sheet, _("Data flags"))
    for word, meaning in (
        (_("no score"), _("No approved data, or too little of it")),
        (_("imputed"), _("Some values were filled with peer means")),
        (_("partial"), _("Some indicators are missing")),
        (_("overstated %(count)s") % {"count": "N"},
         _("Values the region reported better than verified, beyond the round's tolerance "
           "(虚报): their scores were reduced")),
        (_("corrected %(count)s (%(effect)s)") % {"count": "N", "effect": "±x"},
         _("Values corrected in verification, and what the corrections changed in the "
           "overall score")),
    ):  # fmt: skip
        sheet.fact(word, meaning)
