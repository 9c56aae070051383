"""The administrator's form for a round's verification policy."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import Round
from assessment.verification.models import Requirement, VerificationPolicy


class PolicyForm(forms.ModelForm):
    indicator_codes = forms.MultipleChoiceField(
        label=_("Indicators to verify"),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select form-select-sm", "size": 6}),
    )

    class Meta:
        model = VerificationPolicy
        fields = ["requirement", "indicator_codes", "supervisors_verify"]
        widgets = {
            "requirement": forms.Select(attrs={"class": "form-select form-select-sm"}),
            "supervisors_verify": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }

    def __init__(self, *args, round_: Round, **kwargs):
        super().__init__(*args, **kwargs)
        leaves = round_.system.indicators.exclude(value_type="").order_by("order")
        self.fields["indicator_codes"].choices = [
            (leaf.code, f"{leaf.code} {leaf.name}") for leaf in leaves
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("requirement") == Requirement.LISTED and not cleaned.get("indicator_codes"):
            self.add_error("indicator_codes", _("Choose the indicators that must be verified."))
        if cleaned.get("requirement") != Requirement.LISTED:
            cleaned["indicator_codes"] = []
        return cleaned
