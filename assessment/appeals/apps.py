"""Provisional results, appeals and upward escalation (结果公示 → 异议申诉 → 复核): regions
object to provisional results within a window of working days; evaluators accept (correct a
value or exempt an indicator) or reject; a problem blocked upstream becomes a task of the
provincial department that owns it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "assessment.appeals"
    label = "appeals"
    verbose_name = _("Appeals")

    def ready(self) -> None:
        from assessment.appeals.round_section import SECTION
        from assessment.collection import round_page

        round_page.register(SECTION)
