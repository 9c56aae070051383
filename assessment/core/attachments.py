"""Files and links attached to a record as evidence: one mechanism for every kind of record.

A submission's indicator (`collection.Evidence`), a rectification task (`TaskEvidence`) and a
shared practice (`PracticeEvidence`) all attach evidence the same way:

- the model inherits `AttachedFile` and says where its files go (`storage_parts`);
- what is accepted is decided by content in `assessment/core/evidence.py` (`check_evidence_file`,
  `check_link`), before anything is stored;
- `store_attachments` saves the checked files, each under a generated name that keeps only the
  extension of its detected type, and the links; `remove_attachment` deletes one, its file only
  once the removal is committed;
- files are served only by `attachment_response`, from a view that has first checked who may
  see the record the attachment belongs to. The uploader's file name is used only as the name
  the browser saves the download under, never on disk.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import PurePosixPath
from typing import TypeVar

from django.conf import settings
from django.db import models, transaction
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

from assessment.core.evidence import CheckedFile


class EvidenceKind(models.TextChoices):
    FILE = "file", _("File")
    LINK = "link", _("Link")


def attachment_upload_to(instance: AttachedFile, filename: str) -> str:
    """`<folder>/<round>/<region>/<uuid><ext>`: the uploader's name is never used on disk."""
    suffix = PurePosixPath(filename).suffix.lower()
    folder, round_id, region_id = instance.storage_parts()
    return f"{folder}/{round_id}/{region_id}/{uuid.uuid4().hex}{suffix}"


class AttachedFile(models.Model):
    """A file or a link attached as evidence. Concrete models add the record it belongs to."""

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
        """(folder, round id, region id): where this attachment's file is stored."""
        raise NotImplementedError


Attachment = TypeVar("Attachment", bound=AttachedFile)


def store_attachments(
    make: Callable[[], Attachment],
    *,
    files: Iterable[CheckedFile] = (),
    links: Iterable[str] = (),
    user,
) -> list[Attachment]:
    """Save checked files, then links, each as a new attachment; returns them in that order.

    `make` returns an unsaved attachment already tied to its record, e.g.
    `partial(TaskEvidence, task=task)`. A file is stored under a generated name with the
    extension of the type its content was detected as (never the uploader's name); its name,
    content type and size are recorded for the download.
    """
    stored = []
    for checked in files:
        item = make()
        item.kind = EvidenceKind.FILE
        item.original_name = checked.name
        item.content_type = checked.file_type.content_type
        item.size = checked.upload.size
        item.added_by = user
        item.file.save(f"x{checked.file_type.extensions[0]}", checked.upload, save=False)
        item.save()
        stored.append(item)
    for url in links:
        item = make()
        item.kind = EvidenceKind.LINK
        item.url = url
        item.added_by = user
        item.save()
        stored.append(item)
    return stored


def remove_attachment(attachment: AttachedFile) -> None:
    """Delete the attachment now and its file once the transaction commits.

    A save that is rolled back after the removal must still find the file.
    """
    if attachment.file:
        transaction.on_commit(partial(attachment.file.storage.delete, attachment.file.name))
    attachment.delete()


def attachment_response(attachment: AttachedFile) -> FileResponse:
    """The attachment's file as a download; 404 for a link or a file that is missing.

    Call it only once the view has checked that the user may see the attachment's record.
    """
    if attachment.kind != EvidenceKind.FILE or not attachment.file:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type or "application/octet-stream",
    )
