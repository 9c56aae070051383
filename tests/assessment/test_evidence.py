"""Evidence: files accepted by content, not by name; links must be http(s); stored under a
generated name and served only to those who may see the submission."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook

from assessment.models import AuditEntry, Evidence, Submission
from assessment.services.evidence import check_evidence_file, check_file_name, check_link
from tests.assessment.conftest import (
    EXE_BYTES,
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    entry_url,
    fill,
    form_data,
    office_bytes,
    upload,
    value_of,
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


# --- Through the entry form -----------------------------------------------------------------------


def test_evidence_upload_is_stored_under_a_generated_name(client, staff_xihu, xihu, settings):
    client.force_login(staff_xihu)
    data = form_data(xihu)
    data["file-DS.5.1"] = upload("分类分级制度.pdf", PDF_BYTES)
    data["link-DS.5.2"] = "https://zj.gov.cn/incidents"
    assert client.post(entry_url(xihu), data).status_code == 302
    stored = Evidence.objects.get(submission=xihu, kind="file")
    assert stored.original_name == "分类分级制度.pdf" and stored.indicator.code == "DS.5.1"
    assert stored.content_type == "application/pdf" and stored.size == len(PDF_BYTES)
    path = settings.MEDIA_ROOT / stored.file.name
    assert path.read_bytes() == PDF_BYTES
    assert "分类分级" not in stored.file.name and stored.file.name.endswith(".pdf")
    assert stored.file.name.startswith(f"evidence/{xihu.round_id}/330106/")
    assert Evidence.objects.get(submission=xihu, kind="link").url == "https://zj.gov.cn/incidents"
    assert AuditEntry.objects.filter(submission=xihu, action="evidence_added").count() == 2


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("report.pdf", EXE_BYTES, "PDF"),  # a renamed .exe: the accepted types are listed
        ("..%2F..%2Fsettings.pdf", PDF_BYTES, "not allowed"),
    ],
)
def test_refused_uploads_come_back_with_a_message(
    client, staff_xihu, xihu, settings, name, content, fragment
):
    client.force_login(staff_xihu)
    settings.LANGUAGE_CODE = "en"
    data = form_data(xihu, {"value-DS.1.1": "85"})
    data["file-DS.5.1"] = upload(name, content)
    response = client.post(entry_url(xihu), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    error = page.split('data-testid="file-error-DS.5.1"')[1].split("</div>")[0]
    assert fragment in error
    assert not Evidence.objects.exists()
    assert not (settings.MEDIA_ROOT / "evidence").exists() or not any(
        (settings.MEDIA_ROOT / "evidence").rglob("*.*")
    )
    assert value_of(xihu, "DS.1.1") == 85  # the rest of the form was saved


def test_too_large_uploads_are_refused(client, staff_xihu, xihu, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    client.force_login(staff_xihu)
    data = form_data(xihu)
    data["file-DS.5.1"] = upload("big.pdf", PDF_BYTES + b"x" * 200)
    page = client.post(entry_url(xihu), data).content.decode()
    assert 'data-testid="file-error-DS.5.1"' in page
    assert not Evidence.objects.exists()


def test_a_path_in_the_raw_upload_name_never_reaches_the_disk(client, staff_xihu, xihu, settings):
    """Browsers may send `filename="../../x"`; Django keeps only the last part and we store
    the file under a generated name inside MEDIA_ROOT/evidence whatever it was."""
    client.force_login(staff_xihu)
    boundary = "BoUnDaRy"
    fields = form_data(xihu)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file-DS.5.1"; '
        f'filename="../../../../tmp/evil.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        + PDF_BYTES
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    client.post(entry_url(xihu), body, content_type=f"multipart/form-data; boundary={boundary}")
    stored = Evidence.objects.get(submission=xihu)
    assert stored.original_name == "evil.pdf"
    resolved = (settings.MEDIA_ROOT / stored.file.name).resolve()
    assert resolved.is_relative_to((settings.MEDIA_ROOT / "evidence").resolve())


def test_javascript_links_are_refused(client, staff_xihu, xihu):
    client.force_login(staff_xihu)
    data = form_data(xihu, {"link-DS.5.1": "javascript:alert(1)"})
    page = client.post(entry_url(xihu), data).content.decode()
    assert "javascript:alert(1)" in page  # kept in the field, with an error
    assert not Evidence.objects.exists()


def test_evidence_can_be_removed(client, staff_xihu, xihu):
    fill(xihu, staff_xihu)
    client.force_login(staff_xihu)
    link = Evidence.objects.filter(submission=xihu).first()
    client.post(entry_url(xihu), form_data(xihu, {"remove-evidence": str(link.pk)}))
    assert not Evidence.objects.filter(pk=link.pk).exists()
    assert AuditEntry.objects.filter(
        submission=xihu, action="evidence_removed", old=link.url
    ).exists()


def test_evidence_of_another_submission_cannot_be_removed(client, staff_xihu, staff_binjiang, xihu):
    binjiang = Submission.objects.get(round=xihu.round, region_id="330108")
    fill(binjiang, staff_binjiang)
    theirs = Evidence.objects.filter(submission=binjiang).first()
    client.force_login(staff_xihu)
    client.post(entry_url(xihu), form_data(xihu, {"remove-evidence": str(theirs.pk)}))
    assert Evidence.objects.filter(pk=theirs.pk).exists()


@pytest.fixture
def stored_pdf(client, staff_xihu, xihu):
    client.force_login(staff_xihu)
    data = form_data(xihu)
    data["file-DS.5.1"] = upload("制度.pdf", PDF_BYTES)
    client.post(entry_url(xihu), data)
    client.logout()
    return Evidence.objects.get(submission=xihu)


@pytest.mark.parametrize("reader", ["staff_xihu", "supervisor_hangzhou", "administrator"])
def test_evidence_is_served_to_those_who_may_see_the_submission(
    client, stored_pdf, reader, request
):
    client.force_login(request.getfixturevalue(reader))
    response = client.get(reverse("assessment:evidence", args=[stored_pdf.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize("outsider", ["staff_binjiang", "supervisor_ningbo", "nobody"])
def test_foreign_users_cannot_download_evidence(client, stored_pdf, outsider, request):
    client.force_login(request.getfixturevalue(outsider))
    assert client.get(reverse("assessment:evidence", args=[stored_pdf.pk])).status_code == 404


def test_evidence_files_are_not_under_any_public_url(client, stored_pdf, staff_xihu):
    client.force_login(staff_xihu)
    assert client.get(f"/media/{stored_pdf.file.name}").status_code == 404
    assert client.get(f"/media-not-served/{stored_pdf.file.name}").status_code == 404
