"""The open API (开放接口): platforms push values, cockpits read rounds and results, with a
token per integration (django-ninja; schema at /api/v1/openapi.json, docs at /api/v1/docs)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "assessment.api"
    label = "api"
    verbose_name = _("Open API")
