"""Files and links attached to rectification tasks and shared practices.

The same rules as a submission's evidence (`assessment/services/evidence.py`): files are
checked by content, stored under a generated name and served only through a view that checks
who may see the task or practice they belong to.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EvidenceKind(models.TextChoices):
    FILE = "file", _("File")
    LINK = "link", _("Link")


def attachment_upload_to(instance: AttachedFile, filename: str) -> str:
    """`<folder>/<round>/<region>/<uuid><ext>`: the uploader's name is never used on disk."""
    suffix = PurePosixPath(filename).suffix.lower()
    folder, round_id, region_id = instance.storage_parts()
    return f"{folder}/{round_id}/{region_id}/{uuid.uuid4().hex}{suffix}"


class AttachedFile(models.Model):
    kind = models.CharField(_("kind"), max_length=4, choices=EvidenceKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=200, blank=True)
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    url = models.URLField(_("link"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.original_name if self.kind == EvidenceKind.FILE else self.url

    def storage_parts(self) -> tuple[str, int, str]:
        raise NotImplementedError
