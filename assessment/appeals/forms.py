"""Forms of the appeal cycle."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.appeals.models import Category, Department
from assessment.appeals.services import DEFAULT_WORKING_DAYS, EXEMPT, REJECT, appealable
from assessment.appeals.window import MAX_DAYS
from assessment.collection.forms.entry import EvidenceFilesField, LinkField
from assessment.collection.models import Round
from assessment.verification.services import CORRECT

STATEMENT_MAX = 4000
SELECT = {"class": "form-select"}
TEXT = {"class": "form-control"}


class ProvisionalForm(forms.Form):
    working_days = forms.IntegerField(
        label=_("Appeal window (working days)"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_WORKING_DAYS,
        help_text=_(
            "Counted from the day after publication; public holidays do not count and "
            "adjusted working days do."
        ),
        widget=forms.NumberInput(attrs=TEXT),
    )


class AppealForm(forms.Form):
    indicator = forms.TypedChoiceField(
        label=_("Indicator or area"), coerce=int, widget=forms.Select(attrs=SELECT)
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=Category.choices, widget=forms.Select(attrs=SELECT)
    )
    department = forms.ModelChoiceField(
        label=_("Responsible department"),
        queryset=Department.objects.all(),
        required=False,
        help_text=_("For a problem blocked upstream: the department that owns it."),
        widget=forms.Select(attrs=SELECT),
    )
    statement = forms.CharField(
        label=_("Statement"),
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={**TEXT, "rows": 5}),
    )
    files = EvidenceFilesField(label=_("Evidence files"))
    link = LinkField(label=_("Evidence link"), widget=forms.URLInput(attrs=TEXT))

    def __init__(self, *args, round_: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.nodes = {node.pk: node for node in appealable(round_)}
        self.fields["indicator"].choices = [
            (pk, f"{'' if node.is_leaf else '▸ '}{node.code} {node.name}")
            for pk, node in self.nodes.items()
        ]

    def clean(self):
        data = super().clean()
        if data.get("category") == Category.UPSTREAM and not data.get("department"):
            self.add_error("department", _("Name the department responsible."))
        if "indicator" in data:
            data["indicator"] = self.nodes[data["indicator"]]
        return data


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (CORRECT, _("Accept: correct the value")),
            (EXEMPT, _("Accept: exempt the indicator for this region")),
            (REJECT, _("Reject")),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    value = forms.CharField(
        label=_("Corrected value"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs=TEXT),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("What was done"),
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
    )
