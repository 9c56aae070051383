"""Which earlier round's rectification tasks fill which indicator of this round."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import Round
from indicators.models import Indicator, ValueType


class CompletionRateForm(forms.Form):
    """Which earlier round's tasks, and which indicator of this round receives the rate.

    Only percentages and numbers are offered: the rate is a percentage (0–100). Choices are
    read once (two queries), so the round page can test and render them without reading again.
    """

    source = forms.TypedChoiceField(
        label=_("Rectification tasks of"),
        coerce=int,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    indicator = forms.ChoiceField(
        label=_("Indicator to fill"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, round_: Round, **kwargs):
        super().__init__(*args, **kwargs)
        sources = (
            Round.objects.exclude(pk=round_.pk)
            .filter(tasks__isnull=False)
            .distinct()
            .order_by("-opens_at", "-pk")
        )
        self.fields["source"].choices = [(source.pk, str(source)) for source in sources]
        leaves = Indicator.objects.filter(
            system_id=round_.system_id, value_type__in=[ValueType.PERCENT, ValueType.NUMBER]
        ).order_by("code")
        self.fields["indicator"].choices = [(leaf.code, str(leaf)) for leaf in leaves]
