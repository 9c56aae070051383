"""django-axes (login protection) ships no Chinese translation: its admin pages would show in
English. Its strings are listed here so that `make messages` extracts them into our catalogue
(LOCALE_PATHS comes first), and its app gets a translated name (`LoginProtectionConfig`)."""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

AXES_STRINGS = (
    gettext_noop("Access Attempt"), gettext_noop("Access lock out"),
    gettext_noop("Attempt Remaining"), gettext_noop("Attempt Time"),
    gettext_noop("Clean up expired attempts"), gettext_noop("Expires At"),
    gettext_noop("Failed Logins"), gettext_noop("Form Data"), gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"), gettext_noop("IP Address"), gettext_noop("Locked Out"),
    gettext_noop("Logout Time"), gettext_noop("Meta Data"), gettext_noop("Not set"),
    gettext_noop("POST Data"), gettext_noop("Path"), gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"), gettext_noop("Username"),
    gettext_noop("access attempt expiration"), gettext_noop("access attempt expirations"),
    gettext_noop("access attempt"), gettext_noop("access attempts"),
    gettext_noop("access failure"), gettext_noop("access failures"),
    gettext_noop("access log"), gettext_noop("access logs"),
)  # fmt: skip


class LoginProtectionConfig(AxesAppConfig):
    """django-axes as it is, under a name the admin can translate."""

    verbose_name = _("Login protection")
