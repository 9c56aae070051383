"""Forms of staff withdrawing a submission and of approving several from the review queue."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.collection.forms.review import COMMENT_MAX
from assessment.collection.services.bulk_review import MAX_BULK
from assessment.core.forms import query_id

NONE_CHOSEN = _("Choose at least one submission to approve.")
TOO_MANY = _("Choose at most %(max)s submissions at a time; nothing was approved.")


class WithdrawForm(forms.Form):
    reason = forms.CharField(required=False, max_length=COMMENT_MAX)


class IdListField(forms.Field):
    """Every value of a repeated field (checkboxes), as database ids; None for what is not one."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int | None]:
        items = value if isinstance(value, list | tuple) else [value] if value else []
        ids = [query_id(item) for item in items]
        return [*dict.fromkeys(pk for pk in ids if pk), *(pk for pk in ids if not pk)]


class BulkApproveForm(forms.Form):
    submission = IdListField(required=False)

    def clean_submission(self) -> list[int | None]:
        chosen = self.cleaned_data["submission"]
        if not chosen:
            raise forms.ValidationError(NONE_CHOSEN, code="none")
        if len(chosen) > MAX_BULK:
            raise forms.ValidationError(TOO_MANY, code="too_many", params={"max": MAX_BULK})
        return chosen
