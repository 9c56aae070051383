"""Evidence: files accepted by content, not by name; links must be http(s); stored under a
generated name and served only to those who may see the submission."""

from __future__ import annotations

import io
import random
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.urls import reverse

from assessment.collection.models import AuditEntry, Evidence, Submission
from assessment.core.evidence import check_evidence_file, check_file_name, check_link
from tests.assessment.conftest import entry_url, fill, form_data, upload, value_of
from tests.assessment.files import (
    EXE_BYTES,
    PDF_BYTES,
    REAL_JPEG,
    REAL_PNG,
    XLSM_MAIN,
    XLSX_MAIN,
    office_bytes,
    real_docx,
    real_xlsx,
    repacked_xlsx,
    tiny_pdf,
    zip_bytes,
)


def refused(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        check_evidence_file(upload(name, content))
    assert error.value.messages  # a message people can read
    return error.value


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("报告.pdf", PDF_BYTES, "pdf"),
        ("photo.PNG", REAL_PNG, "png"),
        ("photo.jpeg", REAL_JPEG, "jpg"),
        ("photo.jpg", REAL_JPEG, "jpg"),
        ("台账.xlsx", real_xlsx(), "xlsx"),
        ("制度.docx", real_docx(), "docx"),
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
        ("macro.xlsx", office_bytes(XLSM_MAIN), "macro"),  # macro-enabled workbook
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


# --- The whole file is checked, not only its first bytes -----------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        tiny_pdf(),
        tiny_pdf(b"\r\n\x00\x00"),  # padding after the trailer
        tiny_pdf() + b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n%%EOF\n",  # updated
    ],
)
def test_a_complete_pdf_is_accepted(content):
    assert check_evidence_file(upload("制度.pdf", content)).file_type.kind == "pdf"


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n",
        b"%PDF-1.4\n<!DOCTYPE html><html><script>alert(1)</script></html>\n%%EOF\n",
        tiny_pdf(b"<html><script>alert(1)</script></html>\n"),  # HTML after the trailer
    ],
)
def test_html_behind_a_pdf_header_is_refused(content):
    assert refused("report.pdf", content).code == "bad_type"


@pytest.mark.parametrize(
    "content",
    [
        tiny_pdf()[:-10],  # cut before its %%EOF
        tiny_pdf(b"\x00" * 2000),  # %%EOF not within the last 1024 bytes
    ],
)
def test_a_pdf_without_its_trailer_is_refused(content):
    assert refused("report.pdf", content).code == "damaged"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.png", REAL_PNG[:-12]),  # IEND missing
        ("photo.png", REAL_PNG[:30]),
        ("photo.jpg", REAL_JPEG[:-2]),  # EOI missing
        ("photo.jpg", REAL_JPEG + b"<html><script>alert(1)</script></html>"),
    ],
)
def test_truncated_pictures_are_refused(name, content):
    assert refused(name, content).code == "damaged"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.png", REAL_PNG + b"\x00" * 16),
        ("photo.jpg", REAL_JPEG + b"\x00" * 16),
        ("photo.jpg", REAL_JPEG + b"\x00" * 40 + b"\x00\x00\x00\x40SEFT"),  # Samsung trailer
    ],
)
def test_pictures_with_padding_or_a_phone_trailer_are_accepted(name, content):
    assert check_evidence_file(upload(name, content)).name == name


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [("制度.pdf", tiny_pdf(), "pdf"), ("台账.xlsx", real_xlsx(), "xlsx")],
)
def test_uploads_on_disk_are_checked_and_rewound(name, content, kind):
    """Large uploads arrive as temporary files: read in parts, left at the start for saving."""
    with TemporaryUploadedFile(name, "application/octet-stream", len(content), None) as file:
        file.write(content)
        file.seek(0)
        assert check_evidence_file(file).file_type.kind == kind
        assert file.tell() == 0 and file.read() == content


def test_a_word_online_document_is_accepted():
    checked = check_evidence_file(upload("制度.docx", real_docx(main="word/document2.xml")))
    assert checked.file_type.kind == "docx"


def test_a_zip_bomb_with_valid_content_types_is_refused():
    """200 MB of zeros deflate to about 200 kB: a ratio of about 1000."""
    buffer = io.BytesIO(repacked_xlsx())
    with zipfile.ZipFile(buffer, "a") as archive:
        part = zipfile.ZipInfo("xl/worksheets/sheet2.xml")
        part.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(part, "w") as stream:
            zeros = bytes(1024 * 1024)
            for _ in range(200):
                stream.write(zeros)
    assert len(buffer.getvalue()) < 1024 * 1024
    assert refused("台账.xlsx", buffer.getvalue()).code == "zip_bomb"


def test_unpacked_size_is_limited_by_the_evidence_limit(settings):
    """Compressed only about 64 times (like dense real sheets), but 12 MB unpacked is more than
    30 times a 256 kB limit."""
    settings.EVIDENCE_MAX_BYTES = 256 * 1024
    rng = random.Random(15)
    sheet = b"".join(rng.randbytes(8) + b"a" * 800 for _ in range(12 * 1024 * 1024 // 808))
    content = repacked_xlsx(add={"xl/worksheets/sheet2.xml": sheet})
    assert len(content) < settings.EVIDENCE_MAX_BYTES
    assert refused("台账.xlsx", content).code == "zip_bomb"


def test_too_many_parts_are_refused():
    parts = {f"customXml/item{n}.xml": "<x/>" for n in range(2100)}
    assert refused("台账.xlsx", repacked_xlsx(add=parts)).code == "zip_bomb"


def test_sizes_the_archive_lies_about_are_found_by_unpacking():
    """The directory says 1000 bytes; the data inflates to 1 MB (and a CRC of something else)."""
    content = bytearray(repacked_xlsx(add={"xl/worksheets/sheet2.xml": bytes(1024 * 1024)}))
    name = b"xl/worksheets/sheet2.xml"
    local = content.index(name) - 30  # the local header comes first, then the data
    assert content[local : local + 4] == b"PK\x03\x04"
    content[local + 22 : local + 26] = struct.pack("<I", 1000)
    central = content.index(name, local + 31) - 46  # then the central directory
    assert content[central : central + 4] == b"PK\x01\x02"
    content[central + 24 : central + 28] = struct.pack("<I", 1000)
    assert refused("台账.xlsx", bytes(content)).code == "damaged"


def test_data_appended_to_a_workbook_is_refused():
    content = real_xlsx() + b"<html><script>alert(1)</script></html>"
    assert refused("台账.xlsx", content).code == "bad_type"


@pytest.mark.parametrize(
    "part", ["xl/vbaProject.bin", "xl/activeX/activeX1.bin", "xl/macrosheets/sheet1.xml"]
)
def test_a_workbook_carrying_macros_is_refused(part):
    """It declares the normal workbook type, but has a VBA project, an ActiveX control or an
    Excel 4 macro sheet inside."""
    content = repacked_xlsx(add={part: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64)})
    assert refused("台账.xlsx", content).code == "macro"


def test_a_document_carrying_macros_is_refused():
    with zipfile.ZipFile(io.BytesIO(real_docx())) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + bytes(64)
    assert refused("制度.docx", zip_bytes(parts)).code == "macro"


@pytest.mark.parametrize(
    "edit",
    [
        # the normal workbook, and a macro-enabled one beside it
        lambda xml: xml.replace(
            "</Types>", f'<Override PartName="/xl/macro.xml" ContentType="{XLSM_MAIN}"/></Types>'
        ),
        # the workbook is macro-enabled; the normal type is only declared for another extension
        lambda xml: xml.replace(XLSX_MAIN, XLSM_MAIN).replace(
            "</Types>", f'<Default Extension="bin" ContentType="{XLSX_MAIN}"/></Types>'
        ),
    ],
)
def test_a_macro_enabled_content_type_anywhere_is_refused(edit):
    assert refused("台账.xlsx", repacked_xlsx(content_types=edit)).code == "macro"


@pytest.mark.parametrize(
    "content",
    [
        repacked_xlsx(drop=("xl/workbook.xml",)),  # declared, but not there
        repacked_xlsx(drop=("_rels/.rels",)),  # nothing says which part is the workbook
        # the normal type only in a comment; the workbook is declared a template
        repacked_xlsx(
            content_types=lambda xml: xml.replace(
                XLSX_MAIN,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
            ).replace("</Types>", f"<!-- {XLSX_MAIN} --></Types>")
        ),
    ],
)
def test_the_main_part_must_be_declared_exactly_and_present(content):
    assert refused("台账.xlsx", content).code == "bad_type"


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
        ("台账.xlsx", repacked_xlsx(add={"xl/vbaProject.bin": b"\xd0\xcf"}), "macros"),
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
