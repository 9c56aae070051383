"""The upload form of the Excel import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    workbook = forms.FileField(label=_("Excel workbook (.xlsx)"))
    include_approved = forms.BooleanField(
        label=_("Also overwrite submitted and approved submissions (administrators only)"),
        required=False,
    )
