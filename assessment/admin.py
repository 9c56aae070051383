"""Admin for regions, memberships, rounds and what hangs off them."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessment.models import (
    AuditEntry,
    Evidence,
    Extension,
    ImportBatch,
    Membership,
    Practice,
    PracticeInvitation,
    RectificationTask,
    Region,
    Result,
    ReviewComment,
    Round,
    Submission,
    TaskEvent,
    Value,
)
from assessment.services.compute import ComputeError, compute_round
from indicators.models import IndicatorSystem, SystemStatus


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "region", "role")
    list_filter = ("role", "region__level")
    search_fields = ("user__username", "region__code", "region__name")
    autocomplete_fields = ("user", "region")
    list_select_related = ("user", "region")


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("name", "period", "system", "scope", "status", "opens_at", "closes_at")
    list_filter = ("status", "system")
    search_fields = ("name", "period")
    autocomplete_fields = ("scope",)
    readonly_fields = ("computed_at", "compute_notes", "published_at", "created_at")
    list_select_related = ("system", "scope")
    actions = ["compute_results"]

    @admin.action(description=_("Compute results of the selected rounds"))
    def compute_results(self, request, queryset):
        for round_ in queryset.select_related("system", "scope"):
            try:
                report = compute_round(round_=round_)
            except ComputeError as error:
                self.message_user(request, f"{round_}: {error}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("%(round)s: %(results)s results for %(regions)s regions.")
                    % {"round": round_, "results": report.results, "regions": report.regions},
                )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "system":
            kwargs["queryset"] = IndicatorSystem.objects.filter(status=SystemStatus.PUBLISHED)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the audited services (entry form, review, import)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "round", "uploaded_by", "original_name", "status")
    list_filter = ("status",)
    list_select_related = ("round", "uploaded_by")
    exclude = ("problems",)


class TaskEventInline(admin.TabularInline):
    """Read-only: the log is written by the task services only."""

    model = TaskEvent
    extra = 0
    fields = ("at", "actor", "action", "from_status", "to_status", "text", "percent")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RectificationTask)
class RectificationTaskAdmin(ReadOnlyAdmin):
    """Tasks change through their pages (answer, done, verify, reopen), which log each step."""

    list_display = ("round", "region", "title", "status", "due_date", "origin", "score")
    list_filter = ("status", "origin", "round")
    search_fields = ("region__code", "region__name", "title")
    list_select_related = ("round", "region")
    raw_id_fields = ("region",)
    inlines = [TaskEventInline]


@admin.register(Practice)
class PracticeAdmin(ReadOnlyAdmin):
    list_display = ("title", "region", "indicator", "round", "status", "created_at")
    list_filter = ("status", "round")
    search_fields = ("title", "region__code", "region__name")
    list_select_related = ("region", "indicator", "round")


@admin.register(PracticeInvitation)
class PracticeInvitationAdmin(ReadOnlyAdmin):
    list_display = ("region", "indicator", "round", "invited_by", "invited_at")
    list_select_related = ("region", "indicator", "round", "invited_by")
