"""A verifier's own evidence (核验佐证): files and links an evaluator attaches to an indicator,
screenshots of the items of a sampling sheet; the region reads them, read-only, beside the
verified value. Every change is audited; nothing is stored from a refused upload."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.collection.models import (
    AuditAction,
    AuditEntry,
    AuditSource,
    RoundStatus,
    Submission,
    SubmissionStatus,
)
from assessment.results.services.compute import compute_round
from assessment.verification.models import Block, Reason, Verification, VerifierEvidence
from tests.assessment.builders import fill_values, make_round
from tests.assessment.conftest import upload
from tests.assessment.files import EXE_BYTES, REAL_JPEG, REAL_PNG, tiny_pdf
from tests.assessment.verification.test_verify import XIHU, post, url
from tests.conftest import make_user

PERCENT, AUDITED = "DS.1.1", "SV.2.1"  # a percentage; a sample-audit indicator (抽样)
LINK = "https://zwfw.zj.gov.cn/check/DS.1.1"


@pytest.fixture
def round_(regions, default_system):
    round_ = make_round(default_system, status=RoundStatus.CLOSED)
    fill_values(round_, [XIHU, "330108"], value=lambda region, leaf: Decimal("96")
                if leaf.value_type == "percent" else Decimal("1"))  # fmt: skip
    return round_


def add_url(round_, indicator=PERCENT, code=XIHU) -> str:
    return reverse("assessment:verifier_evidence_add", args=[round_.pk, code, indicator])


def download_url(item) -> str:
    return reverse("assessment:verifier_evidence", args=[item.pk])


def remove_url(item) -> str:
    return reverse("assessment:verifier_evidence_remove", args=[item.pk])


def sheet_url(round_) -> str:
    return reverse("assessment:sample_sheet", args=[round_.pk, XIHU, AUDITED])


def attach(client, round_, *files, link="", indicator=PERCENT, follow=False):
    data = {"files": list(files), "link": link}
    return client.post(add_url(round_, indicator), data, follow=follow)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def added(**filters) -> AuditEntry:
    return AuditEntry.objects.filter(action=AuditAction.EVIDENCE_ADDED, **filters)


def removed(**filters) -> AuditEntry:
    return AuditEntry.objects.filter(action=AuditAction.EVIDENCE_REMOVED, **filters)


def test_an_evaluator_attaches_files_and_a_link_listed_on_the_row_and_downloadable(
    client, round_, evaluator_zhejiang
):
    client.force_login(evaluator_zhejiang)
    pdf = tiny_pdf()
    response = attach(client, round_, upload("核查记录.pdf", pdf), upload("平台截图.png", REAL_PNG),
                      link=LINK)  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == f"{url(round_)}#verify-row-{PERCENT}"
    items = list(VerifierEvidence.objects.order_by("pk"))
    assert [(i.kind, i.label, i.sample_position) for i in items] == [
        ("file", "核查记录.pdf", None), ("file", "平台截图.png", None), ("link", LINK, None)
    ]  # fmt: skip
    assert {i.indicator.code for i in items} == {PERCENT}
    assert items[1].content_type == "image/png" and items[0].added_by == evaluator_zhejiang
    assert not items[0].file.name.endswith("核查记录.pdf")  # a generated name on disk
    page = client.get(url(round_)).content.decode()
    row = page.split(f'data-testid="verifier-evidence-{PERCENT}"')[1].split("</div>")[0]
    assert "核查记录.pdf" in row and "平台截图.png" in row and download_url(items[2]) in row
    assert f'data-testid="verifier-evidence-remove-{items[0].pk}"' in page
    assert 'form="verifier-evidence-remove"' in page  # the buttons name a form of their own
    download = client.get(download_url(items[0]))
    assert download.status_code == 200 and body(download) == pdf
    assert "attachment" in download["Content-Disposition"]
    assert client.get(download_url(items[2]))["Location"] == LINK
    audit = added(source=AuditSource.VERIFICATION, indicator__code=PERCENT)
    assert sorted(audit.values_list("new", flat=True)) == sorted(i.label for i in items)
    assert {entry.actor for entry in audit} == {evaluator_zhejiang}


def test_the_verify_page_shows_every_rows_evidence_in_the_same_number_of_queries(
    client, round_, evaluator_zhejiang
):
    client.force_login(evaluator_zhejiang)
    attach(client, round_, link=LINK)
    client.get(url(round_))
    with CaptureQueriesContext(connection) as few:
        client.get(url(round_))
    for code in ("DS.1.2", "DS.1.3", "DS.2.2"):
        attach(client, round_, upload("记录.pdf", tiny_pdf()), link=LINK, indicator=code)
    client.get(url(round_))  # the success messages shown and gone
    with CaptureQueriesContext(connection) as more:
        page = client.get(url(round_)).content.decode()
    assert page.count('data-testid="verifier-evidence-DS.') == 4
    assert len(more) == len(few), "\n".join(q["sql"][:90] for q in more.captured_queries)


def test_the_regions_staff_download_the_evidence_but_neither_add_nor_remove_it(
    client, round_, evaluator_zhejiang, staff_xihu
):
    client.force_login(evaluator_zhejiang)
    attach(client, round_, upload("核查记录.pdf", tiny_pdf()))
    item = VerifierEvidence.objects.get()
    client.force_login(staff_xihu)
    assert client.get(download_url(item)).status_code == 200
    assert attach(client, round_, link=LINK).status_code == 403
    assert client.post(remove_url(item)).status_code == 403
    assert VerifierEvidence.objects.count() == 1 and added().count() == 1 and not removed()


def test_an_evaluator_of_another_province_finds_nothing(client, round_, evaluator_zhejiang):
    client.force_login(evaluator_zhejiang)
    attach(client, round_, upload("核查记录.pdf", tiny_pdf()))
    item = VerifierEvidence.objects.get()
    client.force_login(make_user("evaluator-320000", "320000", "evaluator"))  # 江苏省
    assert attach(client, round_, link=LINK).status_code == 404
    assert client.get(download_url(item)).status_code == 404
    assert client.post(remove_url(item)).status_code == 404
    assert client.get(reverse("assessment:verifier_evidence", args=[10**30])).status_code == 404
    assert VerifierEvidence.objects.count() == 1


def test_a_verifier_removes_their_evidence_and_the_file_goes_once_committed(
    client, round_, evaluator_zhejiang, django_capture_on_commit_callbacks
):
    client.force_login(evaluator_zhejiang)
    attach(client, round_, upload("核查记录.pdf", tiny_pdf()))
    item = VerifierEvidence.objects.get()
    storage, name = item.file.storage, item.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove_url(item))
    assert response.status_code == 302 and response["Location"].startswith(url(round_))
    assert not VerifierEvidence.objects.exists() and not storage.exists(name)
    entry = removed().get()
    assert entry.old == "核查记录.pdf" and entry.source == AuditSource.VERIFICATION
    assert entry.actor == evaluator_zhejiang and entry.indicator.code == PERCENT
    assert client.get(remove_url(item)).status_code == 405


def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_stored(
    client, round_, evaluator_zhejiang
):
    client.force_login(evaluator_zhejiang)
    response = attach(client, round_, upload("核查记录.pdf", tiny_pdf()),
                      upload("report.pdf", REAL_PNG), link=LINK, follow=True)  # fmt: skip
    text = response.content.decode()
    assert response.status_code == 200 and "alert-danger" in text
    assert "report.pdf" in text and "内容与文件名不符" in text  # says which file, and why
    for bad in (upload("setup.pdf", EXE_BYTES), upload("空.pdf", b"")):
        refused = attach(client, round_, bad, follow=True)
        assert refused.status_code == 200 and bad.name in refused.content.decode()
    nothing = attach(client, round_, follow=True)  # neither a file nor a link
    assert nothing.status_code == 200 and "alert-danger" in nothing.content.decode()
    javascript = attach(client, round_, link="javascript:alert(1)")
    assert javascript.status_code == 302
    assert not VerifierEvidence.objects.exists() and not added().exists()


def test_only_a_submitted_submissions_leaf_takes_evidence_from_its_verifiers(
    client, round_, evaluator_zhejiang, staff_xihu
):
    client.force_login(staff_xihu)  # the region's own staff never verify it
    assert attach(client, round_, link=LINK).status_code == 403
    client.force_login(evaluator_zhejiang)
    assert attach(client, round_, link=LINK, indicator="DS").status_code == 404  # not a leaf
    assert attach(client, round_, link=LINK, indicator="NOPE").status_code == 404
    assert client.get(add_url(round_)).status_code == 405
    attach(client, round_, link=LINK)
    item = VerifierEvidence.objects.get()
    Submission.objects.filter(round=round_, region_id=XIHU).update(status=SubmissionStatus.DRAFT)
    response = attach(client, round_, upload("核查记录.pdf", tiny_pdf()))
    assert response.status_code == 409
    assert 'data-testid="verify-not-open"' in response.content.decode()
    assert client.post(remove_url(item)).status_code == 409
    assert client.get(download_url(item))["Location"] == LINK  # still readable
    assert VerifierEvidence.objects.count() == 1 and added().count() == 1 and not removed()


def test_an_evaluator_with_blocks_adds_evidence_only_inside_them(
    client, round_, evaluator_zhejiang, administrator
):
    Block.objects.create(round=round_, verifier=evaluator_zhejiang, region_id="330100",
                         indicator_codes=["SV"], assigned_by=administrator)  # fmt: skip
    client.force_login(evaluator_zhejiang)
    assert attach(client, round_, link=LINK).status_code == 403  # DS.1.1: not their block
    assert attach(client, round_, link=LINK, indicator=AUDITED).status_code == 302
    item = VerifierEvidence.objects.get()
    client.force_login(make_user("evaluator-330000", "330000", "evaluator"))  # no block here
    assert client.post(remove_url(item)).status_code == 403
    assert client.get(download_url(item)).status_code == 302  # but they may read it


def sheet(items, *, version=0, shots=None):
    """A sampling sheet's POST: (label, counts, position saved at) per row, screenshots by row
    index."""
    data = {"item-TOTAL_FORMS": str(len(items)), "item-INITIAL_FORMS": "0",
            "version": str(version), "note": ""}  # fmt: skip
    for index, (label, counts, position) in enumerate(items):
        data.update({f"item-{index}-label": label, f"item-{index}-counts": counts,
                     f"item-{index}-note": "", f"item-{index}-position": position})  # fmt: skip
    for index, picture in (shots or {}).items():
        data[f"item-{index}-screenshot"] = picture
    return data


def version() -> int:
    """The sheet's verification version, as the page would post it."""
    return Verification.objects.get(indicator__code=AUDITED).version


def screenshots() -> dict[int, str]:
    return dict(
        VerifierEvidence.objects.filter(indicator__code=AUDITED).values_list(
            "sample_position", "original_name"
        )
    )


def test_a_sampled_items_screenshot_stays_with_its_item_across_saves(
    client, round_, evaluator_zhejiang
):
    client.force_login(evaluator_zhejiang)
    first = sheet([("指南 1", "yes", ""), ("指南 2", "no", ""), ("指南 3", "yes", "")],
                  shots={1: upload("指南2.png", REAL_PNG)})  # fmt: skip
    assert client.post(sheet_url(round_), first).status_code == 302
    assert screenshots() == {2: "指南2.png"}
    shot = VerifierEvidence.objects.get()
    assert added(reason__contains="2", source=AuditSource.VERIFICATION).count() == 1
    form = client.get(sheet_url(round_)).content.decode()
    assert 'enctype="multipart/form-data"' in form
    row = form.split('data-testid="sample-screenshot-2"')[1].split("</td>")[0]
    assert download_url(shot) in row and "指南2.png" in row
    # Saved again without a new picture: it is kept.
    again = sheet([("指南 1", "yes", "1"), ("指南 2", "yes", "2"), ("指南 3", "yes", "3")],
                  version=version())  # fmt: skip
    assert client.post(sheet_url(round_), again).status_code == 302
    assert screenshots() == {2: "指南2.png"} and VerifierEvidence.objects.get().pk == shot.pk
    # A new picture for the item replaces the old one.
    replaced = sheet([("指南 1", "yes", "1"), ("指南 2", "yes", "2"), ("指南 3", "yes", "3")],
                     version=version(), shots={1: upload("指南2-重拍.jpg", REAL_JPEG)})  # fmt: skip
    assert client.post(sheet_url(round_), replaced).status_code == 302
    assert screenshots() == {2: "指南2-重拍.jpg"}
    assert removed(old="指南2.png").count() == 1
    # The first item cleared: the second moves up, and its picture with it.
    moved = sheet([("", "", "1"), ("指南 2", "yes", "2"), ("指南 3", "no", "3")], version=version())
    assert client.post(sheet_url(round_), moved).status_code == 302
    assert screenshots() == {1: "指南2-重拍.jpg"}
    # Fewer items: the picture of an item no longer there is removed.
    fewer = sheet([("指南 3", "no", "2")], version=version())
    assert client.post(sheet_url(round_), fewer).status_code == 302
    assert screenshots() == {} and removed(old="指南2-重拍.jpg").count() == 1
    assert added().count() == 2 and removed().count() == 2


def test_a_screenshot_must_be_a_picture_and_a_refused_sheet_stores_nothing(
    client, round_, evaluator_zhejiang
):
    client.force_login(evaluator_zhejiang)
    for bad in (upload("截图.pdf", tiny_pdf()), upload("截图.png", REAL_JPEG)):
        data = sheet([("指南 1", "yes", ""), ("指南 2", "no", "")], shots={1: bad})
        response = client.post(sheet_url(round_), data)
        text = response.content.decode()
        assert response.status_code == 200 and 'data-testid="sample-screenshot-error-2"' in text
        assert 'data-testid="sample-screenshot-error-1"' not in text and bad.name in text
    lonely = sheet([("", "", "")], shots={0: upload("截图.png", REAL_PNG)})  # a picture of what?
    assert client.post(sheet_url(round_), lonely).status_code == 200
    assert not VerifierEvidence.objects.exists() and not AuditEntry.objects.exists()


def test_a_screenshot_is_removed_from_the_sheet_and_the_page_comes_back_to_it(
    client, round_, evaluator_zhejiang
):
    client.force_login(evaluator_zhejiang)
    data = sheet([("指南 1", "yes", "")], shots={0: upload("指南1.png", REAL_PNG)})
    client.post(sheet_url(round_), data)
    shot = VerifierEvidence.objects.get()
    assert 'form="screenshot-remove"' in client.get(sheet_url(round_)).content.decode()
    response = client.post(remove_url(shot), {"next": "sample"})
    assert response.status_code == 302 and response["Location"] == sheet_url(round_)
    assert not VerifierEvidence.objects.exists() and removed(reason__contains="1").count() == 1


def test_the_region_reads_the_verifiers_evidence_beside_the_corrected_value(
    client, round_, evaluator_zhejiang, staff_xihu
):
    client.force_login(evaluator_zhejiang)
    post(client, round_, {PERCENT: {"action": "correct", "value": "40",
                                    "reason": Reason.EVIDENCE_CONTRADICTS}})  # fmt: skip
    attach(client, round_, upload("平台统计.pdf", tiny_pdf()), link=LINK)
    client.post(sheet_url(round_), sheet([("指南 1", "no", "")],
                                         shots={0: upload("指南1.png", REAL_PNG)}))  # fmt: skip
    compute_round(round_=round_, with_sensitivity=False)
    round_.status = RoundStatus.PUBLISHED
    round_.save()
    client.force_login(staff_xihu)
    profile = client.get(reverse("assessment:profile", args=[round_.pk, XIHU])).content.decode()
    cell = profile.split(f'data-testid="correction-evidence-{PERCENT}"')[1].split("</div>")[0]
    assert "平台统计.pdf" in cell and LINK in cell
    audited = profile.split(f'data-testid="correction-evidence-{AUDITED}"')[1].split("</div>")[0]
    assert "指南1.png" in audited
    assert "/remove/" not in cell + audited and "verifier-evidence-remove" not in profile
    for item in VerifierEvidence.objects.all():
        assert client.get(download_url(item)).status_code in (200, 302)
