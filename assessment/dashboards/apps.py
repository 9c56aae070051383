"""Rankings, profiles, the public display, Excel reports and home pages."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "assessment.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards and reports")
