"""The administrator's form for a new API client."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.api.clients import fed_indicator_codes
from assessment.collection.forms.rounds import RegionCodeField

NOTHING_GRANTED = _("Grant reading, pushing or both: a client that may do nothing is useless.")


class ApiClientForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("The integration, e.g. 省一体化政务服务平台 · 好差评系统."),
    )
    scope = RegionCodeField(
        label=_("Scope (code of the root region)"),
        required=False,
        help_text=_("Empty: every region. A client never reads or writes outside it."),
    )
    can_read = forms.BooleanField(
        label=_("Reads rounds, rankings and results"), required=False, initial=True
    )
    push_indicators = forms.MultipleChoiceField(
        label=_("Pushes values of"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("Platform-fed indicators only."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["push_indicators"].choices = [(c, c) for c in fed_indicator_codes()]

    def clean(self):
        data = super().clean()
        if not data.get("can_read") and not data.get("push_indicators"):
            raise forms.ValidationError(NOTHING_GRANTED)
        return data
