"""Dangerous one-click actions run only when the POST says they were confirmed.

Computing results, unpublishing them and writing a value into every region's draft each change
a great deal with one press. Their buttons ask first, stating what will happen in numbers
(`data-confirm`, static/js/confirm.js), and their forms carry `confirm=yes`; a POST without it
(a stray script, a form saved from an old page, a replayed request) is refused with a 400 page
saying that nothing was done. Views check access first: a user who may not act still gets 403
or 404, never this page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

#: The form field, and the value that says the person confirmed.
CONFIRM_FIELD = "confirm"
CONFIRMED = "yes"
NOT_CONFIRMED = _(
    "Nothing was done: this action changes a lot at once and must be confirmed. Go back, "
    "press the button again and answer the question the page asks."
)


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRM_FIELD) == CONFIRMED


def refuse_unconfirmed(request: HttpRequest, *, back: str) -> HttpResponse:
    """The 400 page for a POST without the confirmation; `back` is where the button was."""
    context = {"message": NOT_CONFIRMED, "back": back}
    return render(request, "shared/confirm_required.html", context, status=400)
