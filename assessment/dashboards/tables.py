"""Ranking tables (django-tables2) over the ranking read model (`results.Standing`).

The data is a queryset in race order: django-tables2 sorts it in SQL when a column header is
clicked (`SortColumn.order`: regions without a value last in both directions, ties in the
race's order) and pages it with LIMIT/OFFSET; its bootstrap5 template draws the header, sort
links and pagination. The body rows are a project template (Jinja2,
`dashboards/jinja2/dashboards/table_rows.html`) that draws each visible column's cell from the
row's record: the markup of a cell lives there, its value for the CSV export in the
`value_<column>` methods below (django-tables2's `as_values()`).
"""

from __future__ import annotations

from collections.abc import Sequence

import django_tables2 as tables
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from assessment.dashboards.filters import RankingRequest
from assessment.dashboards.flags import data_flags, signed_text
from assessment.dashboards.selectors.ranking import RACE_ORDER, RACE_PROGRESS, Comparison, Race
from assessment.results.models import Standing
from assessment.results.models.standings import area_fields
from assessment.results.selectors.nodes import LevelInfo, NodeInfo

DASH = "–"
WIDE_ONLY = "d-none d-md-table-cell"  # columns a phone leaves out (the profile has them)
NUMERIC = {"th": {"class": "text-end"}, "td": {"class": "text-end"}}
WIDE_NUMERIC = {"th": {"class": f"text-end {WIDE_ONLY}"}, "td": {"class": f"text-end {WIDE_ONLY}"}}
AREA_PREFIX = "area_"  # an area's column (and sort alias) is area_<area code>


class SortColumn(tables.Column):
    """A column django-tables2 sorts in SQL by `sort_field`: regions without a value last in
    either direction, ties in the race's order (its rank, then the region code)."""

    def __init__(self, *args, sort_field: str, **kwargs):
        self.sort_field = sort_field
        super().__init__(*args, **kwargs)

    def order(self, queryset: QuerySet, is_descending: bool) -> tuple[QuerySet, bool]:
        field = F(self.sort_field)
        first = field.desc(nulls_last=True) if is_descending else field.asc(nulls_last=True)
        return queryset.order_by(first, *RACE_ORDER), True


def number(value: float | None, decimals: int) -> str:
    return DASH if value is None else f"{value:.{decimals}f}"


def signed(value: float | None, decimals: int) -> str:
    """+1.25 / −0.50 / 0.00 with an arrow class, for changes."""
    if value is None:
        return DASH
    css = "up" if value > 0 else "down" if value < 0 else "same"
    return format_html('<span class="change-{}">{}</span>', css, signed_text(value, decimals))


def places(value: int | None) -> str:
    if value is None:
        return DASH
    if value == 0:
        return mark_safe('<span class="change-same">0</span>')  # a constant
    arrow, css = ("↑", "up") if value > 0 else ("↓", "down")
    return format_html('<span class="change-{}">{}{}</span>', css, arrow, abs(int(value)))


def _published(value: float | None, decimals: int) -> float | None:
    """As published: a stored change may carry float noise (1.9200000000000017)."""
    return None if value is None else round(value, decimals)


class AreaColumn(SortColumn):
    """One area's score; the header names the area."""

    def __init__(self, area: NodeInfo, slot: int, **kwargs):
        self.area = area
        self.slot = slot
        super().__init__(
            verbose_name=area.code,
            accessor=area_fields(slot)[0],
            sort_field=area_fields(slot)[0],
            attrs={
                "th": {"title": area.name, "class": f"text-end {WIDE_ONLY}"},
                "td": {"class": f"text-end {WIDE_ONLY}"},
            },
            **kwargs,
        )

    def value(self, value: float | None, table: RankingTable) -> float | None:
        return _published(value, table.precision)


class RankingTable(tables.Table):
    """Shared columns and formatting; the subclasses say which columns a race shows."""

    region = SortColumn(verbose_name=_("Region"), accessor="region_id", sort_field="region_id")
    # Export only (CSV): the page links the name to the profile, whose URL holds the code.
    code = tables.Column(verbose_name=_("Region code"), accessor="region_id", visible=False)
    parent = SortColumn(
        verbose_name=_("Parent region"), accessor="parent_name", sort_field="parent_id",
        attrs={"th": {"class": WIDE_ONLY}, "td": {"class": WIDE_ONLY}},
    )  # fmt: skip
    score = SortColumn(
        verbose_name=_("Overall score"), sort_field="score",
        attrs={"th": {"class": "text-end"}, "td": {"class": "text-end fw-semibold"}},
    )  # fmt: skip
    level = SortColumn(verbose_name=_("Maturity level"), accessor="maturity_id",
                       sort_field="maturity__order")  # fmt: skip
    rank_change = SortColumn(verbose_name=_("Rank change"), sort_field="rank_change",
                             attrs=NUMERIC)  # fmt: skip
    change = SortColumn(verbose_name=_("Score change"), sort_field="change", attrs=NUMERIC)

    class Meta:
        model = Standing
        fields: tuple[str, ...] = ()
        attrs = {"class": "table table-sm table-hover align-middle ranking-table"}
        empty_text = _("No region matches these filters.")
        default = DASH
        template_name = "dashboards/ranking_table.html"

    def __init__(
        self,
        rows: QuerySet[Standing],
        *,
        round_id: int,
        precision: int,
        change_precision: int,
        areas: list[NodeInfo] = (),
        levels: Sequence[LevelInfo] = (),
        intervals: bool = False,
        profile_links: bool = True,
        task_prefixes: tuple[str, ...] = (),
        **kwargs,
    ):
        self.round_id = round_id
        self.precision = precision
        self.change_precision = change_precision
        # The rows carry their levels' ids; the system's few levels are read once per page.
        self.levels = {level.pk: level for level in levels}
        self.intervals = intervals
        self.profile_links = profile_links
        self.task_prefixes = task_prefixes  # rows under these codes get a "new task" link
        extra = [
            (f"{AREA_PREFIX}{area.code}", AreaColumn(area, slot)) for slot, area in enumerate(areas)
        ]
        super().__init__(rows, extra_columns=extra, **kwargs)

    @cached_property
    def profile_prefix(self) -> str:
        """The profile URL up to the region code (reverse() once, not once per row)."""
        return reverse("assessment:profile", args=[self.round_id, "000000"])[: -len("000000/")]

    def level_of(self, pk: int | None) -> LevelInfo | None:
        """The maturity level of a row's `maturity_id` or `maturity_by_score_id`."""
        return self.levels.get(pk)

    def may_create_task(self, code: str) -> bool:
        """Whether the row of `code` offers "create a rectification task" (its supervisors)."""
        return code.startswith(self.task_prefixes)

    def area_slots(self) -> dict[str, int]:
        """Column name → area slot, for the template's area cells."""
        return {
            bound.name: bound.column.slot
            for bound in self.columns
            if isinstance(bound.column, AreaColumn)
        }

    def value_region(self, record: Standing) -> str:
        return record.name

    def value_score(self, value: float | None) -> float | None:
        return _published(value, self.precision)

    def value_level(self, record: Standing) -> str:
        level = self.level_of(record.maturity_id)
        if level is None:
            return ""
        gate = _("gate")  # outside the f-string, where makemessages finds it
        by_score = self.level_of(record.maturity_by_score_id)
        held = f" ({gate}: {by_score.code})" if record.held_back and by_score else ""
        return f"{level.label}{held}"

    def value_rank_change(self, value: int | None) -> int | None:
        return value

    def value_change(self, value: float | None) -> float | None:
        return _published(value, self.change_precision)


class LevelRaceTable(RankingTable):
    """The level race: rank (with its interval), scores, level, changes, data flags."""

    rank = SortColumn(verbose_name=_("Rank"), accessor="key_rank", sort_field="key_rank",
                      empty_values=(), attrs={"td": {"class": "rank-cell"}})  # fmt: skip
    rank_in_parent = SortColumn(verbose_name=_("Rank in parent region"),
                                sort_field="rank_in_parent", attrs=WIDE_NUMERIC)  # fmt: skip
    rank_in_class = SortColumn(verbose_name=_("Rank in class"), accessor="class_rank",
                               sort_field="class_rank", attrs=WIDE_NUMERIC)  # fmt: skip
    flags = tables.Column(
        verbose_name=_("Data"), accessor="flags", orderable=False, empty_values=(),
        attrs={"th": {"class": WIDE_ONLY}, "td": {"class": WIDE_ONLY}},
    )  # fmt: skip
    # Export only (CSV): the page shows the interval inside the rank cell.
    interval = tables.Column(verbose_name=_("Rank interval"), accessor="rank_low",
                             visible=False, empty_values=())  # fmt: skip

    class Meta(RankingTable.Meta):
        sequence = ("rank", "interval", "rank_in_class", "rank_in_parent", "region", "code",
                    "parent", "score",
                    "level", "...", "rank_change", "change", "flags")  # fmt: skip

    def __init__(self, *args, in_parent: bool = False, in_class: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.intervals:
            self.columns["interval"].column.exclude_from_export = True
        if not in_parent:  # the rank within the parent region, when the filter names one
            self.columns.hide("rank_in_parent")
            self.columns["rank_in_parent"].column.exclude_from_export = True
        if not in_class:  # the rank within the peer class, when the filter names one
            self.columns.hide("rank_in_class")
            self.columns["rank_in_class"].column.exclude_from_export = True

    def value_rank(self, record: Standing) -> int | None:
        return record.key_rank

    def value_interval(self, record: Standing) -> str:
        if record.rank_low is None or record.rank_high is None:
            return ""
        return f"{record.rank_low}–{record.rank_high}"

    def value_flags(self, record: Standing) -> str:
        return "; ".join(str(word) for _css, word, _title in data_flags(record))


class ProgressRaceTable(RankingTable):
    """The progress race: rank by the change of the published score since the last round."""

    change_rank = SortColumn(verbose_name=_("Progress rank"), sort_field="change_rank",
                             attrs={"td": {"class": "rank-cell fw-semibold"}})  # fmt: skip
    previous_score = SortColumn(verbose_name=_("Previous score"), sort_field="previous_score",
                                attrs=NUMERIC)  # fmt: skip

    class Meta(RankingTable.Meta):
        sequence = ("change_rank", "region", "code", "parent", "previous_score", "score",
                    "change", "rank_change", "level")  # fmt: skip

    def __init__(self, *args, in_parent: bool = False, in_class: bool = False, **kwargs):
        super().__init__(*args, **kwargs)

    def value_previous_score(self, value: float | None) -> float | None:
        return _published(value, self.precision)


def table_for(
    read: RankingRequest, *, race: Race | None = None, profile_links: bool = True, **options
) -> RankingTable:
    """The table of `race` (the request's by default) over every row of the ranking."""
    result = read.result
    race = race or result.race
    progress = race.race == RACE_PROGRESS
    table_class = ProgressRaceTable if progress else LevelRaceTable
    rows = result.rows if race == result.race else result.for_race(race)
    if result.comparison != Comparison.OK:  # the stored changes do not compare with anything
        options.setdefault("exclude", ("rank_change", "change"))
    return table_class(
        rows,
        round_id=result.round.pk,
        precision=result.precision,
        change_precision=result.change_precision,
        areas=[] if progress else result.nodes.areas,
        levels=result.levels,
        intervals=result.shows_intervals and not progress,
        profile_links=profile_links,
        in_parent=read.parent is not None,
        in_class=read.filters.class_slot is not None,
        **options,
    )


def sorted_rows(read: RankingRequest, sort: str) -> QuerySet[Standing]:
    """The ranking's rows in the order its table shows them with `?sort=` (for exports)."""
    table = table_for(read, profile_links=False)
    if sort:
        table.order_by = sort  # django-tables2 orders its data (SortColumn.order) in SQL
    return table.data.data
