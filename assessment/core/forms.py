"""Forms: parse and validate what people post; services decide what happens with it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


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
