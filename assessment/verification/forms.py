"""Forms of verification: the round's policy, the sampling sheet, the verifier's evidence."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessment.collection.forms.entry import EvidenceFilesField, LinkField
from assessment.collection.models import Round
from assessment.core.forms import ScreenshotField
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
NOTHING_ATTACHED = _("Choose a file or enter a link.")


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
    screenshot = ScreenshotField(label=_("Screenshot"))
    # The position the row's item was saved at: its screenshot follows it to its new position.
    position = forms.Field(required=False, widget=forms.HiddenInput)

    @property
    def filled(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in ("label", "counts", "note", "screenshot"))

    def clean_position(self) -> int | None:
        return saved_position(self.cleaned_data["position"])

    def clean(self):
        cleaned = super().clean()
        if any(cleaned.get(name) for name in ("label", "counts", "note", "screenshot")):
            if not cleaned.get("label"):
                self.add_error("label", _("Name the item checked."))
            if not cleaned.get("counts"):
                self.add_error("counts", _("Say whether it counts."))
        return cleaned


def saved_position(text) -> int | None:
    """A sampled item's position as the sheet posts it back, or None (a new row; never an
    error: it only decides which saved screenshot follows the row)."""
    text = str(text or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 3):
        return None
    return int(text) if 0 < int(text) <= MAX_SAMPLES else None


SampleFormSet = forms.formset_factory(
    SampleItemForm, extra=0, max_num=MAX_SAMPLES, validate_max=True, absolute_max=MAX_SAMPLES
)


class SampleSheetForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=1000, required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )  # fmt: skip
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class VerifierEvidenceForm(forms.Form):
    """Files and/or a link a verifier attaches to one indicator; each file checked by content,
    size and name before anything is stored."""

    files = EvidenceFilesField(label=_("Files"))
    link = LinkField(label=_("Link"))

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("files") and not cleaned.get("link"):
            raise ValidationError(NOTHING_ATTACHED, code="empty")
        return cleaned
