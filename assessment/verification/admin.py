from django.contrib import admin

from assessment.verification.models import Verification


@admin.register(Verification)
class VerificationAdmin(admin.ModelAdmin):
    list_display = ("submission", "indicator", "self_value", "verified_value", "reason",
                    "verified_by", "verified_at")  # fmt: skip
    list_filter = ("reason", "submission__round")
    search_fields = ("submission__region__name", "indicator__code")
    readonly_fields = [field.name for field in Verification._meta.fields]

    def has_add_permission(self, request):
        return False
