from django.contrib import admin

from assessment.panels.models import ExpertScore, Panel, PanelCell, PanelEvent, PanelExpert


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin):
    list_display = ("round", "experts_per_cell", "rule", "spread", "show_self_assessment")


@admin.register(PanelExpert)
class PanelExpertAdmin(admin.ModelAdmin):
    list_display = ("panel", "user", "home_region")
    raw_id_fields = ("user", "home_region")


@admin.register(PanelCell)
class PanelCellAdmin(admin.ModelAdmin):
    list_display = ("panel", "region", "indicator", "status", "final_level", "adjudicated")
    list_filter = ("status", "adjudicated")
    raw_id_fields = ("region", "indicator", "adjudicated_by")


@admin.register(ExpertScore)
class ExpertScoreAdmin(admin.ModelAdmin):
    list_display = ("cell", "expert", "level", "scored_at")
    raw_id_fields = ("cell", "expert")


@admin.register(PanelEvent)
class PanelEventAdmin(admin.ModelAdmin):
    list_display = ("panel", "cell", "actor", "action", "level", "at")
    raw_id_fields = ("cell", "actor")
