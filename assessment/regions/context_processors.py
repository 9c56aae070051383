"""Template context every page needs: the user's roles for the navigation."""

from __future__ import annotations

from django.http import HttpRequest

from assessment.regions.access import home_roles, is_administrator


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": [], "nav_is_admin": False}
    return {"nav_roles": home_roles(user), "nav_is_admin": is_administrator(user)}
