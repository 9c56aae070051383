"""The entry form: one value, note, link and file input per leaf, validated field by field.

Field names carry the indicator code (`value-DS.1.3`, `note-DS.1.3`, `file-DS.1.3`, …). A field
that fails validation is reported next to the input and left out of the save, so every valid
field is still saved and every typed character is shown again.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessment.collection.selectors.entry import EntryRow
from assessment.collection.services.entry import NOTE, VALUE, Conflict, EntryInput
from assessment.collection.services.values import parse_value
from assessment.core.evidence import check_evidence_file, check_link
from assessment.core.forms import query_id
from indicators.models import Indicator

STALE_FORM = _("The form was incomplete (no version). Reload the page and enter the values again.")
NOTE_MAX = 2000
VERSION_MAX = 2_147_483_647  # Submission.version is a PositiveIntegerField
MINE, THEIRS = "mine", "theirs"


class ValueField(forms.CharField):
    """Text in, Decimal (or None) out, by the indicator's rules."""

    def __init__(self, *, indicator: Indicator, **kwargs):
        self.indicator = indicator
        super().__init__(required=False, max_length=60, **kwargs)

    def clean(self, value):
        return parse_value(self.indicator, super().clean(value))


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class IdListField(forms.Field):
    """A list of integer ids from checkboxes; the service ignores ids not of this submission."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        return {number for number in map(query_id, values) if number is not None}


class EvidenceFilesField(forms.FileField):
    """Any number of files; each checked by content, size and name."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        checked, errors = [], []
        for upload in uploads:
            try:
                checked.append(check_evidence_file(upload))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


class LinkField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=500, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        return check_link(text) if text else ""


FIELD_KINDS = ("value", "note", "link", "file", f"resolve-{VALUE}", f"resolve-{NOTE}")


def _field(kind: str, leaf: Indicator) -> forms.Field:
    if kind == "value":
        return ValueField(indicator=leaf)
    if kind == "note":
        return forms.CharField(required=False, max_length=NOTE_MAX)
    if kind == "link":
        return LinkField()
    if kind == "file":
        return EvidenceFilesField()
    return forms.ChoiceField(required=False, choices=[(MINE, MINE), (THEIRS, THEIRS)])


class EntryForm(forms.Form):
    """Bound to a POST only. Fields exist for the names that were posted: an absent input is
    left alone by the save anyway, and building all six fields of 43 indicators (the conflict
    choices and file inputs that are rarely posted among them) was a third of a save's time."""

    version = forms.IntegerField(min_value=0, max_value=VERSION_MAX, widget=forms.HiddenInput)

    def __init__(self, data, files=None, *, leaves: list[Indicator]):
        super().__init__(data, files)
        self.leaves = leaves
        posted = set(data) | set(files or ())
        for leaf in leaves:
            for kind in FIELD_KINDS:
                if leaf.is_fed and kind in (VALUE, f"resolve-{VALUE}"):
                    continue  # a platform's value: never typed (a posted one is ignored)
                name = f"{kind}-{leaf.code}"
                if name in posted:
                    self.fields[name] = _field(kind, leaf)
        self.fields["remove-evidence"] = IdListField()

    @property
    def stale(self) -> bool:
        return "version" in self.errors

    def entry_input(self) -> EntryInput:
        """The posted, valid fields (absent inputs are not "cleared": they are left alone)."""
        clean = getattr(self, "cleaned_data", {})
        data = EntryInput(remove_evidence=set(clean.get("remove-evidence") or []))
        for leaf in self.leaves:
            code = leaf.code
            for kind, target in ((VALUE, data.values), (NOTE, data.notes)):
                name = f"{kind}-{code}"
                if name not in self.data or name not in clean:
                    continue
                if clean.get(f"resolve-{kind}-{code}") == THEIRS:
                    continue  # the user chose the other person's value
                target[leaf.pk] = clean[name]
            if clean.get(f"file-{code}"):
                data.files[leaf.pk] = clean[f"file-{code}"]
            if clean.get(f"link-{code}"):
                data.links[leaf.pk] = [clean[f"link-{code}"]]
        return data


def bind_rows(rows: list[EntryRow], form: EntryForm, conflicts: list[Conflict]) -> None:
    """Show what was typed, the errors next to each field, and both sides of each conflict."""
    by_id = {row.indicator.pk: row for row in rows}
    for row in rows:
        code = row.code
        if f"value-{code}" in form.data:
            row.input_value = form.data.get(f"value-{code}", "")
        if f"note-{code}" in form.data:
            row.input_note = form.data.get(f"note-{code}", "")
        for kind in ("value", "note", "link", "file"):
            messages = form.errors.get(f"{kind}-{code}")
            if messages:
                row.errors[kind] = list(messages)
        if "link" in row.errors:
            row.link_draft = form.data.get(f"link-{code}", "")
    for conflict in conflicts:
        row = by_id.get(conflict.indicator_id)
        if row is not None:
            row.conflicts[conflict.field] = conflict
            if conflict.field == VALUE:
                row.input_value = conflict.mine
            else:
                row.input_note = conflict.mine
