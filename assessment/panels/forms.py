"""Forms of the panel pages: setting the panel up, seating experts, assigning by hand, scoring a
cell (a level, or a mystery-shopping checklist step by step), adjudicating one."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import RoundStatus
from assessment.core.forms import ScreenshotField
from assessment.panels.checklists import RecordedStep
from assessment.panels.models import LEVELS, Panel
from assessment.regions.models import Region
from indicators.engine.checklist import Checklist

SMALL = {"class": "form-control form-control-sm"}
SELECT = {"class": "form-select form-select-sm"}
JUSTIFICATION_MAX = 1000
LEVEL_CHOICES = [(level, f"L{level}") for level in LEVELS]


class PanelForm(forms.ModelForm):
    indicator_codes = forms.MultipleChoiceField(
        label=_("Expert-scored indicators"),
        widget=forms.SelectMultiple(attrs={**SELECT, "size": 8}),
    )
    reason = forms.CharField(
        label=_("Why the panel changes after publication"), required=False, max_length=500,
        widget=forms.TextInput(attrs=SMALL),
    )  # fmt: skip

    class Meta:
        model = Panel
        fields = ["indicator_codes", "experts_per_cell", "rule", "spread", "due_at",
                  "show_self_assessment"]  # fmt: skip
        widgets = {
            "due_at": forms.DateTimeInput(
                attrs={**SMALL, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "experts_per_cell": forms.NumberInput(attrs={**SMALL, "min": 1, "max": 5}),
            "rule": forms.Select(attrs=SELECT),
            "spread": forms.NumberInput(attrs={**SMALL, "min": 1, "max": 5}),
            "show_self_assessment": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }

    def __init__(self, *args, round_, leaves, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round_
        self.fields["indicator_codes"].choices = [
            (leaf.code, f"{leaf.code} {leaf.name}") for leaf in leaves
        ]

    def clean(self):
        data = super().clean()
        if self.round.status == RoundStatus.PUBLISHED and not data.get("reason", "").strip():
            self.add_error("reason", _("The round's results are published: say why the panel "
                                       "changes."))  # fmt: skip
        return data


class ExpertForm(forms.Form):
    username = forms.CharField(
        label=_("Username"), max_length=150, widget=forms.TextInput(attrs=SMALL)
    )
    home_region = forms.CharField(
        label=_("Home region (code)"), max_length=6, required=False,
        help_text=_("The expert never scores this region or a region below it."),
        widget=forms.TextInput(attrs={**SMALL, "inputmode": "numeric", "placeholder": "330100"}),
    )  # fmt: skip

    def clean_username(self):
        user = (
            get_user_model()
            .objects.filter(username=self.cleaned_data["username"], is_active=True)
            .first()
        )
        if user is None:
            raise forms.ValidationError(_("No active user has this username."))
        return user

    def clean_home_region(self) -> Region | None:
        code = self.cleaned_data["home_region"].strip()
        if not code:
            return None
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise forms.ValidationError(_("No region has the code %(code)s.") % {"code": code})
        return region


class HandAssignForm(forms.Form):
    expert = forms.ModelChoiceField(queryset=None, label=_("Expert"),
                                    widget=forms.Select(attrs=SELECT))  # fmt: skip
    region = forms.CharField(
        label=_("Regions under (code)"), max_length=6, min_length=6,
        widget=forms.TextInput(attrs={**SMALL, "inputmode": "numeric", "placeholder": "330100"}),
    )  # fmt: skip
    indicators = forms.MultipleChoiceField(
        label=_("Indicators"), required=False,
        widget=forms.SelectMultiple(attrs={**SELECT, "size": 4}),
    )  # fmt: skip

    def __init__(self, *args, panel: Panel, leaves, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = panel.experts.select_related("user")
        self.fields["expert"].label_from_instance = lambda seat: seat.user.get_username()
        self.fields["indicators"].choices = [(leaf.code, leaf.code) for leaf in leaves]

    def clean_region(self) -> str:
        code = self.cleaned_data["region"]
        if not Region.objects.filter(code=code).exists():
            raise forms.ValidationError(_("No region has the code %(code)s.") % {"code": code})
        return code


class ScoreForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("Level"), choices=LEVEL_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    justification = forms.CharField(
        label=_("Justification"), max_length=JUSTIFICATION_MAX,
        widget=forms.Textarea(attrs={**SMALL, "rows": 3}),
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)


WORKED, FAILED = "yes", "no"


class MinutesField(forms.DecimalField):
    """Minutes in digits 0–9: Python reads "١٢" as 12, but what a researcher typed that way
    is more likely a slip than a number; asked again, as for any other non-number."""

    def to_python(self, value):
        if value not in self.empty_values and not str(value).isascii():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class ChecklistForm(forms.Form):
    """A mystery-shopping checklist: for each step whether it worked, the minutes it took
    (needed where the step has a time limit and worked), a note and a screenshot; then the
    justification. The level is not asked: it follows from the steps."""

    justification = forms.CharField(
        label=_("Justification"), max_length=JUSTIFICATION_MAX,
        widget=forms.Textarea(attrs={**SMALL, "rows": 3}),
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)

    def __init__(self, *args, checklist: Checklist, **kwargs):
        super().__init__(*args, **kwargs)
        self.checklist = checklist
        for position in range(1, len(checklist.steps) + 1):
            self.fields[f"done_{position}"] = forms.ChoiceField(
                label=_("Step %(n)s worked") % {"n": position},
                choices=[(WORKED, _("Worked")), (FAILED, _("Did not work"))],
                widget=forms.RadioSelect,
                error_messages={"required": _("Say whether this step worked.")},
            )
            self.fields[f"minutes_{position}"] = MinutesField(
                label=_("Minutes taken"), required=False, min_value=0, max_value=9999,
                decimal_places=1, max_digits=6,
                widget=forms.NumberInput(attrs={**SMALL, "step": "0.5", "inputmode": "decimal"}),
            )  # fmt: skip
            self.fields[f"note_{position}"] = forms.CharField(
                label=_("What happened"), max_length=500, required=False,
                widget=forms.TextInput(attrs=SMALL),
            )  # fmt: skip
            self.fields[f"screenshot_{position}"] = ScreenshotField(label=_("Screenshot"))

    def step_fields(self) -> list[tuple[int, object, list]]:
        """(position, step, [done, minutes, note, screenshot] bound fields) for the template."""
        return [
            (position, step, [self[f"{name}_{position}"]
                              for name in ("done", "minutes", "note", "screenshot")])
            for position, step in enumerate(self.checklist.steps, 1)
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        for position, step in enumerate(self.checklist.steps, 1):
            done = cleaned.get(f"done_{position}") == WORKED
            if done and step.minutes is not None and cleaned.get(f"minutes_{position}") is None:
                self.add_error(
                    f"minutes_{position}",
                    _("This step has a time limit of %(minutes)s minutes: record how long it "
                      "took.") % {"minutes": f"{step.minutes:g}"},
                )  # fmt: skip
        return cleaned

    def recorded_steps(self) -> list[RecordedStep]:
        data = self.cleaned_data
        return [
            RecordedStep(
                position=position,
                done=data[f"done_{position}"] == WORKED,
                minutes=data.get(f"minutes_{position}"),
                note=data.get(f"note_{position}") or "",
                screenshot=data.get(f"screenshot_{position}"),
            )
            for position in range(1, len(self.checklist.steps) + 1)
        ]


def checklist_initial(score, records) -> dict:
    """The form's values from what the expert saved before (`records`: step_records)."""
    initial = {"justification": score.justification, "version": score.version}
    for item in records:
        if item.record is not None:
            initial[f"done_{item.position}"] = WORKED if item.record.done else FAILED
            initial[f"minutes_{item.position}"] = item.record.minutes
            initial[f"note_{item.position}"] = item.record.note
    return initial


class AdjudicateForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("Final level"), choices=LEVEL_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=JUSTIFICATION_MAX,
        widget=forms.Textarea(attrs={**SMALL, "rows": 3}),
    )  # fmt: skip
