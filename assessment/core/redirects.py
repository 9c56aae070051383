"""Where to send the user after a POST, without becoming an open redirect."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str = "assessment:home") -> str:
    """The `next` field of the form if it points at this site, else `default` (a URL name)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: resolve_url would read anything else ("0", ":") as a URL name.
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)
