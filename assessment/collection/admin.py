"""Admin for rounds, submissions and what hangs off them (values, evidence, audit, imports)."""

from __future__ import annotations

from django.contrib import admin

from assessment.collection.models import (
    AuditEntry,
    Chase,
    Evidence,
    Extension,
    ImportBatch,
    ReviewComment,
    Round,
    Submission,
    Value,
)
from assessment.core.admin import ReadOnlyAdmin
from indicators.models import IndicatorSystem, SystemStatus


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("name", "period", "system", "scope", "status", "opens_at", "closes_at")
    list_filter = ("status", "system")
    search_fields = ("name", "period")
    autocomplete_fields = ("scope",)
    readonly_fields = ("computed_at", "compute_notes", "published_at", "created_at")
    list_select_related = ("system", "scope")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "system":
            kwargs["queryset"] = IndicatorSystem.objects.filter(status=SystemStatus.PUBLISHED)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ValueInline(admin.TabularInline):
    """Read-only: values change through the entry form or the import, which audit each change
    and move the submission's version on (an edit here would bypass both)."""

    model = Value
    extra = 0
    fields = ("indicator", "value", "note", "updated_by", "updated_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("round", "region", "status", "version", "submitted_at", "reviewed_at")
    list_filter = ("status", "round")
    search_fields = ("region__code", "region__name")
    raw_id_fields = ("region",)
    readonly_fields = ("version", "updated_at")
    list_select_related = ("round", "region")
    inlines = [ValueInline]


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = ("submission", "closes_at", "reason", "granted_by", "granted_at")
    list_select_related = ("submission__round", "submission__region", "granted_by")
    search_fields = ("submission__region__code", "submission__region__name")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("submission", "indicator", "kind", "original_name", "size", "added_by")
    list_filter = ("kind",)
    list_select_related = ("submission__round", "submission__region", "indicator", "added_by")
    search_fields = ("submission__region__code", "original_name", "url")


@admin.register(ReviewComment)
class ReviewCommentAdmin(ReadOnlyAdmin):
    list_display = ("submission", "indicator", "author", "created_at", "text")
    list_select_related = ("submission__round", "submission__region", "indicator", "author")
    search_fields = ("submission__region__code", "text")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "submission", "actor", "action", "source", "indicator", "old", "new")
    list_filter = ("action", "source")
    list_select_related = ("submission__round", "submission__region", "actor", "indicator")
    search_fields = ("submission__region__code", "actor__username", "reason")
    date_hierarchy = "at"

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Chase)
class ChaseAdmin(ReadOnlyAdmin):
    """Reminders to submit (催报), one per region and day: written by the completeness page."""

    list_display = ("day", "submission", "chased_by", "at")
    list_select_related = ("submission__round", "submission__region", "chased_by")
    search_fields = ("submission__region__code", "submission__region__name")
    date_hierarchy = "at"


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "round", "uploaded_by", "original_name", "status")
    list_filter = ("status",)
    list_select_related = ("round", "uploaded_by")
    exclude = ("problems",)
