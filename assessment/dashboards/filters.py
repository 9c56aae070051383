"""The ranking filters (django-filter): level, parent region, maturity level, area to rank by,
race, and the region the trend charts follow.

The form validates the request; `to_query()` turns it into the `RankingQuery` the selector
takes, so an export (issue 6) builds the same filter from the same GET parameters and gets
exactly the rows the page shows. Level and parent filter the Region queryset (`qs`); the
other fields concern results, not regions, and are applied by the selector.
"""

from __future__ import annotations

from html import escape as escape_text

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import Round
from assessment.dashboards.selectors.ranking import OVERALL, RACE_PROGRESS, RACE_SCORE, RankingQuery
from assessment.regions.models import Region, RegionLevel
from assessment.results.selectors.nodes import LevelInfo, NodeInfo

RACES = [(RACE_SCORE, _("Level race (score)")), (RACE_PROGRESS, _("Progress race (change)"))]
PARENT_LEVEL = {RegionLevel.COUNTY: RegionLevel.CITY, RegionLevel.CITY: RegionLevel.PROVINCE}
LEVEL_PREFERENCE = (RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.PROVINCE)


def default_level(round_: Round) -> str:
    """Cities first: the level every provincial round ranks."""
    return next((level for level in LEVEL_PREFERENCE if level in round_.levels), RegionLevel.CITY)


class QuickSelect(forms.Select):
    """A select rendered in one pass instead of one template per option: the parent filter of
    a national ranking lists 333 cities, which Django's option template takes 15 ms to draw.
    Options are escaped with the standard library's escape (Django's adds lazy-string checks
    per call, which cost more than the escaping of 666 short texts)."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v}
        options = "".join(
            [
                f'<option value="{escape_text(key)}"{" selected" if key in chosen else ""}>'
                f"{escape_text(str(label))}</option>"
                for key, label in ((str(key), label) for key, label in self.choices)
            ]
        )
        return format_html(
            "<select{}>{}</select>", flatatt(final), mark_safe(options)
        )  # escaped above


def _keep(queryset: QuerySet, name: str, value) -> QuerySet:
    """Result filters change the rows the selector returns, not the regions."""
    return queryset


class RankingFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(label=_("Level"), empty_label=None, widget=QuickSelect)
    parent = django_filters.ChoiceFilter(
        field_name="parent_id", label=_("Parent region"), empty_label=_("All"), widget=QuickSelect
    )
    maturity = django_filters.ChoiceFilter(
        label=_("Maturity level"), empty_label=_("All"), method=_keep, widget=QuickSelect
    )
    rank_by = django_filters.ChoiceFilter(
        label=_("Rank by"), empty_label=None, method=_keep, widget=QuickSelect
    )
    race = django_filters.ChoiceFilter(
        label=_("Race"), choices=RACES, empty_label=None, method=_keep, widget=QuickSelect
    )
    focus = django_filters.CharFilter(
        label=_("Follow region"), method=_keep, widget=forms.HiddenInput
    )

    class Meta:
        model = Region
        fields: list[str] = []

    def __init__(
        self,
        data,
        *,
        round_: Round,
        visibility: Q,
        areas: list[NodeInfo],
        levels: list[LevelInfo],
    ):
        data = data.copy()
        for name, value in (("level", default_level(round_)), ("race", RACE_SCORE)):
            if not data.get(name):
                data[name] = value
        data.setdefault("rank_by", OVERALL)
        self.round = round_
        regions = Region.objects.filter(visibility)
        if round_.scope_id:
            regions = regions.filter(code__startswith=round_.scope.subtree_prefix)
        super().__init__(data, queryset=regions.filter(level__in=round_.levels))
        level_names = dict(RegionLevel.choices)
        self.filters["level"].extra["choices"] = [
            (level, level_names[level]) for level in RegionLevel.values if level in round_.levels
        ]
        self.filters["maturity"].extra["choices"] = [(lv.code, lv.label) for lv in levels]
        self.filters["rank_by"].extra["choices"] = [
            (OVERALL, _("Overall score")),
            *((a.code, f"{a.code} {a.name}") for a in areas),
        ]
        parent_level = PARENT_LEVEL.get(data.get("level"))
        parents = (
            list(regions.filter(level=parent_level).values_list("code", "name"))
            if parent_level
            else []
        )
        # A callable: the form deep-copies a list of choices (333 cities, 1.7k objects, per
        # request) but keeps a function as it is.
        self.filters["parent"].extra["choices"] = lambda: parents

        for name, form_field in self.form.fields.items():
            css = "form-select form-select-sm" if name != "focus" else ""
            form_field.widget.attrs.setdefault("class", css)

    def to_query(self, *, sort: str = "") -> RankingQuery:
        """The validated filter as a RankingQuery (an invalid field falls back to its default)."""
        self.form.is_valid()
        cleaned = self.form.cleaned_data
        return RankingQuery(
            round=self.round,
            level=cleaned.get("level") or default_level(self.round),
            parent=cleaned.get("parent") or None,
            maturity=cleaned.get("maturity") or None,
            rank_by=cleaned.get("rank_by") or OVERALL,
            race=cleaned.get("race") or RACE_SCORE,
            focus=cleaned.get("focus") or None,
            sort=sort,
        )
