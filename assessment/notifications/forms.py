"""The preferences form of the notification centre."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.notifications.models import UNMUTABLE, Kind, Preference

CHECKBOX = forms.CheckboxInput(attrs={"class": "form-check-input"})


def mutable_kinds() -> list[tuple[str, str]]:
    return [(value, label) for value, label in Kind.choices if value not in UNMUTABLE]


class PreferenceForm(forms.Form):
    email_immediately = forms.BooleanField(
        label=_("E-mail each notification at once"), required=False, widget=CHECKBOX
    )
    daily_digest = forms.BooleanField(
        label=_("Daily digest of unread notifications by e-mail"), required=False,
        widget=CHECKBOX,
    )  # fmt: skip
    muted = forms.MultipleChoiceField(
        label=_("Do not notify me about"),
        choices=mutable_kinds,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("Muted kinds are not shown nor e-mailed. Reminders to submit always are."),
    )

    @classmethod
    def for_preference(cls, preference: Preference) -> PreferenceForm:
        return cls(
            initial={
                "email_immediately": preference.email_immediately,
                "daily_digest": preference.daily_digest,
                "muted": list(preference.muted_kinds or ()),
            }
        )
