"""Admin for regions, memberships (who holds which role where) and classification schemes."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessment.core.files import content_disposition
from assessment.regions.classifications import classes_workbook, read_classes, replace_classes
from assessment.regions.models import Classification, Membership, Region, RegionClass

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


class ClassesUploadForm(forms.Form):
    workbook = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        help_text=_(
            "First sheet, one region per row: column A the six-digit region code, column B "
            "its class. A header row is allowed. The file replaces the scheme's classes."
        ),
    )


@admin.register(Classification)
class ClassificationAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "region_count")
    search_fields = ("code", "name_zh", "name_en")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(regions=Count("members"))

    @admin.display(description=_("regions"), ordering="regions")
    def region_count(self, obj: Classification) -> int:
        return obj.regions

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<int:object_id>/import/",
                self.admin_site.admin_view(self.import_view),
                name=f"{prefix}_import",
            ),
            path(
                "<int:object_id>/export/",
                self.admin_site.admin_view(self.export_view),
                name=f"{prefix}_export",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Upload a region → class workbook: checked whole, written only when clean."""
        scheme = get_object_or_404(Classification, pk=object_id)
        if not self.has_change_permission(request, scheme):
            return HttpResponse(status=403)
        form = ClassesUploadForm(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["workbook"]
            sheet = read_classes(upload, upload.size)
            if sheet.ok:
                count = replace_classes(scheme, sheet.rows)
                message = gettext("%(count)s regions classified from %(file)s.") % {
                    "count": count, "file": upload.name[:80],
                }  # fmt: skip
                self.log_change(request, scheme, message)
                self.message_user(request, message, messages.SUCCESS)
                return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                                scheme.pk)  # fmt: skip
            problems = sheet.problems
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "scheme": scheme,
            "form": form,
            "problems": problems,
            "title": gettext("Import classes from Excel"),
        }
        status = 400 if problems or (request.method == "POST" and not form.is_valid()) else 200
        return TemplateResponse(
            request, "admin/regions/classification/import.html", context, status=status
        )

    def export_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        scheme = get_object_or_404(Classification, pk=object_id)
        if not self.has_view_permission(request, scheme):
            return HttpResponse(status=403)
        response = HttpResponse(classes_workbook(scheme), content_type=XLSX)
        name = f"分类方案-{scheme.code}.xlsx"
        response["Content-Disposition"] = content_disposition(name, f"classes-{scheme.code}.xlsx")
        return response


@admin.register(RegionClass)
class RegionClassAdmin(admin.ModelAdmin):
    list_display = ("region", "label", "classification")
    list_filter = ("classification", "label")
    search_fields = ("region__code", "region__name", "label")
    autocomplete_fields = ("region",)
    list_select_related = ("region", "classification")
