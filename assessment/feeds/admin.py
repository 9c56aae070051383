"""Raw feeds and the population table in the admin: read-only (they are written by the feed
pages, which check and audit every value; an administrator may delete an old file)."""

from django.contrib import admin

from assessment.core.admin import ReadOnlyAdmin
from assessment.feeds.models import Population, RawFeed


@admin.register(Population)
class PopulationAdmin(ReadOnlyAdmin):
    list_display = ("region", "year", "people")
    list_filter = ("year",)
    search_fields = ("region__code", "region__name")
    list_select_related = ("region",)


@admin.register(RawFeed)
class RawFeedAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "round", "indicator", "source_name", "original_name",
                    "aggregation", "status", "uploaded_by")  # fmt: skip
    list_filter = ("status", "aggregation")
    search_fields = ("original_name", "source_name", "indicator__code")
    list_select_related = ("round", "indicator", "uploaded_by")
    exclude = ("file",)  # the raw file is not served: it may hold personal data
