"""The project app: the migration history from before the domain apps, the demo, the URL map.

The domain apps live in the folders beside this file, each with its own models, services,
selectors, views and templates; dependencies run one way (README "Project layout"):
core ← regions ← collection ← results ← rectification ← dashboards ← demo.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Assessment")
