from django.contrib import admin

from assessment.notifications.models import Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notifications are written by the events that cause them."""

    list_display = ["id", "recipient", "kind", "title", "region_code", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username", "region_code"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_immediately", "daily_digest", "updated_at"]
    search_fields = ["user__username"]
