from django.contrib import admin

from assessment.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: jobs change state only through their workers and their page."""

    list_display = ["id", "title", "kind", "state", "progress", "owner", "created_at",
                    "finished_at", "attempts", "worker"]  # fmt: skip
    list_filter = ["state", "kind"]
    search_fields = ["title", "key", "owner__username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
