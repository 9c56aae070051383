"""Evidence rules: which files and links are accepted, decided by content, not by name.

A file is accepted when its content is a complete PDF, PNG or JPEG, or a ZIP that is a plain
Excel workbook or Word document, *and* its name ends in the matching extension. The content is
checked whole: a PDF must end in its trailer and hide no HTML, a picture must not be cut off,
and an Office file is unpacked (within limits) and must name its main part exactly, contain it,
and carry no macros. The name is checked for path tricks but never used on disk.
"""

from __future__ import annotations

import posixpath
import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml
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
FILE_DAMAGED = _(
    "“%(name)s” is damaged or incomplete (not a complete %(kind)s file). Save or export it "
    "again, then upload the new file."
)
FILE_ZIP_BOMB = _(
    "“%(name)s” would be too large when unpacked (more than %(limit)s, more than %(ratio)s "
    "times its own size, or more than %(parts)s parts). Split it into smaller files."
)
FILE_MACRO = _(
    "“%(name)s” contains macros or ActiveX controls, which are not accepted. Save it as a normal "
    "workbook (.xlsx) or document (.docx) without macros."
)
LINK_INVALID = _("Enter a full web address starting with http:// or https://.")

XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

# --- Limits of the whole-file checks ---------------------------------------------------------

# Acrobat's own rule: `%%EOF` must be within the last 1024 bytes. So a cut-off PDF is refused, as
# is a PDF header glued in front of something else; padding after the trailer is tolerated.
PDF_TAIL = 1024
# Browsers that guess a type from content look at about the first 1.5 kB (WHATWG: 1445 bytes).
# No HTML may be there, nor in the tail; the middle of a PDF is compressed streams and text,
# where such words may legitimately occur.
PDF_HEAD = 2048
_HTML = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|object|embed|meta)[\s/>]", re.IGNORECASE
)
# A picture must end where its format says (PNG: the IEND chunk, JPEG: the EOI marker), after at
# most this much padding (NULs, whitespace; JPEG also 0xFF fill bytes).
PICTURE_TAIL = 1024
PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"
# Phones append data after the JPEG picture: Samsung a trailer ending in "SEFT", Google and
# Xiaomi motion photos an MP4 video announced in the XMP metadata near the start of the file.
JPEG_XMP_HEAD = 256 * 1024
_MOTION_PHOTO = re.compile(rb"MotionPhoto|MicroVideo")

# ZIP (Office) limits. Real workbooks and documents unpack to 3-25 times their size (openpyxl
# and Excel sheets of dense data about 15-25, pictures about 1), so 100 times leaves ample room
# and still refuses the classic bombs (deflate reaches about 1000 times). The total unpacked is
# also capped at 30 times the upload limit (600 MB by default: a 20 MB workbook of dense data
# fits) and never more than 1 GiB, which bounds what unpacking costs here (every part is
# inflated once to check it) and on a reviewer's computer.
ZIP_MAX_RATIO = 100
ZIP_UNPACKED_FACTOR = 30
ZIP_UNPACKED_CAP = 1024 * 1024 * 1024
# A document has tens of parts; a big workbook with pictures and charts a few hundred.
ZIP_MAX_ENTRIES = 2000
# ... and its directory is 100-200 bytes a part: bounded before the directory is read at all.
ZIP_MAX_DIRECTORY = 1024 * 1024
# [Content_Types].xml and _rels/.rels of a real document are a few kB.
ZIP_XML_LIMIT = 1024 * 1024
ZIP_CHUNK = 64 * 1024

_CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# The package relationship that names the main part (transitional and strict OOXML).
_OFFICE_DOCUMENT = {
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
}
# Content types of macro-enabled packages (…macroEnabled.main+xml), VBA projects and their
# signatures, Word's VBA data, ActiveX controls, Excel 4 macro sheets.
_MACRO_TYPE = re.compile(r"macroenabled|vbaproject|vbadata|activex|macrosheet", re.IGNORECASE)
# The same parts by name, in case a package carries them without declaring them.
_MACRO_PART = re.compile(
    r"(?:^|/)(?:vbaproject[^/]*\.bin|vbadata\.xml)$|(?:^|/)(?:activex|macrosheets)/",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FileType:
    kind: str
    content_type: str
    extensions: tuple[str, ...]
    label: str


PDF = FileType("pdf", "application/pdf", (".pdf",), "PDF")
PNG = FileType("png", "image/png", (".png",), "PNG")
JPEG = FileType("jpg", "image/jpeg", (".jpg", ".jpeg"), "JPEG")
XLSX = FileType(
    "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
    "Excel (.xlsx)",
)
DOCX = FileType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
    "Word (.docx)",
)
ACCEPTED = (PDF, PNG, JPEG, XLSX, DOCX)
ACCEPT_ATTRIBUTE = ",".join(ext for file_type in ACCEPTED for ext in file_type.extensions)
_MAIN_TYPES = {XLSX_MAIN: XLSX, DOCX_MAIN: DOCX}

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


# What zipfile raises for a part it cannot read: bad CRC or data, cut off, flags it cannot handle.
_UNREADABLE = (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError)


def _read(upload: UploadedFile, offset: int, length: int) -> bytes:
    upload.seek(offset)
    return upload.read(length)


class _Refused(Exception):
    """Internal: why the content is refused (a code of ValidationError), and for what type."""

    def __init__(self, code: str, file_type: FileType | None = None):
        super().__init__(code)
        self.code = code
        self.file_type = file_type


def _detect(upload: UploadedFile) -> FileType:
    """The accepted type the content really is, checked whole; _Refused if it is none.

    Reads the first and last few kB; an Office file is unpacked in chunks, never whole.
    """
    head = _read(upload, 0, PDF_HEAD)
    if head.startswith(b"%PDF-"):
        _check_pdf(head, _read(upload, max(0, upload.size - PDF_TAIL), PDF_TAIL))
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        if not _tail(upload).rstrip(b"\x00\t\n\r ").endswith(PNG_END):
            raise _Refused("damaged", PNG)
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        _check_jpeg(upload)
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _check_office(upload)
    raise _Refused("bad_type")


def _tail(upload: UploadedFile) -> bytes:
    return _read(upload, max(0, upload.size - PICTURE_TAIL), PICTURE_TAIL)


def _check_pdf(head: bytes, tail: bytes) -> None:
    if _HTML.search(head) or _HTML.search(tail):
        raise _Refused("bad_type")  # an HTML page (or script) behind a PDF header
    if b"%%EOF" not in tail:
        raise _Refused("damaged", PDF)


def _check_jpeg(upload: UploadedFile) -> None:
    tail = _tail(upload)
    if tail.rstrip(b"\x00\t\n\r \xff").endswith(b"\xff\xd9") or tail.endswith(b"SEFT"):
        return
    if _MOTION_PHOTO.search(_read(upload, 0, JPEG_XMP_HEAD)):
        return
    raise _Refused("damaged", JPEG)


def _zip_directory(upload: UploadedFile) -> tuple[int, int] | None:
    """(parts, directory size) from the end-of-central-directory record, which must end the
    file (nothing appended), or None if there is no such record."""
    window = min(upload.size, 22 + 0xFFFF)
    tail = _read(upload, upload.size - window, window)
    at = tail.rfind(b"PK\x05\x06")
    while at >= 0:
        if len(tail) - at >= 22:
            _, _, _, parts, size, _, comment = struct.unpack("<4H2LH", tail[at + 4 : at + 22])
            if at + 22 + comment == len(tail):
                return parts, size
        at = tail.rfind(b"PK\x05\x06", 0, at)
    return None


def _check_office(upload: UploadedFile) -> FileType:
    directory = _zip_directory(upload)
    if directory is None:
        raise _Refused("bad_type")
    if directory[0] > ZIP_MAX_ENTRIES or directory[1] > ZIP_MAX_DIRECTORY:
        raise _Refused("zip_bomb")
    unpacked_limit = _unpacked_limit(upload.size)
    try:
        archive = zipfile.ZipFile(upload)
    except (*_UNREADABLE, ValueError, struct.error):
        raise _Refused("bad_type") from None
    with archive:
        parts = archive.infolist()
        if len(parts) > ZIP_MAX_ENTRIES or sum(part.file_size for part in parts) > unpacked_limit:
            raise _Refused("zip_bomb")
        for part in parts:
            if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise _Refused("bad_type")  # Office writes only these; bzip2/LZMA inflate far more
            if part.flag_bits & 0x1:
                raise _Refused("bad_type")  # encrypted
            if _MACRO_PART.search(part.filename):
                raise _Refused("macro")
        file_type = _package_type(archive)
        _unpack_all(archive, parts, unpacked_limit, file_type)
    return file_type


def _unpacked_cap() -> int:
    return min(ZIP_UNPACKED_FACTOR * settings.EVIDENCE_MAX_BYTES, ZIP_UNPACKED_CAP)


def _unpacked_limit(size: int) -> int:
    """What an archive of `size` bytes may unpack to, all parts together."""
    return min(ZIP_MAX_RATIO * size, _unpacked_cap())


def _package_type(archive: zipfile.ZipFile) -> FileType:
    """XLSX or DOCX by the exact content type of the main part the package names, which must
    be present; macro-enabled content types anywhere are refused."""
    content_types = _xml_part(archive, "[Content_Types].xml")
    declared = {}
    for element in content_types:
        content_type = element.get("ContentType", "")
        if _MACRO_TYPE.search(content_type):
            raise _Refused("macro")
        if element.tag == f"{_CONTENT_TYPES}Override":
            declared[element.get("PartName", "").lower()] = content_type
    targets = [
        element.get("Target", "")
        for element in _xml_part(archive, "_rels/.rels")
        if element.tag == f"{_RELATIONSHIPS}Relationship"
        and element.get("Type") in _OFFICE_DOCUMENT
        and element.get("TargetMode", "Internal") == "Internal"
    ]
    if len(targets) != 1:
        raise _Refused("bad_type")
    main = posixpath.normpath("/" + targets[0].lstrip("/"))  # e.g. /xl/workbook.xml
    file_type = _MAIN_TYPES.get(declared.get(main.lower(), ""))
    present = {name.lower() for name in archive.namelist()}
    if file_type is None or main.lstrip("/").lower() not in present:
        raise _Refused("bad_type")
    return file_type


def _xml_part(archive: zipfile.ZipFile, name: str):
    """A small XML part parsed without entities or DTDs; _Refused if missing, large or bad."""
    try:
        part = archive.getinfo(name)
        if part.file_size > ZIP_XML_LIMIT:
            raise _Refused("bad_type")
        with archive.open(part) as stream:
            return parse_xml(stream.read(ZIP_XML_LIMIT + 1))
    # Missing (KeyError), an unknown encoding (LookupError), not XML, or with DTD/entities.
    except (LookupError, ParseError, DefusedXmlException, ValueError):
        raise _Refused("bad_type") from None
    except _UNREADABLE:
        raise _Refused("damaged") from None


def _unpack_all(
    archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo], limit: int, file_type: FileType
) -> None:
    """Inflate every part in chunks: this checks each CRC, so the sizes the directory states
    (already within `limit`) are the true ones; a bomb that lies about them is refused."""
    unpacked = 0
    try:
        for part in parts:
            with archive.open(part) as stream:
                while chunk := stream.read(ZIP_CHUNK):
                    unpacked += len(chunk)
                    if unpacked > limit:
                        raise _Refused("zip_bomb")
    except (*_UNREADABLE, ValueError):
        raise _Refused("damaged", file_type) from None


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
    try:
        file_type = _detect(upload)
    except _Refused as refused:
        raise _refusal(refused, name) from None
    finally:
        upload.seek(0)
    extension = PurePosixPath(name).suffix.lower()
    if extension not in file_type.extensions:
        raise ValidationError(
            FILE_TYPE_MISMATCH,
            code="type_mismatch",
            params={"name": name, "ext": extension.lstrip(".") or "?"},
        )
    return CheckedFile(upload=upload, name=name, file_type=file_type)


def _refusal(refused: _Refused, name: str) -> ValidationError:
    if refused.code == "zip_bomb":
        params = {
            "name": name,
            "limit": filesizeformat(_unpacked_cap()),
            "ratio": ZIP_MAX_RATIO,
            "parts": ZIP_MAX_ENTRIES,
        }
        return ValidationError(FILE_ZIP_BOMB, code="zip_bomb", params=params)
    if refused.code == "macro":
        return ValidationError(FILE_MACRO, code="macro", params={"name": name})
    if refused.code == "damaged":
        kind = refused.file_type.label if refused.file_type else "Excel / Word"
        return ValidationError(FILE_DAMAGED, code="damaged", params={"name": name, "kind": kind})
    return ValidationError(FILE_BAD_TYPE, code="bad_type", params={"name": name})


_url_validator = URLValidator(schemes=["http", "https"])


def check_link(raw: str) -> str:
    """An http(s) address, or ValidationError (javascript:, file:, data: … are refused)."""
    url = raw.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:  # e.g. an unclosed IPv6 bracket: "http://[::1"
        raise ValidationError(LINK_INVALID, code="bad_link") from None
    if len(url) > 500 or scheme not in {"http", "https"}:
        raise ValidationError(LINK_INVALID, code="bad_link")
    try:
        _url_validator(url)
    except ValidationError:
        raise ValidationError(LINK_INVALID, code="bad_link") from None
    return url
