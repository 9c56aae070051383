"""Rectification tasks and shared practices (发现→反馈→整改→共享)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "assessment.rectification"
    label = "rectification"
    verbose_name = _("Rectification")

    def ready(self) -> None:
        from assessment.collection import round_page
        from assessment.rectification.views.completion import SECTION

        round_page.register(SECTION)
