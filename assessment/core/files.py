"""Download names: a readable Chinese name for browsers that understand RFC 5987
(`filename*`), and a plain ASCII fallback for those that do not."""

from __future__ import annotations

import re
from urllib.parse import quote

# Characters no file system or header should see: separators, quotes, controls.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f;]+')
_NOT_ASCII_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def clean_name(name: str, *, limit: int = 120) -> str:
    """A file name without path separators, quotes or control characters."""
    cleaned = _UNSAFE.sub("_", name).strip(" ._") or "report"
    stem, dot, extension = cleaned.rpartition(".")
    if dot and len(extension) <= 5 and len(cleaned) > limit:
        return stem[: limit - len(extension) - 1] + "." + extension
    return cleaned[:limit]


def ascii_name(name: str) -> str:
    """The fallback: ASCII letters, digits, dot, dash and underscore only."""
    return _NOT_ASCII_NAME.sub("-", name).strip("-.") or "report"


def content_disposition(name: str, fallback: str) -> str:
    """`attachment; filename="<fallback>"; filename*=UTF-8''<name, percent-encoded>`."""
    readable = clean_name(name)
    plain = ascii_name(fallback)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(readable, safe='')}"
