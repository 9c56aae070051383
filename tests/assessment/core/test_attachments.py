"""The one evidence mechanism every record uses: storing checked files and links, removing
them (the file only once the removal is committed), and streaming a file to a download."""

from __future__ import annotations

from functools import partial

import pytest
from django.db import transaction
from django.http import Http404

from assessment.collection.models import Evidence
from assessment.core.attachments import attachment_response, remove_attachment, store_attachments
from assessment.core.evidence import check_evidence_file
from tests.assessment.conftest import upload
from tests.assessment.files import PDF_BYTES, REAL_JPEG


@pytest.fixture
def make(xihu):
    return partial(
        Evidence, submission=xihu, indicator=xihu.round.system.indicators.get(code="DS.5.1")
    )


def store(make, user=None, *, files=(), links=()):
    checked = [check_evidence_file(upload(name, content)) for name, content in files]
    return store_attachments(make, files=checked, links=list(links), user=user)


def test_files_then_links_are_stored_for_the_record(make, xihu, staff_xihu, settings):
    stored = store(
        make,
        staff_xihu,
        files=[("制度.pdf", PDF_BYTES), ("现场.JPEG", REAL_JPEG)],
        links=["https://zj.gov.cn/a"],
    )
    assert [item.kind for item in stored] == ["file", "file", "link"]
    assert all(item.pk and item.submission == xihu for item in stored)
    assert all(item.added_by == staff_xihu for item in stored)
    pdf, jpeg, link = stored
    assert (pdf.original_name, pdf.content_type, pdf.size) == (
        "制度.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    assert (settings.MEDIA_ROOT / pdf.file.name).read_bytes() == PDF_BYTES
    # A generated name under the record's folder, with the extension of the detected type.
    assert pdf.file.name.startswith(f"evidence/{xihu.round_id}/330106/")
    assert "制度" not in pdf.file.name and pdf.file.name.endswith(".pdf")
    assert jpeg.original_name == "现场.JPEG" and jpeg.file.name.endswith(".jpg")
    assert (link.url, link.label, link.file.name) == ("https://zj.gov.cn/a", link.url, "")


def test_a_removed_file_is_deleted_once_the_removal_is_committed(
    make, settings, django_capture_on_commit_callbacks
):
    (item,) = store(make, files=[("制度.pdf", PDF_BYTES)])
    path = settings.MEDIA_ROOT / item.file.name
    with django_capture_on_commit_callbacks(execute=True):
        remove_attachment(item)
        assert not Evidence.objects.filter(pk=item.pk).exists()
        assert path.exists()
    assert not path.exists()


def test_a_rolled_back_removal_keeps_the_file(make, settings, django_capture_on_commit_callbacks):
    (item,) = store(make, files=[("制度.pdf", PDF_BYTES)])
    path, pk = settings.MEDIA_ROOT / item.file.name, item.pk

    @transaction.atomic
    def remove_then_fail():
        remove_attachment(item)
        raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        remove_then_fail()
    assert callbacks == [] and path.exists() and Evidence.objects.filter(pk=pk).exists()


def test_a_file_is_streamed_as_a_download_under_its_original_name(make):
    (item,) = store(make, files=[("制度.pdf", PDF_BYTES)])
    response = attachment_response(item)
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%E5%88%B6%E5%BA%A6.pdf" in response["Content-Disposition"]  # 制度.pdf


def test_an_unknown_content_type_is_served_as_bytes(make):
    (item,) = store(make, files=[("制度.pdf", PDF_BYTES)])
    item.content_type = ""
    assert attachment_response(item)["Content-Type"] == "application/octet-stream"


def test_links_and_missing_files_are_not_found(make):
    link, item = store(make, links=["https://zj.gov.cn/a"]) + store(
        make, files=[("制度.pdf", PDF_BYTES)]
    )
    with pytest.raises(Http404):
        attachment_response(link)
    item.file.storage.delete(item.file.name)
    with pytest.raises(Http404):
        attachment_response(item)
