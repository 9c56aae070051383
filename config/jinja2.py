"""The Jinja2 environment for the few templates that render many times per page.

Django's template language looks every variable up at render time, trying dictionary,
attribute and index access in turn; the entry form repeats one block per indicator (43 on the
default system, about 90 variables each), which made the form the most expensive page under
load. Jinja2 compiles that block to Python (docs/BENCHMARKS.md, "Load"). Every other page
stays a Django template. Autoescaping is on (Django's Jinja2 backend default);
texts are translated with Django's gettext, so `makemessages` finds `_("…")` as in any template.
"""

from __future__ import annotations

from datetime import datetime

from django.template.defaultfilters import filesizeformat, linebreaksbr, slugify, truncatechars
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import Environment


def date(value: datetime | None, fmt: str) -> str:
    """Django's `date` filter, in the current time zone as Django templates show it."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, fmt)


_translations: dict[tuple[str | None, str], str] = {}


def cached_gettext(message: str) -> str:
    """Django's gettext, remembered per language: the entry form's block asks for the same
    dozen texts 43 times per page, and catalogues do not change while the process runs."""
    key = (get_language(), message)
    try:
        return _translations[key]
    except KeyError:
        return _translations.setdefault(key, gettext(message))


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def environment(**options) -> Environment:
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(cached_gettext, ngettext, newstyle=False)
    env.globals["url"] = url
    env.filters.update(
        date=date,
        filesizeformat=filesizeformat,
        linebreaksbr=lambda text: linebreaksbr(text, autoescape=True),
        slugify=slugify,
        truncatechars=truncatechars,
    )
    return env
