"""Departments are registered here by an administrator, with their staff; appeals and
department tasks are read here (they are written by the appeal pages, which check and audit)."""

from django.contrib import admin

from assessment.appeals.models import Appeal, Department, DepartmentTask
from assessment.core.admin import ReadOnlyAdmin


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")
    filter_horizontal = ("members",)


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ("filed_at", "round", "region", "indicator", "category", "status", "outcome")
    list_filter = ("status", "category", "outcome")
    list_select_related = ("round", "region", "indicator")


@admin.register(DepartmentTask)
class DepartmentTaskAdmin(ReadOnlyAdmin):
    list_display = ("opened_at", "department", "region", "indicator", "status", "resolved_at")
    list_filter = ("status", "department")
    list_select_related = ("department", "region", "indicator")
