"""The unread count in the navigation (templates/base.html)."""

from __future__ import annotations

from django.http import HttpRequest

from assessment.notifications.selectors import unread_for_request


def unread(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_unread": unread_for_request(request)}
