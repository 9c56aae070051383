"""The administrator's form for a round's verification policy."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import Round
from assessment.verification.models import Requirement, VerificationPolicy

DEFAULTED = ("tolerance_points", "tolerance_share", "penalty_factor")


class PolicyForm(forms.ModelForm):
    indicator_codes = forms.MultipleChoiceField(
        label=_("Indicators to verify"),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select form-select-sm", "size": 6}),
    )

    class Meta:
        model = VerificationPolicy
        fields = ["requirement", "indicator_codes", "supervisors_verify", "overstatement",
                  "tolerance_points", "tolerance_share", "penalty_factor"]  # fmt: skip
        number = {"class": "form-control form-control-sm", "inputmode": "decimal"}
        widgets = {
            "requirement": forms.Select(attrs={"class": "form-select form-select-sm"}),
            "supervisors_verify": forms.CheckboxInput(attrs={"class": "form-check-input"}),
            "overstatement": forms.CheckboxInput(attrs={"class": "form-check-input"}),
            "tolerance_points": forms.NumberInput(attrs={**number, "step": "0.1"}),
            "tolerance_share": forms.NumberInput(attrs={**number, "step": "0.01"}),
            "penalty_factor": forms.NumberInput(attrs={**number, "step": "0.1"}),
        }

    def __init__(self, *args, round_: Round, **kwargs):
        super().__init__(*args, **kwargs)
        leaves = round_.system.indicators.exclude(value_type="").order_by("order")
        self.fields["indicator_codes"].choices = [
            (leaf.code, f"{leaf.code} {leaf.name}") for leaf in leaves
        ]
        for name in DEFAULTED:  # left empty: the default
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("requirement") == Requirement.LISTED and not cleaned.get("indicator_codes"):
            self.add_error("indicator_codes", _("Choose the indicators that must be verified."))
        if cleaned.get("requirement") != Requirement.LISTED:
            cleaned["indicator_codes"] = []
        for name in DEFAULTED:
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = VerificationPolicy._meta.get_field(name).get_default()
        return cleaned


#: A sampling sheet holds at most this many items (the assessments sample 30–100).
MAX_SAMPLES = 200
COUNTS, DOES_NOT_COUNT = "yes", "no"


class SampleItemForm(forms.Form):
    """One row of a sampling sheet; an empty row is ignored."""

    label = forms.CharField(
        label=_("Item"), max_length=200, required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )  # fmt: skip
    counts = forms.ChoiceField(
        label=_("Counts toward the rate"),
        required=False,
        choices=[("", "—"), (COUNTS, _("Counts")), (DOES_NOT_COUNT, _("Does not count"))],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )  # fmt: skip

    @property
    def filled(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in ("label", "counts", "note"))

    def clean(self):
        cleaned = super().clean()
        if any(cleaned.get(name) for name in ("label", "counts", "note")):
            if not cleaned.get("label"):
                self.add_error("label", _("Name the item checked."))
            if not cleaned.get("counts"):
                self.add_error("counts", _("Say whether it counts."))
        return cleaned


SampleFormSet = forms.formset_factory(
    SampleItemForm, extra=0, max_num=MAX_SAMPLES, validate_max=True, absolute_max=MAX_SAMPLES
)


class SampleSheetForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=1000, required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )  # fmt: skip
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
