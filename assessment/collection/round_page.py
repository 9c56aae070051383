"""Sections that later stages add to an administrator's round page.

The round page belongs to data collection, but what an administrator does with a round grows
with every stage after it (the rectification completion rate today; verification, expert
panels and appeals next). A stage registers a section from its AppConfig.ready(), so this app
never imports the stages built on it; the page renders each section whose context is not None,
in the order they were registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from assessment.collection.models import Round


@dataclass(frozen=True)
class RoundSection:
    template: str  # rendered with `round` and `section` (the context below)
    context: Callable[[HttpRequest, Round], dict | None]


_SECTIONS: list[RoundSection] = []


def register(section: RoundSection) -> None:
    if section not in _SECTIONS:
        _SECTIONS.append(section)


def sections(request: HttpRequest, round_: Round) -> list[tuple[str, dict]]:
    """(template, context) of every section that has something to show for this round."""
    found = []
    for section in _SECTIONS:
        context = section.context(request, round_)
        if context is not None:
            found.append((section.template, context))
    return found
