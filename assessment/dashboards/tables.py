"""Ranking tables (django-tables2) over the rows of `selectors.ranking`.

The selector has already filtered and sorted the rows (`RankingQuery.sort`, the table's
`sort` parameter): sorting 2,846 rows with django-tables2's generic comparator would take
longer than reading them, so the table only paginates and draws the sort links.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from html import escape as escape_text

import django_tables2 as tables
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext_lazy as _

from assessment.dashboards.selectors.ranking import AREA_PREFIX, RankingRow
from assessment.results.selectors.nodes import NodeInfo

DASH = "–"
WIDE_ONLY = "d-none d-md-table-cell"  # columns a phone leaves out (the profile has them)
NUMERIC = {"th": {"class": "text-end"}, "td": {"class": "text-end"}}


class PresortedData(tables.data.TableListData):
    """Rows sorted by the selector: the table must not sort them again."""

    def order_by(self, aliases) -> None:
        return None


def as_html(value: object) -> str:
    """A cell's content as HTML: safe strings pass, anything else is escaped.

    What conditional_escape() does, without its lazy-string checks on every call: a 50-row
    page has 750 cells, and the cells' own markup below is built with f-strings for the same
    reason (format_html escapes each argument through those checks: 12 → 4 ms a page).
    """
    return value if isinstance(value, SafeData) else escape_text(str(value))


def number(value: float | None, decimals: int) -> str:
    return DASH if value is None else f"{value:.{decimals}f}"


def signed(value: float | None, decimals: int) -> str:
    """+1.25 / −0.50 / 0.00 with an arrow class, for changes."""
    if value is None:
        return DASH
    css = "up" if value > 0 else "down" if value < 0 else "same"
    text = f"{value:+.{decimals}f}".replace("-", "−") if value else f"{0:.{decimals}f}"
    return mark_safe(f'<span class="change-{css}">{text}</span>')  # a class name and a number


def places(value: int | None) -> str:
    if value is None:
        return DASH
    if value == 0:
        return mark_safe('<span class="change-same">0</span>')
    arrow, css = ("↑", "up") if value > 0 else ("↓", "down")
    return mark_safe(f'<span class="change-{css}">{arrow}{abs(int(value))}</span>')  # a number


def _plain(record: RankingRow, *, accessor: str) -> object:
    value = getattr(record, accessor)
    return DASH if value is None else value


class AreaColumn(tables.Column):
    """One area's score; the header names the area."""

    def __init__(self, area: NodeInfo, **kwargs):
        self.area = area
        super().__init__(
            verbose_name=area.code,
            accessor="code",
            attrs={
                "th": {"title": area.name, "class": f"text-end {WIDE_ONLY}"},
                "td": {"class": f"text-end {WIDE_ONLY}"},
            },
            **kwargs,
        )

    def render(self, record: RankingRow, table: RankingTable) -> str:
        return number(record.area_score(self.area.code), table.precision)


class RankingTable(tables.Table):
    """Shared columns and formatting; the subclasses say which columns a race shows."""

    region = tables.Column(verbose_name=_("Region"), accessor="code")
    # Export only (CSV): the page links the name to the profile, whose URL holds the code.
    code = tables.Column(verbose_name=_("Region code"), visible=False)
    parent = tables.Column(
        verbose_name=_("Parent region"),
        accessor="parent_name",
        attrs={"th": {"class": WIDE_ONLY}, "td": {"class": WIDE_ONLY}},
    )
    score = tables.Column(
        verbose_name=_("Overall score"),
        attrs={"th": {"class": "text-end"}, "td": {"class": "text-end fw-semibold"}},
    )
    level = tables.Column(verbose_name=_("Maturity level"), accessor="code")
    rank_change = tables.Column(verbose_name=_("Rank change"), accessor="code", attrs=NUMERIC)
    change = tables.Column(verbose_name=_("Score change"), attrs=NUMERIC, empty_values=())

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle ranking-table"}
        empty_text = _("No region matches these filters.")
        default = DASH
        template_name = "dashboards/_ranking_table.html"

    def __init__(
        self,
        rows: Sequence[RankingRow],  # RankingRows: a page reads (and builds) 50 of them
        *,
        round_id: int,
        precision: int,
        change_precision: int,
        areas: list[NodeInfo] = (),
        intervals: bool = False,
        profile_links: bool = True,
        task_prefixes: tuple[str, ...] = (),
        order_by: str = "",
        **kwargs,
    ):
        self.round_id = round_id
        self.precision = precision
        self.change_precision = change_precision
        self.intervals = intervals
        self.profile_links = profile_links
        self.task_prefixes = task_prefixes  # rows under these codes get a "new task" link
        extra = [(f"{AREA_PREFIX}{area.code}", AreaColumn(area)) for area in areas]
        super().__init__(
            PresortedData(rows), extra_columns=extra, order_by=order_by or None, **kwargs
        )

    def body_html(self) -> str:
        """The rows of this page as HTML, rendered in one pass.

        django-tables2 renders each cell through a template with signature inspection per
        call: 35 ms for a 50-row page, more than reading the national round. The pagination
        stays django-tables2's; the header is `header_html` (assessment/_ranking_table.html).
        Every cell goes through as_html (escaped unless marked safe).
        """
        rows = self.page.object_list if getattr(self, "page", None) else self.rows
        cells = self._cell_renderers()
        html = [
            "<tr>"
            + "".join(
                [f"<td {attrs}>{as_html(render(row.record))}</td>" for attrs, render in cells]
            )
            + "</tr>"
            for row in rows
        ]
        return mark_safe("".join(html))  # every cell escaped above

    def header_html(self) -> str:
        """The header row with its sort links, drawn as django-tables2's template draws them
        (`querystring_replace`: the request's parameters with the sort replaced), in one pass:
        the template took 6 ms for the 15 columns."""
        request = getattr(self, "request", None)
        params = dict(request.GET) if request is not None else {}
        cells = []
        for column in self.columns:
            header = as_html(column.header)
            if column.orderable:
                sort = {self.prefixed_order_by_field: column.order_by_alias.next}
                link = escape_text("?" + urlencode({**params, **sort}, doseq=True))
                header = f'<a href="{link}">{header}</a>'
            cells.append(f'<th {column.attrs["th"].as_html()} scope="col">{header}</th>')
        return mark_safe(f"<tr>{''.join(cells)}</tr>")  # escaped above

    def _cell_renderers(self) -> list[tuple[str, Callable[[RankingRow], object]]]:
        """(td attributes, record → cell content) per visible column."""
        renderers = []
        for bound in self.columns:
            render = getattr(self, f"render_{bound.name}", None)
            if render is None and isinstance(bound.column, AreaColumn):
                render = partial(bound.column.render, table=self)
            if render is None:
                render = partial(_plain, accessor=str(bound.accessor))
            renderers.append((bound.attrs["td"].as_html(), render))
        return renderers

    def export_rows(self) -> Iterator[list]:
        """The header and every row (not one page) as plain values, for the CSV download.

        Columns as on the page, in the same order, plus the export-only ones (the region
        code, the rank interval); numbers stay numbers (`value_<column>` methods), rendered in
        one pass for the same reason as `body_html`.
        """
        columns = [c for c in self.columns.iterall() if not c.column.exclude_from_export]
        yield [force_str(column.header) for column in columns]
        getters = []
        for bound in columns:
            getter = getattr(self, f"value_{bound.name}", None)
            if getter is None and isinstance(bound.column, AreaColumn):
                code = bound.column.area.code
                getter = partial(_rounded_area, code=code, decimals=self.precision)
            if getter is None:
                getter = partial(getattr_or_none, name=str(bound.accessor))
            getters.append(getter)
        for record in self.data.data:
            yield [getter(record) for getter in getters]

    def value_region(self, record: RankingRow) -> str:
        return record.name

    def value_score(self, record: RankingRow) -> float | None:
        return _round(record.score, self.precision)

    def value_level(self, record: RankingRow) -> str:
        if record.level is None:
            return ""
        held = f" ({_('gate')}: {record.level_by_score.code})" if record.held_back else ""
        return f"{record.level.label}{held}"

    def value_rank_change(self, record: RankingRow) -> int | None:
        return record.rank_change

    def value_change(self, record: RankingRow) -> float | None:
        return _round(record.change, self.change_precision)

    @cached_property
    def _profile_prefix(self) -> str:
        """The profile URL up to the region code (reverse() once, not once per row)."""
        return reverse("assessment:profile", args=[self.round_id, "000000"])[: -len("000000/")]

    @cached_property
    def _texts(self) -> dict[str, str]:
        """The cells' fixed words, translated and escaped once per table, not once per row."""
        words = {
            "task_title": _("Create a rectification task for this region"),
            "task": _("task"),
            "gate": _("gate"),
        }
        return {key: escape_text(str(word)) for key, word in words.items()}

    def render_region(self, record: RankingRow) -> str:
        if not self.profile_links:
            return record.name
        url = f"{self._profile_prefix}{escape_text(record.code)}/"
        link = f'<a href="{url}">{escape_text(record.name)}</a>'
        if not record.code.startswith(self.task_prefixes):
            return mark_safe(link)  # escaped above
        texts = self._texts
        return mark_safe(  # escaped above
            f'{link} <a class="task-link d-print-none" href="{url}tasks/new/" '
            f'title="{texts["task_title"]}" data-testid="ranking-new-task">＋{texts["task"]}</a>'
        )

    def render_score(self, record: RankingRow) -> str:
        return number(record.score, self.precision)

    def render_level(self, record: RankingRow) -> str:
        level = record.level
        if level is None:
            return DASH
        badge = (
            f'<span class="badge level-badge level-{escape_text(level.code)}">'
            f"{escape_text(level.label)}</span>"
        )
        if record.held_back:
            title = _("Held back by a gate: the score alone reaches %(level)s") % {
                "level": record.level_by_score.code
            }
            gate = self._texts["gate"]
            badge += f' <span class="held-back" title="{escape_text(title)}">{gate}</span>'
        return mark_safe(badge)  # escaped above

    def render_rank_change(self, record: RankingRow) -> str:
        return places(record.rank_change)

    def render_change(self, record: RankingRow) -> str:
        return signed(record.change, self.change_precision)


def _round(value: float | None, decimals: int) -> float | None:
    """As published: the stored change may carry float noise (1.9200000000000017)."""
    return None if value is None else round(value, decimals)


def _rounded_area(record: RankingRow, *, code: str, decimals: int) -> float | None:
    return _round(record.area_score(code), decimals)


def getattr_or_none(record: RankingRow, *, name: str):
    return getattr(record, name)


def _flag_words(record: RankingRow) -> str:
    words = [
        str(word)
        for flag, word in (
            (record.missing, _("no score")),
            (record.imputed, _("imputed")),
            (record.partial, _("partial")),
        )
        if flag
    ]
    return "; ".join(words)


def _flags(record: RankingRow) -> str:
    """Small badges for scores that rest on incomplete data."""
    if not record.flags:
        return ""
    badges = []
    if record.missing:
        badges.append(("missing", _("no score"), _("No approved data, or too little of it")))
    if record.imputed:
        badges.append(("imputed", _("imputed"), _("Some values were filled with peer means")))
    if record.partial:
        badges.append(("partial", _("partial"), _("Some indicators are missing")))
    return format_html_join(
        "", '<span class="badge flag-{}" title="{}">{}</span>', ((c, t, x) for c, x, t in badges)
    )


class LevelRaceTable(RankingTable):
    """The level race: rank (with its interval), scores, level, changes, data flags."""

    rank = tables.Column(
        verbose_name=_("Rank"), accessor="key_rank", attrs={"td": {"class": "rank-cell"}}
    )
    flags = tables.Column(
        verbose_name=_("Data"),
        accessor="code",
        orderable=False,
        attrs={"th": {"class": WIDE_ONLY}, "td": {"class": WIDE_ONLY}},
    )
    # Export only (CSV): the page shows the interval inside the rank cell.
    interval = tables.Column(verbose_name=_("Rank interval"), accessor="code", visible=False)

    class Meta(RankingTable.Meta):
        sequence = ("rank", "interval", "region", "code", "parent", "score", "level", "...",
                    "rank_change", "change", "flags")  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.intervals:
            self.columns["interval"].column.exclude_from_export = True

    def render_rank(self, record: RankingRow) -> str:
        rank = DASH if record.key_rank is None else record.key_rank
        if self.intervals and record.rank_low is not None:
            return mark_safe(  # numbers only
                f"<strong>{rank}</strong> "
                f'<small class="text-muted">({record.rank_low}–{record.rank_high})</small>'
            )
        return mark_safe(f"<strong>{rank}</strong>")  # a number

    def render_flags(self, record: RankingRow) -> str:
        return _flags(record)

    def value_rank(self, record: RankingRow) -> int | None:
        return record.key_rank

    def value_interval(self, record: RankingRow) -> str:
        if record.rank_low is None or record.rank_high is None:
            return ""
        return f"{record.rank_low}–{record.rank_high}"

    def value_flags(self, record: RankingRow) -> str:
        return _flag_words(record)


class ProgressRaceTable(RankingTable):
    """The progress race: rank by the change of the published score since the last round."""

    change_rank = tables.Column(
        verbose_name=_("Progress rank"), attrs={"td": {"class": "rank-cell fw-semibold"}}
    )
    previous_score = tables.Column(verbose_name=_("Previous score"), attrs=NUMERIC)

    class Meta(RankingTable.Meta):
        sequence = ("change_rank", "region", "code", "parent", "previous_score", "score",
                    "change", "rank_change", "level")  # fmt: skip

    def render_previous_score(self, record: RankingRow) -> str:
        return number(record.previous_score, self.precision)

    def value_previous_score(self, record: RankingRow) -> float | None:
        return _round(record.previous_score, self.precision)
