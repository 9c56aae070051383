"""Admin for indicator systems, usable by a non-programmer.

The indicator list is shown as an indented tree with codes, each node's share among its
siblings and its points out of 100, so weights can be checked by eye. Published systems are
read-only here (and in model validation); "New version from this one" makes an editable copy.
A draft's weights can also come from experts' pairwise comparisons: its "AHP weights" page
(``indicators/ahp/``).
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators.ahp.views import ahp_weights
from indicators.models import Indicator, IndicatorSystem, LevelGate, MaturityLevel
from indicators.services import system_new_version, system_publish, tree_rows


class LockedWhenPublishedMixin:
    """Read-only admin for rows of a published system, with a message saying why."""

    def system_of(self, obj) -> IndicatorSystem | None:
        raise NotImplementedError

    def _editable(self, obj) -> bool:
        system = self.system_of(obj) if obj is not None else None
        return system is None or system.is_editable

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and not self._editable(obj):
            system = self.system_of(obj)
            messages.warning(request, system.locked_error().messages[0])
        return super().change_view(request, object_id, form_url, extra_context)


class MaturityLevelInline(admin.TabularInline):
    model = MaturityLevel
    extra = 0
    fields = ("order", "code", "name_zh", "name_en", "min_score", "gate_min_area", "color")
    show_change_link = True

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.is_editable

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


def plain(value: Decimal) -> str:
    """A decimal as people write it: 30, 2.5 (Decimal.normalize alone gives 3E+1)."""
    return format(value.normalize(), "f")


@admin.register(IndicatorSystem)
class IndicatorSystemAdmin(LockedWhenPublishedMixin, admin.ModelAdmin):
    list_display = ("code", "version", "name_zh", "status", "published_at", "based_on")
    list_filter = ("status",)
    search_fields = ("code", "name_zh", "name_en")
    readonly_fields = ("status", "published_at", "based_on", "indicator_tree")
    inlines = [MaturityLevelInline]
    actions = ["publish", "new_version"]
    fieldsets = (
        (None, {"fields": ("code", "version", "name_zh", "name_en", "status", "published_at")}),
        (_("Description"), {"fields": ("description_zh", "description_en", "based_on")}),
        (_("Indicator tree"), {"fields": ("indicator_tree",)}),
    )

    def system_of(self, obj):
        return obj

    def get_urls(self):
        def ahp(request: HttpRequest, object_id: str):
            return ahp_weights(self, request, object_id)

        name = f"{self.opts.app_label}_{self.opts.model_name}_ahp"
        view = self.admin_site.admin_view(ahp)
        return [path("<path:object_id>/ahp/", view, name=name), *super().get_urls()]

    @admin.display(description=_("indicators (share among siblings · points of 100)"))
    def indicator_tree(self, obj: IndicatorSystem) -> str:
        if obj.pk is None:
            return "—"
        rows = tree_rows(obj)
        return format_html(
            '<table class="indicator-tree"><thead><tr><th>{}</th><th>{}</th><th>{}</th>'
            "<th>{}</th></tr></thead><tbody>{}</tbody></table>",
            gettext("Indicator"),
            gettext("Weight"),
            gettext("Share"),
            gettext("Points"),
            format_html_join(
                "",
                '<tr><td style="padding-left:{}em"><code>{}</code> {}</td><td>{}</td>'
                "<td>{}%</td><td>{}</td></tr>",
                (
                    (
                        0.5 + 1.5 * row.depth,
                        row.indicator.code,
                        row.indicator.name_zh,
                        plain(row.indicator.weight),
                        f"{100 * row.share:.1f}",
                        f"{row.points:.2f}",
                    )
                    for row in rows
                ),
            ),
        )

    @admin.action(description=_("Publish the selected draft systems"))
    def publish(self, request: HttpRequest, queryset: QuerySet[IndicatorSystem]) -> None:
        for system in queryset:
            try:
                system_publish(system=system)
            except ValidationError as error:
                self.message_user(
                    request,
                    gettext("%(system)s was not published: %(problems)s")
                    % {"system": system, "problems": "; ".join(error.messages)},
                    messages.ERROR,
                )
            else:
                self.message_user(request, gettext("%(system)s published.") % {"system": system})

    @admin.action(description=_("New version from this one (editable draft copy)"))
    def new_version(self, request: HttpRequest, queryset: QuerySet[IndicatorSystem]) -> None:
        for system in queryset:
            copy = system_new_version(system=system)
            self.message_user(
                request, gettext("Created %(copy)s as a draft.") % {"copy": copy}, messages.SUCCESS
            )


class LevelGateInline(admin.TabularInline):
    model = LevelGate
    extra = 0
    autocomplete_fields = ("indicator",)

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.system.is_editable

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(MaturityLevel)
class MaturityLevelAdmin(LockedWhenPublishedMixin, admin.ModelAdmin):
    list_display = ("system", "order", "code", "name_zh", "min_score", "gate_min_area", "gate_list")
    list_filter = ("system",)
    inlines = [LevelGateInline]

    def system_of(self, obj):
        return obj.system

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("system")
            .prefetch_related("gates__indicator")
        )

    @admin.display(description=_("leaf gates"))
    def gate_list(self, obj: MaturityLevel) -> str:
        return ", ".join(f"{g.indicator.code} ≥ {plain(g.min_score)}" for g in obj.gates.all())


class TreeChangeList(ChangeList):
    """Attaches each listed indicator's share and points (one tree query per system shown)."""

    def get_results(self, request):
        super().get_results(request)
        rows_by_system: dict[int, dict[int, object]] = {}
        for obj in self.result_list:
            if obj.system_id not in rows_by_system:
                rows_by_system[obj.system_id] = {
                    row.indicator.pk: row for row in tree_rows(obj.system)
                }
            obj.tree_row = rows_by_system[obj.system_id][obj.pk]


@admin.register(Indicator)
class IndicatorAdmin(LockedWhenPublishedMixin, admin.ModelAdmin):
    list_display = (
        "tree_name",
        "weight",
        "sibling_share",
        "points",
        "value_type",
        "rule",
        "direction",
        "source",
        "evidence_required",
    )
    list_filter = ("system", "value_type", "rule", "source", "evidence_required")
    search_fields = ("code", "name_zh", "name_en")
    ordering = ("system", "order")
    list_per_page = 200
    fieldsets = (
        (None, {"fields": ("system", "parent", "code", "order", "weight")}),
        (_("Names"), {"fields": ("name_zh", "name_en")}),
        (
            _("Leaf: value and scoring"),
            {
                "fields": (
                    "value_type",
                    "source",
                    ("unit_zh", "unit_en"),
                    "direction",
                    ("min_value", "max_value"),
                    "rule",
                    ("floor", "target"),
                    "bands",
                    "rubric",
                    "checklist",
                    ("review_below", "review_above"),
                )
            },
        ),
        (
            _("Leaf: evidence and guidance"),
            {
                "fields": (
                    "evidence_required",
                    "evidence_kinds",
                    ("evidence_note_zh", "evidence_note_en"),
                    "guidance_zh",
                    "guidance_en",
                    "basis",
                )
            },
        ),
    )

    def system_of(self, obj):
        return obj.system

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("system", "parent")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only draft systems can take new or moved indicators.
        if db_field.name == "system":
            kwargs["queryset"] = IndicatorSystem.objects.filter(status="draft")
        if db_field.name == "parent":
            kwargs["queryset"] = Indicator.objects.filter(system__status="draft").select_related(
                "system"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changelist(self, request, **kwargs):
        return TreeChangeList

    @admin.display(description=_("indicator"), ordering="order")
    def tree_name(self, obj: Indicator) -> str:
        return format_html(
            '<span style="padding-left:{}em"><code>{}</code> {}</span>',
            1.5 * obj.depth,
            obj.code,
            obj.name_zh,
        )

    @admin.display(description=_("share among siblings"))
    def sibling_share(self, obj: Indicator) -> str:
        return f"{100 * obj.tree_row.share:.1f}%"

    @admin.display(description=_("points of 100"))
    def points(self, obj: Indicator) -> str:
        return f"{obj.tree_row.points:.2f}"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        siblings = Indicator.objects.filter(system=obj.system, parent=obj.parent)
        total = sum(s.weight for s in siblings)
        self.message_user(
            request,
            gettext("Sibling weights now total %(total)s; %(code)s has %(share).1f%% of its group.")
            % {"total": plain(total), "code": obj.code, "share": 100 * obj.weight / total},
        )
