"""Forms: parse and validate what people post; services decide what happens with it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def require_valid(form: forms.Form) -> None:
    """Raise every error of an invalid form as one ValidationError, for views that show a
    refused action as a message instead of rendering the form again."""
    if not form.is_valid():
        raise ValidationError([e for errors in form.errors.values() for e in errors])
