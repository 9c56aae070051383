"""Expert panels (专家评审): outside experts score rubric indicators, blind to each other; the
panel's level replaces the region's own choice, which stays as its self-assessment."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PanelsConfig(AppConfig):
    name = "assessment.panels"
    label = "panels"
    verbose_name = _("Expert panels")

    def ready(self) -> None:
        from assessment.collection import round_page
        from assessment.panels.round_section import SECTION

        round_page.register(SECTION)
