"""One region's profile as a workbook: scores against the peers, strengths and weaknesses,
history, and its approved raw values.

Rectification tasks (整改) come from the rectification app as plain rows (`TaskRow`);
`add_rectification_sheet` writes them where the profile's tasks are known.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference

from assessment.dashboards.reports import labels, styles
from assessment.dashboards.reports.matrices import RAW_FORMATS
from assessment.dashboards.reports.sheets import Col, ReportSheet
from assessment.dashboards.selectors.profile import NodeScore, RegionProfile
from assessment.dashboards.selectors.reports import raw_values
from assessment.rectification.selectors.tasks import TaskRow
from assessment.results.models import ResultKind


def write_region_report(
    profile: RegionProfile,
    target,
    *,
    tasks: Iterable[TaskRow] | None = None,
    exported_by: str = "",
) -> None:
    """Write the profile workbook to `target` (path or binary file). `tasks`: the region's
    rectification tasks, when known; None leaves the sheet out."""
    workbook = Workbook(write_only=True)
    header = f"{profile.round.name} · {profile.region.name}"
    _overview(workbook, profile, header, exported_by)
    _nodes(workbook, profile, header)
    _extremes(workbook, profile, header)
    _history(workbook, profile, header)
    _raw(workbook, profile, header)
    if tasks is not None:
        add_rectification_sheet(workbook, tasks, header=header)
    workbook.save(target)


def add_rectification_sheet(
    workbook: Workbook, tasks: Iterable[TaskRow], *, header: str = ""
) -> None:
    """Add the 整改任务 sheet (title, indicator, status, due date, owner) to a write-only
    workbook before it is saved. The region export passes the region's tasks as `TaskRow`s;
    text is neutralised like every other cell."""
    columns = [
        Col(_("Task"), 40, wrap=True),
        Col(_("Indicator"), 30, wrap=True),
        Col(_("Status"), 12, center=True),
        Col(_("Due"), 12, number_format="yyyy-mm-dd", center=True),
        Col(_("Owner"), 16),
    ]
    sheet = ReportSheet(
        workbook, labels.sheet("tasks"), columns, print_header=header, vertical="center"
    )
    sheet.header()
    for task in tasks:
        sheet.append([task.title, task.indicator, task.status, task.due, task.owner])
    sheet.finish()


def _overview(workbook, profile: RegionProfile, header: str, exported_by: str) -> None:
    columns = [
        Col("", 18, bold=True),
        Col("", 16, wrap=True),
        Col("", 10),
        Col("", 10),
        Col("", 12),
        Col("", 12),
        Col("", 12),
    ]
    sheet = ReportSheet(
        workbook,
        labels.sheet("overview"),
        columns,
        freeze=None,
        print_header=header,
        landscape=False,
        vertical="center",
    )
    region, round_ = profile.region, profile.round
    score = styles.score_format(profile.precision)
    # "…评估结果" would repeat the 评估 most round names end with: the title adds 结果 only.
    title = _("%(region)s: %(round)s, results") % {"region": region.name, "round": round_.name}
    sheet.sheet.row_dimensions[1].height = 26
    sheet.append([sheet.styled(title, font=styles.TITLE_FONT)])
    sheet.append([])
    current = profile.current
    overall = profile.overall
    rank = f"{overall.rank} / {overall.peers}" if overall.rank else labels.DASH
    if profile.rank_low:
        rank += (
            "（"
            + _("plausible range %(low)s–%(high)s")
            % {"low": profile.rank_low, "high": profile.rank_high}
            + "）"
        )
    change = _gap(current.change, profile.precision)
    facts = [
        (_("Region"), f"{region.name}（{region.code}，{labels.level_name(region.level)}）"),
        (_("Round"), f"{round_.name}（{round_.period}）"),
    ]
    for label, value in facts:
        sheet.fact(label, value)
    sheet.fact(_("Overall score"), overall.score if overall.score is not None else labels.DASH,
               number_format=score)  # fmt: skip
    sheet.fact(_("Maturity level"), labels.level_label(profile.level))
    sheet.fact(_("Rank among peers"), rank)
    sheet.fact(
        _("Since the previous round"),
        change if change is not None else labels.DASH,
        number_format=styles.change_format(profile.precision),
        font=styles.change_font(change),
    )
    if current.change_rank is not None:
        sheet.fact(_("Progress rank"), current.change_rank)
    facts = [
        (
            _("Peer median / best"),
            f"{_num(overall.median, profile.precision)} / "
            f"{_num(overall.best, profile.precision)}"
            + (f"（{profile.leader.name}）" if profile.leader else ""),
        ),
        (_("Gates"), "；".join(profile.gate_reasons) or labels.DASH),
        (_("Exported"), labels.local_datetime(timezone.now())),
        (_("Exported by"), exported_by),
    ]
    for label, value in facts:
        sheet.fact(label, value)
    sheet.append([])
    sheet.table_header(
        [_("Area"), _("Name"), _("Score"), _("Rank"), _("Peer median"), _("Best"), _("vs median")]
    )
    for item in profile.areas:
        sheet.append(
            [
                item.node.code,
                item.node.name,
                *(sheet.styled(v, number_format=score) for v in (item.score,)),
                item.rank,
                *(sheet.styled(v, number_format=score) for v in (item.median, item.best)),
                sheet.styled(
                    _gap(item.gap, profile.precision),
                    number_format=styles.change_format(profile.precision),
                    font=styles.change_font(_gap(item.gap, profile.precision)),
                ),
            ]
        )
    sheet.set_print_area()


def _gap(value: float | None, precision: int) -> float | None:
    """Score minus median, without float noise (18.739999… → 18.74)."""
    return None if value is None else round(value, precision)


def _num(value: float | None, precision: int) -> str:
    return labels.DASH if value is None else f"{value:.{precision}f}"


def _node_columns(profile: RegionProfile) -> list[Col]:
    score = styles.score_format(profile.precision)
    return [
        Col(_("Code"), 9),
        Col(_("Name"), 34, wrap=True),
        Col(_("Score"), 9, number_format=score),
        Col(_("Rank"), 7, center=True),
        Col(_("Peer median"), 10, number_format=score),
        Col(_("Best"), 9, number_format=score),
        Col(_("vs median"), 10, number_format=styles.change_format(profile.precision)),
        Col(_("Data"), 14, wrap=True),
    ]


def _node_row(item: NodeScore, precision: int) -> list:
    return [
        item.node.code,
        item.node.name,
        item.score,
        item.rank,
        item.median,
        item.best,
        _gap(item.gap, precision),
        labels.flags_text(item),
    ]


def _nodes(workbook, profile: RegionProfile, header: str) -> None:
    columns = _node_columns(profile)
    sheet = ReportSheet(
        workbook,
        labels.sheet("peers"),
        columns,
        freeze="C2",
        print_header=header,
        landscape=False,
        vertical="center",
    )
    sheet.header()
    bold = {}
    for item in [*profile.areas, *profile.tree()]:
        row = _node_row(item, profile.precision)
        if item.node.kind != ResultKind.LEAF:  # areas and dimensions in bold
            row[0] = bold.setdefault(
                item.node.code, sheet.styled(item.node.code, font=styles.LABEL_FONT)
            )
        sheet.append(row)
    sheet.finish(scales=[(3, 3)])  # the gaps in the fills of the scale below, not coloured text
    sheet.finish(autofilter=False, scales=[(7, 7)], rule=styles.gap_scale())


def _extremes(workbook, profile: RegionProfile, header: str) -> None:
    columns = _node_columns(profile)
    sheet = ReportSheet(
        workbook,
        labels.sheet("extremes"),
        columns,
        freeze=None,
        print_header=header,
        landscape=False,
        vertical="center",
    )
    for title, items in (
        (_("Strongest indicators (against the peer median)"), profile.strongest),
        (_("Weakest indicators (against the peer median)"), profile.weakest),
    ):
        sheet.append([sheet.styled(title, font=styles.SECTION_FONT)])
        sheet.table_header([c.header for c in columns])
        for item in items:
            sheet.append(_node_row(item, profile.precision))
        sheet.append([])
    sheet.finish(autofilter=False, signs=[7])


def _history(workbook, profile: RegionProfile, header: str) -> None:
    score = styles.score_format(profile.precision)
    columns = [
        Col(_("Round"), 12),
        Col(_("Overall score"), 10, number_format=score),
        Col(_("Maturity level"), 12),
        Col(_("Rank"), 7, center=True),
        Col(_("Score change"), 10, number_format=styles.change_format(profile.precision)),
        Col(_("Rank change"), 9, number_format=styles.RANK_CHANGE_FORMAT, center=True),
        Col(_("Progress rank"), 9, center=True),
    ]
    sheet = ReportSheet(
        workbook,
        labels.sheet("history"),
        columns,
        freeze="A2",
        print_header=header,
        print_width=sum(c.width for c in columns) + 8.43 + 86,  # the chart: I to about S
    )
    sheet.header()
    for entry in profile.history:
        sheet.append(
            [
                entry.round.period,
                entry.score,
                labels.level_label(entry.level),
                entry.rank,
                entry.change,
                entry.rank_change,
                entry.change_rank,
            ]
        )
    sheet.finish(autofilter=False, signs=[5, 6])
    if len(profile.history) > 1:
        chart = LineChart()
        chart.title = _("Overall score by round")
        chart.height, chart.width = 8, 16
        chart.add_data(
            Reference(sheet.sheet, min_col=2, min_row=1, max_row=sheet.rows), titles_from_data=True
        )
        chart.set_categories(Reference(sheet.sheet, min_col=1, min_row=2, max_row=sheet.rows))
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        sheet.sheet.add_chart(chart, "I2")
        sheet.set_print_area(rows=max(sheet.rows, 2 + 17))  # the chart's 8 cm down


def _raw(workbook, profile: RegionProfile, header: str) -> None:
    leaves = {leaf.pk: leaf for leaf in profile.round.system.indicators.exclude(value_type="")}
    columns = [
        Col(_("Indicator"), 9),
        Col(_("Indicator name"), 34, wrap=True),
        Col(_("Raw value"), 11),
        Col(_("Unit"), 10),
        Col(_("Note"), 60, wrap=True),
    ]
    sheet = ReportSheet(
        workbook, labels.sheet("raw"), columns, freeze="B2", print_header=header, vertical="center"
    )
    formats = {
        number_format: sheet.styled(None, number_format=number_format)
        for number_format in set(RAW_FORMATS.values())
    }
    sheet.header()
    rows = raw_values(round_=profile.round, codes=[profile.region.code])
    order = {pk: leaf.order for pk, leaf in leaves.items()}
    for _code, indicator, value, note in sorted(rows, key=lambda r: (order.get(r[1], 0), r[1])):
        leaf = leaves.get(indicator)
        if leaf is not None:
            shown = labels.raw_value(value, leaf.value_type)
            number_format = RAW_FORMATS.get(leaf.value_type)
            if shown is not None and number_format is not None:
                formats[number_format].value = shown
                shown = formats[number_format]
            sheet.append(
                [
                    leaf.code,
                    leaf.name,
                    shown,
                    leaf.unit,
                    note or None,
                ]
            )
    sheet.finish()
