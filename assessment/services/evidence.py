"""Evidence rules: which files and links are accepted, decided by content, not by name.

A file is accepted when its first bytes say it is a PDF, PNG or JPEG, or when it is a ZIP whose
`[Content_Types].xml` declares an Excel workbook or a Word document, *and* its name ends in the
matching extension. The name is checked for path tricks but never used on disk.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

FILE_TOO_LARGE = _("“%(name)s” is %(size)s; the limit is %(limit)s.")
FILE_EMPTY = _("“%(name)s” is empty.")
FILE_BAD_NAME = _(
    "“%(name)s” has a file name that is not allowed (no folders, leading dots or special "
    "characters)."
)
FILE_BAD_TYPE = _(
    "“%(name)s” is not an accepted file. Accepted: PDF, Excel (.xlsx), Word (.docx), PNG, JPG."
)
FILE_TYPE_MISMATCH = _("“%(name)s” does not contain what its name says (it is not a %(ext)s file).")
LINK_INVALID = _("Enter a full web address starting with http:// or https://.")

XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# [Content_Types].xml of a real document is a few kB; a bigger one is not worth inflating.
CONTENT_TYPES_LIMIT = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    kind: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("pdf", "application/pdf", (".pdf",))
PNG = FileType("png", "image/png", (".png",))
JPEG = FileType("jpg", "image/jpeg", (".jpg", ".jpeg"))
XLSX = FileType(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
DOCX = FileType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
ACCEPTED = (PDF, PNG, JPEG, XLSX, DOCX)
ACCEPT_ATTRIBUTE = ",".join(ext for file_type in ACCEPTED for ext in file_type.extensions)

# Separators (also percent-encoded), drive letters, and characters Windows refuses.
_BAD_NAME = re.compile(r'[/\\:*?"<>|]|%2e|%2f|%5c|\.\.', re.IGNORECASE)


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check, with what we detected."""

    upload: UploadedFile
    name: str
    file_type: FileType


def check_file_name(name: str) -> str:
    """The display name, or ValidationError for path tricks and odd characters.

    Django's upload parser has already cut everything up to the last slash or backslash; this
    refuses what can still hide a path or an executable behind a harmless-looking name.
    """
    cleaned = unicodedata.normalize("NFC", name).strip()
    suspicious = (
        not cleaned
        or len(cleaned) > 150
        or cleaned.startswith((".", "-", "~"))
        or _BAD_NAME.search(cleaned)
        or _BAD_NAME.search(unquote(cleaned))
        or any(not ch.isprintable() for ch in cleaned)
    )
    if suspicious:
        raise ValidationError(FILE_BAD_NAME, code="bad_name", params={"name": name[:80]})
    return cleaned


def sniff(head: bytes, upload: UploadedFile) -> FileType | None:
    """The accepted type the content really is, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office_type(upload)
    return None


def _office_type(upload: UploadedFile) -> FileType | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > CONTENT_TYPES_LIMIT:
                return None
            content_types = archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError):
        return None
    finally:
        upload.seek(0)
    if XLSX_MAIN in content_types:
        return XLSX
    if DOCX_MAIN in content_types:
        return DOCX
    return None  # macro-enabled (.xlsm/.docm), presentations, plain zips …


def check_evidence_file(upload: UploadedFile) -> CheckedFile:
    """Name, size and content of an evidence upload; ValidationError with a message if not."""
    name = check_file_name(upload.name or "")
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            FILE_TOO_LARGE,
            code="too_large",
            params={
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
        )
    if upload.size == 0:
        raise ValidationError(FILE_EMPTY, code="empty", params={"name": name})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    file_type = sniff(head, upload)
    if file_type is None:
        raise ValidationError(FILE_BAD_TYPE, code="bad_type", params={"name": name})
    extension = PurePosixPath(name).suffix.lower()
    if extension not in file_type.extensions:
        raise ValidationError(
            FILE_TYPE_MISMATCH,
            code="type_mismatch",
            params={"name": name, "ext": extension.lstrip(".") or "?"},
        )
    return CheckedFile(upload=upload, name=name, file_type=file_type)


_url_validator = URLValidator(schemes=["http", "https"])


def check_link(raw: str) -> str:
    """An http(s) address, or ValidationError (javascript:, file:, data: … are refused)."""
    url = raw.strip()
    if len(url) > 500 or urlsplit(url).scheme.lower() not in {"http", "https"}:
        raise ValidationError(LINK_INVALID, code="bad_link")
    try:
        _url_validator(url)
    except ValidationError:
        raise ValidationError(LINK_INVALID, code="bad_link") from None
    return url
