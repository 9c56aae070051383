"""Forms of rectification tasks: the region's answer, the supervisor's decisions and edits."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.collection.forms.entry import EvidenceFilesField, LinkField
from assessment.rectification.services.tasks import TaskAnswer

TEXT_MAX = 5000
NOTE_MAX = 2000


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "class": "form-control"})


class TaskAnswerForm(forms.Form):
    plan = forms.CharField(
        label=_("Rectification plan"), required=False, max_length=TEXT_MAX, widget=_textarea(4)
    )
    note = forms.CharField(
        label=_("Progress update"), required=False, max_length=NOTE_MAX, widget=_textarea(2)
    )
    percent = forms.IntegerField(
        label=_("Progress (%)"),
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"class": "form-control", "min": 0, "max": 100}),
    )
    files = EvidenceFilesField(label=_("Evidence files"))
    link = LinkField(label=_("Evidence link"))

    def answer(self) -> TaskAnswer:
        clean = self.cleaned_data
        return TaskAnswer(
            plan=clean["plan"] if "plan" in self.data else None,
            note=clean["note"],
            percent=clean["percent"],
            files=clean["files"] or [],
            links=[clean["link"]] if clean["link"] else [],
        )


class TaskNoteForm(forms.Form):
    """Marking done or verifying: an optional word to go with it."""

    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX)


class TaskReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), max_length=NOTE_MAX)


class TaskEditForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    finding = forms.CharField(label=_("Finding"), max_length=TEXT_MAX, widget=_textarea(4))
    due_date = forms.DateField(
        label=_("Due date"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )


class TaskCreateForm(TaskEditForm):
    """A supervisor's own task: which node of the round's system, and the same fields."""

    indicator = forms.TypedChoiceField(label=_("Indicator or area"), coerce=int)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the indicator's code and name."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    field_order = ["indicator", "title", "finding", "due_date"]

    def __init__(self, data=None, *, nodes: list[tuple[int, str]], due: date, **kwargs):
        super().__init__(data, initial={"due_date": due, **kwargs.pop("initial", {})}, **kwargs)
        self.fields["indicator"].choices = nodes
        self.fields["indicator"].widget.attrs["class"] = "form-select"
