"""Admin for computed results (read-only: the compute step writes them)."""

from __future__ import annotations

from django.contrib import admin

from assessment.results.models import Result


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    """Results are written by the compute step only; the admin shows them for checking."""

    list_display = ("round", "region", "indicator", "kind", "score", "rank", "level", "flags")
    list_filter = ("round", "kind")
    search_fields = ("region__code", "region__name")
    list_select_related = ("round", "region", "indicator", "level")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
