"""Rounds, submissions, values, evidence, review, audit trail and bulk import."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "assessment.collection"
    label = "collection"
    verbose_name = _("Data collection")
