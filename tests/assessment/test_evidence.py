"""Evidence files are accepted by content, not by name; links must be http(s)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from assessment.services.evidence import check_evidence_file, check_file_name, check_link
from tests.assessment.conftest import (
    EXE_BYTES,
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    office_bytes,
    upload,
)

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def real_xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("报告.pdf", PDF_BYTES, "pdf"),
        ("photo.PNG", PNG_BYTES, "png"),
        ("photo.jpeg", JPEG_BYTES, "jpg"),
        ("photo.jpg", JPEG_BYTES, "jpg"),
        ("台账.xlsx", real_xlsx(), "xlsx"),
        ("制度.docx", office_bytes(DOCX_MAIN), "docx"),
    ],
)
def test_accepted_files(name, content, kind):
    checked = check_evidence_file(upload(name, content))
    assert checked.file_type.kind == kind
    assert checked.name == name


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("report.pdf", EXE_BYTES, "bad_type"),  # a renamed .exe
        ("setup.exe", EXE_BYTES, "bad_type"),
        ("macro.xlsx", office_bytes(XLSM_MAIN), "bad_type"),  # macro-enabled workbook
        ("plain.xlsx", b"PK\x03\x04" + b"\x00" * 40, "bad_type"),  # a zip, but not OOXML
        ("report.png", PDF_BYTES, "type_mismatch"),  # a PDF calling itself a picture
        ("report.pdf.exe", PDF_BYTES, "type_mismatch"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_refused_files(name, content, code):
    with pytest.raises(ValidationError) as error:
        check_evidence_file(upload(name, content))
    assert error.value.code == code
    assert error.value.messages  # a message people can read


def test_size_limit_comes_from_settings(settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        check_evidence_file(upload("big.pdf", PDF_BYTES + b"0" * 2000))
    assert error.value.code == "too_large"
    assert "1.0" in error.value.messages[0]  # the limit is stated


@pytest.mark.parametrize(
    "name",
    [
        "..%2F..%2Fetc%2Fpasswd.pdf",
        "%2e%2e%5creport.pdf",
        "..report.pdf",
        ".htaccess.pdf",
        "C:report.pdf",
        "a/b.pdf",
        "a\\b.pdf",
        "report\x00.pdf",
        "-rf.pdf",
        "x" * 200 + ".pdf",
    ],
)
def test_path_tricks_in_names_are_refused(name):
    with pytest.raises(ValidationError) as error:
        check_file_name(name)
    assert error.value.code == "bad_name"


@pytest.mark.parametrize("url", ["https://zj.gov.cn/report", "http://10.1.2.3:8080/a?b=c"])
def test_http_links_are_accepted(url):
    assert check_link(url) == url


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "file:///etc/passwd", "ftp://x.cn/a", "data:text/html,x", "zj.gov.cn"],
)
def test_other_links_are_refused(url):
    with pytest.raises(ValidationError):
        check_link(url)
