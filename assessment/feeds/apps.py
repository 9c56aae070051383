"""Data feeds (无感评估): platform values pushed or aggregated from raw log files, written as
read-only values of platform-fed indicators."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedsConfig(AppConfig):
    name = "assessment.feeds"
    label = "feeds"
    verbose_name = _("Data feeds")

    def ready(self) -> None:
        from assessment.collection import round_page
        from assessment.feeds.round_section import SECTION

        round_page.register(SECTION)
