"""Verification (核验): evaluators stand behind a region's values, or correct them with a reason."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "assessment.verification"
    label = "verification"
    verbose_name = _("Verification")

    def ready(self) -> None:
        from assessment.collection import round_page
        from assessment.verification.round_section import SECTION

        round_page.register(SECTION)
