"""Admin for regions and memberships (who holds which role where)."""

from __future__ import annotations

from django.contrib import admin

from assessment.regions.models import Membership, Region


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
