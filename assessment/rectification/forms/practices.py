"""Forms of the practice library: writing a practice, reviewing it, inviting a region."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.collection.forms.entry import EvidenceFilesField, LinkField
from assessment.rectification.services.practices import PracticeInput

TEXT_MAX = 10000
NOTE_MAX = 2000


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "class": "form-control"})


def _text() -> forms.TextInput:
    return forms.TextInput(attrs={"class": "form-control"})


class PracticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, widget=_text())
    description = forms.CharField(
        label=_("What was done and how"), max_length=TEXT_MAX, widget=_textarea(6)
    )
    results = forms.CharField(label=_("Results achieved"), max_length=TEXT_MAX, widget=_textarea(3))
    contacts = forms.CharField(
        label=_("Contacts"),
        max_length=300,
        help_text=_("Who other regions may ask: department, name, telephone."),
        widget=_text(),
    )
    files = EvidenceFilesField(label=_("Evidence files"))
    link = LinkField(label=_("Evidence link"))

    def practice_input(self) -> PracticeInput:
        clean = self.cleaned_data
        return PracticeInput(
            title=clean["title"],
            description=clean["description"],
            results=clean["results"],
            contacts=clean["contacts"],
            files=clean["files"] or [],
            links=[clean["link"]] if clean["link"] else [],
        )


class NewPracticeForm(PracticeForm):
    indicator = forms.TypedChoiceField(label=_("Indicator"), coerce=int)

    field_order = ["indicator", "title", "description", "results", "contacts", "files", "link"]

    def __init__(self, data=None, files=None, *, choices: list[tuple[int, str]], **kwargs):
        super().__init__(data, files, **kwargs)
        self.fields["indicator"].choices = choices
        self.fields["indicator"].widget.attrs["class"] = "form-select"


class PracticeReviewForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX)


class InviteForm(forms.Form):
    indicator = forms.TypedChoiceField(label=_("Indicator"), coerce=int)
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX)

    def __init__(self, data=None, *, choices: list[tuple[int, str]]):
        super().__init__(data)
        self.fields["indicator"].choices = choices
