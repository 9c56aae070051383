"""Security headers that Django 5.2 does not set itself, a cheaper session refresh, and
requests carrying NUL characters refused at the door."""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import chain

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

NUL_REFUSED = "The request contains a NUL character, which no form of this site accepts."


class RejectNulMiddleware:
    """400 for a request whose path, query or form fields contain a NUL character.

    No person types one, and PostgreSQL cannot store or compare text holding one: a NUL that
    reached a query (a login name, a region code in the URL, a filter) would fail there as a
    server error. Django's form fields refuse NUL too, but some values are read before any
    form (the login lockout reads the username, URLs carry region codes).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        fields = request.GET.lists()
        if request.method == "POST" and request.content_type in _FORM_TYPES:
            fields = chain(fields, request.POST.lists())
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in fields
        ):
            raise BadRequest(NUL_REFUSED)
        return self.get_response(request)


_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


class ContentSecurityPolicyMiddleware:
    """Adds `Content-Security-Policy` from settings.CONTENT_SECURITY_POLICY.

    Scripts only from our own origin and never inline: page scripts live in static/js/ and
    read their data from `json_script` blocks (type application/json, which CSP does not run).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.policy = "; ".join(
            f"{directive} {' '.join(sources)}".strip()
            for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class SessionRefreshMiddleware:
    """Keeps a session alive while it is used, with at most one database write a minute.

    A session expires SESSION_COOKIE_AGE after it was last saved. Django's
    SESSION_SAVE_EVERY_REQUEST would save it (an UPDATE and a transaction) on every request,
    which on a deadline day is as many writes as page views. This saves it when it was last
    refreshed more than SESSION_REFRESH_SECONDS ago instead: inactivity is measured to within
    that. Requests without a session cookie never create one here.
    """

    KEY = "_refreshed"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = (
                    now  # modified: SessionMiddleware saves it and resets the cookie
                )
        return response
