"""Forms for administrators: a round's set-up and a region's deadline extension."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import Round
from assessment.collection.models.rounds import validate_round_year
from assessment.regions.models import (
    OUTSIDE_NATIONAL_ASSESSMENT,
    SCHEMES_PER_ROUND,
    Classification,
    Region,
    RegionLevel,
)
from indicators.models import IndicatorSystem, SystemStatus

UNKNOWN_REGION = _("No region has this code.")
UNKNOWN_REGIONS = _("No region has the code(s) %(codes)s.")
TOO_MANY_SCHEMES = _("Choose at most %(most)s classification schemes.")
DEFAULT_TASK_THRESHOLD = 60.0
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _datetime_field(label, *, required: bool = False) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        validators=[validate_round_year],
        input_formats=DATETIME_FORMATS,
        widget=DateTimeInput(attrs={"class": "form-control"}),
    )


class RegionCodeField(forms.CharField):
    """A six-digit region code in, a Region (or None when blank) out."""

    def __init__(self, **kwargs):
        super().__init__(max_length=6, **kwargs)

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        region = Region.objects.filter(code=code.strip()).first()
        if region is None:
            raise forms.ValidationError(UNKNOWN_REGION)
        return region


class RegionCodesField(forms.CharField):
    """Region codes separated by spaces, commas or new lines in, a list of known codes out."""

    widget = forms.Textarea(attrs={"rows": 2, "class": "form-control"})

    def clean(self, value):
        text = super().clean(value) or ""
        codes = list(dict.fromkeys(text.replace(",", " ").replace("，", " ").split()))
        if not codes:
            return []
        known = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise forms.ValidationError(UNKNOWN_REGIONS % {"codes": "、".join(unknown[:10])})
        return codes


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    period = forms.CharField(label=_("Period"), max_length=20)
    system = forms.ModelChoiceField(
        label=_("Indicator system"),
        queryset=IndicatorSystem.objects.filter(status=SystemStatus.PUBLISHED),
    )
    scope = RegionCodeField(
        label=_("Scope (code of the root region)"),
        required=False,
        help_text=_("Leave empty for a nationwide round, e.g. 330000 for Zhejiang."),
    )
    levels = forms.MultipleChoiceField(
        label=_("Participating levels"),
        choices=RegionLevel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    excluded = RegionCodesField(
        label=_("Excluded regions"),
        required=False,
        max_length=2000,
        help_text=_(
            "Codes of regions left out with everything below them. A nationwide round "
            "leaves out 710000 台湾, 810000 香港 and 820000 澳门 (31 provinces + 兵团)."
        ),
    )
    included = RegionCodesField(
        label=_("Also included"),
        required=False,
        max_length=2000,
        help_text=_("Codes of single regions outside the scope that take part as well."),
    )
    classifications = forms.ModelMultipleChoiceField(
        label=_("Classification schemes"),
        queryset=Classification.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ranks are also given within each class of these schemes (at most 3)."),
    )
    opens_at = _datetime_field(_("Opens at"))
    closes_at = _datetime_field(_("Closes at (deadline)"))
    previous = forms.ModelChoiceField(
        label=_("Previous round (for changes)"), queryset=Round.objects.all(), required=False
    )
    task_threshold = forms.FloatField(
        label=_("Rectification line"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_(
            "When the results are published, indicators and areas scoring below it become "
            "rectification tasks. Empty: 60."
        ),
    )

    monthly = forms.BooleanField(
        label=_("Continuous (monthly) ranking"),
        required=False,
        help_text=_(
            "Platform-fed values keep arriving after publication; each arrival recomputes the "
            "results and the ranking shows the latest snapshot with its date."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["excluded"].initial = " ".join(OUTSIDE_NATIONAL_ASSESSMENT)
        # A new round is scored with the newest published version of a system by default.
        newest = self.fields["system"].queryset.order_by("code", "-version").first()
        self.fields["system"].initial = newest.pk if newest else None

    def clean_classifications(self):
        chosen = list(self.cleaned_data.get("classifications") or [])
        if len(chosen) > SCHEMES_PER_ROUND:
            raise forms.ValidationError(TOO_MANY_SCHEMES % {"most": SCHEMES_PER_ROUND})
        return chosen

    def clean_task_threshold(self) -> float:
        value = self.cleaned_data.get("task_threshold")
        return DEFAULT_TASK_THRESHOLD if value is None else value

    @classmethod
    def for_round(cls, round_: Round, data=None) -> RoundForm:
        initial = {
            "name": round_.name,
            "period": round_.period,
            "system": round_.system_id,
            "scope": round_.scope_id or "",
            "levels": round_.levels,
            "excluded": " ".join(round_.excluded or []),
            "included": " ".join(round_.included or []),
            "classifications": list(round_.classifications.all()),
            "opens_at": round_.opens_at,
            "closes_at": round_.closes_at,
            "previous": round_.previous_id,
            "task_threshold": round_.task_threshold,
            "monthly": round_.monthly,
        }
        form = cls(data, initial=initial)
        form.fields["previous"].queryset = Round.objects.exclude(pk=round_.pk)
        return form


class ExtensionForm(forms.Form):
    region = RegionCodeField(label=_("Region code"))
    closes_at = _datetime_field(_("New deadline"), required=True)
    reason = forms.CharField(label=_("Reason"), max_length=1000)
