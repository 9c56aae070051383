"""Which variant of a bilingual text the active language reads.

The product is Chinese first: without an active language (a management command, a job) it
reads Chinese; an English request reads English where a text has it.
"""

from __future__ import annotations

from django.utils.translation import get_language


def in_english() -> bool:
    """Whether the active language is English."""
    return (get_language() or "").startswith("en")


def localized(chinese: str | None, english: str | None) -> str:
    """The active language's variant of a text, else the other one (a text written in one
    language only still shows)."""
    if in_english():
        return english or chinese or ""
    return chinese or english or ""
