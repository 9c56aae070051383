"""Forms: parse and validate what people post; services decide what happens with it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessment.core.evidence import JPEG, PNG, CheckedFile, check_evidence_file


def require_valid(form: forms.Form) -> None:
    """Raise every error of an invalid form as one ValidationError, for views that show a
    refused action as a message instead of rendering the form again."""
    if not form.is_valid():
        raise ValidationError([e for errors in form.errors.values() for e in errors])


ID_MAX = 2**63 - 1  # a BIGINT primary key; SQLite refuses larger integers with OverflowError


def query_id(text: object) -> int | None:
    """A database id from a query parameter or checkbox, or None when it is not one.

    ASCII digits only: str.isdigit() is true for "²" and "٣", which int() then refuses.
    """
    text = str(text).strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= ID_MAX else None


SCREENSHOT_ACCEPT = ",".join((*PNG.extensions, *JPEG.extensions))
NOT_A_PICTURE = _("“%(name)s” is not a picture: a screenshot must be a PNG or JPEG file.")


class ScreenshotField(forms.FileField):
    """One picture, checked by content like any evidence, then held to PNG or JPEG: a
    screenshot shows what the verifier or expert saw; a document goes with the indicator
    instead."""

    def __init__(self, **kwargs):
        widget = forms.FileInput(attrs={"class": "form-control form-control-sm",
                                        "accept": SCREENSHOT_ACCEPT})  # fmt: skip
        super().__init__(required=False, widget=widget, **kwargs)

    def clean(self, data, initial=None) -> CheckedFile | None:
        upload = super().clean(data, initial)
        if not upload:
            return None
        checked = check_evidence_file(upload)
        if checked.file_type not in (PNG, JPEG):
            raise ValidationError(
                NOT_A_PICTURE, code="not_a_picture", params={"name": checked.name}
            )
        return checked
