"""Admin for rectification notices, tasks and shared practices (read-only: services write them)."""

from __future__ import annotations

from django.contrib import admin

from assessment.core.admin import ReadOnlyAdmin
from assessment.rectification.models import (
    Practice,
    PracticeInvitation,
    RectificationNotice,
    RectificationTask,
    TaskEvent,
)


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


@admin.register(RectificationNotice)
class RectificationNoticeAdmin(ReadOnlyAdmin):
    """Issued at publication or with a task made by hand; the status follows the items."""

    list_display = ("round", "number", "region", "status", "issued_at")
    list_filter = ("status", "round")
    search_fields = ("region__code", "region__name")
    list_select_related = ("round", "region")


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
