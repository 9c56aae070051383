"""Evidence of a rectification: the entry form's upload rules, served only through a view
that checks who may see the task."""

from __future__ import annotations

from django.urls import reverse

from assessment.rectification.models import TaskEvidence
from tests.assessment.conftest import upload
from tests.assessment.files import EXE_BYTES, PDF_BYTES, PNG_BYTES


def answer(client, task, **files):
    return client.post(reverse("assessment:task_answer", args=[task.pk]), {"note": "佐证", **files})


def test_a_pdf_and_a_link_are_kept_under_a_generated_name(client, xihu_task, staff_xihu, settings):
    client.force_login(staff_xihu)
    response = answer(client, xihu_task, files=upload("整改报告.pdf", PDF_BYTES),
                      link="https://data.example.gov.cn/fix")  # fmt: skip
    assert response.status_code == 302
    items = {item.kind: item for item in TaskEvidence.objects.filter(task=xihu_task)}
    stored = items["file"]
    assert stored.original_name == "整改报告.pdf" and stored.content_type == "application/pdf"
    assert stored.file.name.startswith(f"rectification/{xihu_task.round_id}/330106/")
    assert "整改报告" not in stored.file.name
    assert items["link"].url == "https://data.example.gov.cn/fix"
    download = client.get(reverse("assessment:task_evidence", args=[stored.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert "attachment" in download["Content-Disposition"]


def test_files_are_judged_by_their_content(client, xihu_task, staff_xihu):
    client.force_login(staff_xihu)
    response = answer(client, xihu_task, files=upload("plan.pdf", EXE_BYTES))
    assert response.status_code == 400
    assert "“plan.pdf”不是可接受的文件" in response.content.decode()
    response = answer(client, xihu_task, files=upload("photo.pdf", PNG_BYTES))
    assert response.status_code == 400 and 'data-testid="file-error"' in response.content.decode()
    response = answer(client, xihu_task, files=upload(".hidden.pdf", PDF_BYTES))
    assert response.status_code == 400
    assert TaskEvidence.objects.count() == 0
    xihu_task.refresh_from_db()
    assert xihu_task.status == "open"  # nothing was saved from a refused answer


def test_files_above_the_limit_are_refused(client, xihu_task, staff_xihu, settings):
    settings.EVIDENCE_MAX_BYTES = 20
    client.force_login(staff_xihu)
    response = answer(client, xihu_task, files=upload("big.pdf", PDF_BYTES))
    assert response.status_code == 400 and "big.pdf" in response.content.decode()
    assert TaskEvidence.objects.count() == 0


def test_links_must_be_web_addresses(client, xihu_task, staff_xihu):
    client.force_login(staff_xihu)
    response = answer(client, xihu_task, link="javascript:alert(1)")
    assert response.status_code == 400 and TaskEvidence.objects.count() == 0


def test_only_people_who_see_the_region_download(
    client, xihu_task, staff_xihu, staff_binjiang, supervisor_ningbo, evaluator_zhejiang
):
    client.force_login(staff_xihu)
    answer(client, xihu_task, files=upload("fix.pdf", PDF_BYTES))
    item = TaskEvidence.objects.get()
    url = reverse("assessment:task_evidence", args=[item.pk])
    for user, status in ((evaluator_zhejiang, 200), (staff_binjiang, 404),
                         (supervisor_ningbo, 404)):  # fmt: skip
        client.force_login(user)
        assert client.get(url).status_code == status
    client.logout()
    assert client.get(url).status_code == 302
