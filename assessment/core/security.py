"""Login protection helpers: the client address behind a proxy, and password strength."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def client_ip(request: HttpRequest) -> str:
    """The address lockouts are keyed on (django-axes' AXES_CLIENT_IP_CALLABLE).

    Without a proxy it is the peer address. Behind TRUSTED_PROXY_COUNT proxies (BEHIND_TLS_PROXY)
    each proxy appends the address it received the request from to X-Forwarded-For, so the
    client is the entry that many places from the right: whatever a client put in the header
    itself stays to the left of it and is never used. A request with fewer entries than
    proxies did not come through all of them; its left-most entry is the best we know.
    """
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(settings.TRUSTED_PROXY_COUNT, len(hops))]
    return request.META.get("REMOTE_ADDR", "")


#: The longest username Django's user model holds.
USERNAME_MAX = 150


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The username login lockouts record (django-axes' AXES_USERNAME_CALLABLE): as typed, cut
    to the longest a user can have. axes stores it in 255 characters, and PostgreSQL refuses
    to store a longer one: a 300-character login attempt would be a server error."""
    if credentials and credentials.get("username") is not None:
        typed = credentials["username"]
    else:
        typed = request.POST.get("username", "")
    return str(typed)[:USERNAME_MAX]


class CharacterClassValidator:
    """Requires characters from several classes: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    @staticmethod
    def classes(password: str) -> int:
        return sum(
            (
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            )
        )

    def validate(self, password: str, user=None) -> None:
        if self.classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return (
            ngettext(
                "Your password must mix at least %(count)d kind of character "
                "(lower case, upper case, digits, symbols).",
                "Your password must mix at least %(count)d kinds of characters "
                "(lower case, upper case, digits, symbols).",
                self.min_classes,
            )
            % {"count": self.min_classes}
            + " "
            + _("For example: spring-Rain-2026")
        )
