"""Notifications: the in-app notification centre, e-mail, preferences and the daily digest."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "assessment.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
