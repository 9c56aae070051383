"""What a ranking shows: which regions (`RankingFilter`, a django-filter FilterSet over the
ranking read model) and what they race on (`RaceForm`: the race, the area to rank by, the
region the trend charts follow). `ranking_for` reads the ranking of a request's parameters.

An export builds both from the same GET parameters as the page, so it holds exactly the
page's rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import F, IntegerField, Q, Value
from django.forms.renderers import Jinja2
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import Round
from assessment.dashboards.selectors.ranking import (
    OVERALL,
    RACE_PROGRESS,
    RACE_SCORE,
    Race,
    Ranking,
    ranking,
)
from assessment.regions.models import RegionLevel
from assessment.results.models import Standing
from assessment.results.models.standings import class_fields
from assessment.results.selectors.nodes import LevelInfo, NodeInfo, maturity_levels, system_nodes
from assessment.results.services.classes import scheme_names

RACES = [(RACE_SCORE, _("Level race (score)")), (RACE_PROGRESS, _("Progress race (change)"))]
PARENT_LEVEL = {RegionLevel.COUNTY: RegionLevel.CITY, RegionLevel.CITY: RegionLevel.PROVINCE}
LEVEL_PREFERENCE = (RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.PROVINCE)
SELECT = {"class": "form-select form-select-sm"}


class JinjaRenderedForm(forms.Form):
    """A form whose widgets Django renders with its Jinja2 form renderer: a national county
    ranking's parent-region select has 333 options, which Django's template language draws
    one template render per option."""

    default_renderer = Jinja2()


class RankingSelect(forms.Select):
    """A select whose options are written inline by its template (dashboards/select.html)."""

    template_name = "dashboards/select.html"


def default_level(round_: Round) -> str:
    """Cities first: the level every provincial round ranks."""
    return next((level for level in LEVEL_PREFERENCE if level in round_.levels), RegionLevel.CITY)


class RankingFilter(django_filters.FilterSet):
    """The regions of a ranking: one level, optionally one parent region and one maturity
    level, among the regions the user may see (`visibility`, a Q on region codes)."""

    level = django_filters.ChoiceFilter(
        field_name="region_level", label=_("Level"), empty_label=None,
        widget=RankingSelect(attrs=SELECT),
    )  # fmt: skip
    parent = django_filters.ChoiceFilter(
        field_name="parent_id", label=_("Parent region"), empty_label=_("All"),
        widget=RankingSelect(attrs=SELECT),
    )  # fmt: skip
    maturity = django_filters.ChoiceFilter(
        field_name="maturity__code", label=_("Maturity level"), empty_label=_("All"),
        widget=RankingSelect(attrs=SELECT),
    )  # fmt: skip
    peer_class = django_filters.ChoiceFilter(
        label=_("Peer class"), empty_label=_("All"), method="filter_peer_class",
        widget=RankingSelect(attrs=SELECT),
    )  # fmt: skip

    class Meta:
        model = Standing
        fields: list[str] = []
        form = JinjaRenderedForm

    def __init__(self, data, *, round_: Round, visibility: Q, levels: list[LevelInfo]):
        data = data.copy()
        if data.get("level") not in round_.levels:  # missing or invalid: the page's default
            data["level"] = default_level(round_)
        self.round = round_
        self.level = data["level"]
        self.visibility = visibility
        visible = Standing.objects.filter(visibility, round=round_)
        super().__init__(data, queryset=visible)
        level_names = dict(RegionLevel.choices)
        self.filters["level"].extra["choices"] = [
            (level, level_names[level]) for level in RegionLevel.values if level in round_.levels
        ]
        self.filters["maturity"].extra["choices"] = [(lv.code, lv.label) for lv in levels]
        # The parents of the ranked regions the user may see (one query). A callable: the form
        # keeps it as it is instead of deep-copying the list of choices.
        parents = list(
            visible.filter(region_level=self.level, parent__isnull=False)
            .values_list("parent_id", "parent_name")
            .distinct()
            .order_by("parent_id")
        )
        self.filters["parent"].extra["choices"] = lambda: parents
        classes = class_choices(round_, visible.filter(region_level=self.level))
        self.filters["peer_class"].extra["choices"] = lambda: classes

    def filter_peer_class(self, queryset, name, value):
        return queryset.filter(in_class(value))

    def filter_queryset(self, queryset):
        """The filtered rows, annotated with their rank in the chosen class (`class_rank`,
        NULL without one) for the table's rank-in-class column."""
        slot = self.class_slot
        rank = F(class_fields(slot)[1]) if slot is not None else Value(None, IntegerField())
        return super().filter_queryset(queryset).annotate(class_rank=rank)

    @property
    def class_slot(self) -> int | None:
        """The 0-based slot of the class filtered on, if any."""
        value = self.form.cleaned_data.get("peer_class") if self.is_valid() else None
        return int(value.partition(":")[0]) - 1 if value else None

    def region_filter(self) -> Q:
        """The regions of this filter whatever their maturity level, as a Q on Standing (the
        level distribution counts every level)."""
        regions = self.visibility & Q(region_level=self.level)
        parent = self.form.cleaned_data.get("parent") if self.is_valid() else None
        if parent:
            regions &= Q(parent_id=parent)
        peer_class = self.form.cleaned_data.get("peer_class") if self.is_valid() else None
        if peer_class:
            regions &= in_class(peer_class)
        return regions


def in_class(value: str) -> Q:
    """The standings in the class a `peer_class` choice ("slot:class") names."""
    slot, _, label = value.partition(":")
    return Q(**{class_fields(int(slot) - 1)[0]: label})


def class_choices(round_: Round, standings) -> list[tuple[str, str]]:
    """The classes of the ranked regions per scheme the round was computed with ("slot:class",
    "scheme：class"): one query, none when the round ranks in no class."""
    schemes = scheme_names(round_)
    if not schemes:
        return []
    fields = [class_fields(slot)[0] for slot in range(len(schemes))]
    present: list[set[str]] = [set() for _ in fields]
    for labels in standings.values_list(*fields).distinct().order_by():
        for slot, label in enumerate(labels):
            if label:
                present[slot].add(label)
    return [
        (f"{slot + 1}:{label}", f"{name}：{label}")
        for slot, name in enumerate(schemes)
        for label in sorted(present[slot])
    ]


class RaceForm(JinjaRenderedForm):
    """What the filtered regions race on, and the region the trend charts follow."""

    race = forms.ChoiceField(label=_("Race"), choices=RACES, required=False)
    rank_by = forms.ChoiceField(label=_("Rank by"), required=False,
                                widget=RankingSelect(attrs=SELECT))  # fmt: skip
    focus = forms.CharField(label=_("Follow region"), required=False, max_length=6,
                            widget=forms.HiddenInput)  # fmt: skip

    def __init__(self, data, *, areas: list[NodeInfo]):
        super().__init__(data)
        self.fields["rank_by"].choices = [
            (OVERALL, _("Overall score")),
            *((a.code, f"{a.code} {a.name}") for a in areas),
        ]

    def chosen_race(self) -> Race:
        """The race asked for (invalid choices fall back to the level race by score)."""
        self.is_valid()  # an invalid field is left out of cleaned_data: its default applies
        race = self.cleaned_data.get("race") or RACE_SCORE
        return Race(race=race, rank_by=self.cleaned_data.get("rank_by") or OVERALL)

    def followed(self) -> str | None:
        self.is_valid()
        return self.cleaned_data.get("focus") or None


@dataclass
class RankingRequest:
    """A ranking read for a request's GET parameters: the filter, the race form, the ranking."""

    filters: RankingFilter
    race_form: RaceForm
    result: Ranking

    @property
    def focus(self) -> str | None:
        return self.race_form.followed()

    @property
    def parent(self) -> str | None:
        """The parent region the filter narrows to, if any."""
        return self.filters.form.cleaned_data.get("parent") or None


def with_home(params: QueryDict, round_: Round, home: str | None) -> QueryDict:
    """The ranking parameters with a user's natural peers as the default: a city's supervisor
    (`results.access.ranking_home`) lands on the city's counties, ranked within the city and,
    in the rank column, among all counties. Explicit parameters win."""
    if home is None or "level" in params or RegionLevel.COUNTY not in round_.levels:
        return params
    params = params.copy()
    params["level"], params["parent"] = RegionLevel.COUNTY, home
    return params


def ranking_for(params, round_: Round, *, visibility: Q, public: bool = False) -> RankingRequest:
    """Parse the filter and the race from GET parameters and read the ranking (three queries
    besides the rows: the tree, the levels, the comparable rounds). The page and every export
    of it call this with the same parameters, so they hold the same rows."""
    nodes = system_nodes(round_.system)
    levels = maturity_levels(round_.system)
    filters = RankingFilter(params, round_=round_, visibility=visibility, levels=levels)
    race_form = RaceForm(params, areas=nodes.areas)
    result = ranking(round_=round_, rows=filters.qs, race=race_form.chosen_race(),
                     level=filters.level, nodes=nodes, levels=levels, public=public)  # fmt: skip
    return RankingRequest(filters, race_form, result)
