"""Shared infrastructure: security, sessions, errors, files and attachments, Excel safety."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "assessment.core"
    label = "core"
    verbose_name = _("Core")
