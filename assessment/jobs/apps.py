"""Background jobs: the Job record, its page, and the worker command."""

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "assessment.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        # Each app declares the jobs it runs in its job_kinds.py, as the admin finds admin.py:
        # this app stays below the apps whose work it runs.
        autodiscover_modules("job_kinds")
