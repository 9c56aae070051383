"""The import pages: dry run, report, apply, and who may use them."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessment.collection.models import AuditEntry, ImportBatch
from assessment.jobs.models import Job
from tests.assessment.collection.workbooks import put, stored, template, upload_book
from tests.assessment.jobs.worker import work_off


def test_dry_run_then_apply_through_the_pages(client, open_round, evaluator_zhejiang):
    client.force_login(evaluator_zhejiang)
    start = reverse("assessment:import", args=[open_round.pk])
    assert client.get(start).status_code == 200
    book = template(open_round)
    put(book["填报数据"], "330203", "DS.1.1", 66)
    response = client.post(start, {"workbook": upload_book(book)})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:import_report", args=[batch.pk])
    assert batch.status == "checked" and batch.summary["changes"] == 1 and not batch.problems
    assert stored(open_round, "330203", "DS.1.1") is None  # a dry run writes nothing
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="apply-import"' in page
    apply = reverse("assessment:import_apply", args=[batch.pk])
    assert client.get(apply).status_code == 405
    assert client.post(apply).status_code == 302
    assert stored(open_round, "330203", "DS.1.1") == 66
    batch.refresh_from_db()
    assert batch.status == "applied"
    client.post(apply)  # a second apply does nothing
    assert AuditEntry.objects.filter(source="import").count() == 1


def test_the_report_lists_problems_and_offers_them_as_excel(client, open_round, administrator):
    client.force_login(administrator)
    book = template(open_round)
    put(book["填报数据"], "330106", "DS.1.1", "=A1")
    client.post(reverse("assessment:import", args=[open_round.pk]), {"workbook": upload_book(book)})
    batch = ImportBatch.objects.get()
    page = client.get(reverse("assessment:import_report", args=[batch.pk])).content.decode()
    assert 'data-testid="problem-table"' in page and 'data-testid="apply-import"' not in page
    response = client.get(reverse("assessment:import_problems", args=[batch.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(2, 1).value == "填报数据" and sheet.cell(2, 3).value == "C"


def test_too_large_uploads_are_refused_and_not_kept(
    client, open_round, administrator, monkeypatch, settings
):
    from assessment.collection.services import importing

    monkeypatch.setattr(importing, "IMPORT_MAX_BYTES", 1000)
    client.force_login(administrator)
    client.post(
        reverse("assessment:import", args=[open_round.pk]),
        {"workbook": upload_book(template(open_round))},
    )
    batch = ImportBatch.objects.get()
    assert len(batch.problems) == 1 and not batch.file
    assert not (settings.MEDIA_ROOT / "imports").exists()


def test_staff_import_their_own_region(client, open_round, staff_xihu):
    client.force_login(staff_xihu)
    book = template(open_round)  # the whole round: the other rows are refused
    put(book["填报数据"], "330106", "DS.1.1", 55)
    put(book["填报数据"], "330108", "DS.1.1", 55)
    client.post(reverse("assessment:import", args=[open_round.pk]), {"workbook": upload_book(book)})
    batch = ImportBatch.objects.get()
    assert len(batch.problems) == 1 and "330108" in batch.problems[0][3]
    client.post(reverse("assessment:import_apply", args=[batch.pk]))
    assert stored(open_round, "330106", "DS.1.1") is None  # all or nothing


@pytest.mark.parametrize(
    ("user", "status"), [("supervisor_hangzhou", 403), ("other_staff", 404), ("nobody", 404)]
)
def test_who_may_import(client, open_round, user, status, request):
    client.force_login(request.getfixturevalue(user))
    start = reverse("assessment:import", args=[open_round.pk])
    assert client.get(start).status_code == status
    response = client.post(start, {"workbook": upload_book(template(open_round))})
    assert response.status_code == status
    assert not ImportBatch.objects.exists()


def test_someone_elses_import_does_not_exist(client, open_round, evaluator_zhejiang, staff_xihu):
    client.force_login(evaluator_zhejiang)
    client.post(
        reverse("assessment:import", args=[open_round.pk]),
        {"workbook": upload_book(template(open_round))},
    )
    batch = ImportBatch.objects.get()
    client.force_login(staff_xihu)
    assert client.get(reverse("assessment:import_report", args=[batch.pk])).status_code == 404
    assert client.post(reverse("assessment:import_apply", args=[batch.pk])).status_code == 404


def test_import_pages_need_a_login(client, open_round):
    response = client.get(reverse("assessment:import", args=[open_round.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_only_administrators_may_overwrite_approved_work(client, open_round, evaluator_zhejiang):
    client.force_login(evaluator_zhejiang)
    client.post(
        reverse("assessment:import", args=[open_round.pk]),
        {"workbook": upload_book(template(open_round)), "include_approved": "on"},
    )
    assert ImportBatch.objects.get().include_approved is False


def test_applying_when_the_stored_upload_is_gone_explains_itself(
    client, open_round, evaluator_zhejiang
):
    client.force_login(evaluator_zhejiang)
    book = template(open_round)
    put(book["填报数据"], "330203", "DS.1.1", 66)
    client.post(reverse("assessment:import", args=[open_round.pk]), {"workbook": upload_book(book)})
    batch = ImportBatch.objects.get()
    batch.file.storage.delete(batch.file.name)  # e.g. cleaned away by an operator
    response = client.post(reverse("assessment:import_apply", args=[batch.pk]), follow=True)
    assert response.status_code == 200
    assert "已不存在" in response.content.decode()
    assert stored(open_round, "330203", "DS.1.1") is None


def test_the_report_says_when_only_the_first_problems_are_kept(client, open_round, administrator):
    """A dry run keeps the first PROBLEMS_KEPT problems with their places and counts the rest."""
    kept = [["填报数据", 5 + n, "C", "DS.1.1: 请输入数字，例如 85.5。"] for n in range(1200)]
    batch = ImportBatch.objects.create(
        round=open_round, uploaded_by=administrator, original_name="big.xlsx", problems=kept,
        summary={"rows": 1200, "problems": 4321, "problems_complete": False},
    )  # fmt: skip
    client.force_login(administrator)
    page = client.get(reverse("assessment:import_report", args=[batch.pk])).content.decode()
    assert "≥ 4321" in page
    note = page.split('data-testid="problems-truncated"')[1].split("</p>")[0]
    assert "1200" in note and "4321" in note
    assert page.count("<tr><td>填报数据") == 1000  # the page lists the first thousand
    workbook = client.get(reverse("assessment:import_problems", args=[batch.pk])).content
    assert load_workbook(io.BytesIO(workbook)).active.max_row == 1 + 1200


@pytest.mark.django_db(transaction=True)
def test_problems_stored_as_dicts_migrate_to_lists():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    # The indicators app goes back too: its later fields are not in this historical state.
    before = [("assessment", "0007_round_year_bounds"), ("indicators", "0002_data_source")]
    executor = MigrationExecutor(connection)
    after = executor.loader.graph.leaf_nodes()  # every app back at its latest migration
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Round = apps.get_model("assessment", "Round")
    System = apps.get_model("indicators", "IndicatorSystem")
    system = System.objects.create(code="T", name_zh="测试", name_en="t", version=1)
    round_ = Round.objects.create(system=system, name="r", period="2027")
    old = [{"sheet": "填报数据", "row": 7, "column": "C", "message": "bad"}]
    batch = apps.get_model("assessment", "ImportBatch").objects.create(
        round=round_, file="imports/x.xlsx", original_name="x.xlsx", problems=old, summary={}
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    batch = ImportBatch.objects.get(pk=batch.pk)
    assert batch.problems == [["填报数据", 7, "C", "bad"]]
    assert batch.problem_count == 1
    assert batch.problem_rows() == old


# A worker runs the job: the data must be committed (tests/assessment/jobs/worker.py).
@pytest.mark.django_db(transaction=True)
def test_a_large_import_is_applied_by_a_background_job(
    client, open_round, evaluator_zhejiang, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_DIRECT_MAX_ROWS = 0  # every import counts as large
    client.force_login(evaluator_zhejiang)
    book = template(open_round)
    put(book["填报数据"], "330203", "DS.1.1", 66)
    client.post(reverse("assessment:import", args=[open_round.pk]), {"workbook": upload_book(book)})
    batch = ImportBatch.objects.get()
    apply = reverse("assessment:import_apply", args=[batch.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply)
        again = client.post(apply)  # a double click joins the same job
    job = Job.objects.get()
    assert response["Location"] == again["Location"] == reverse("assessment:job", args=[job.pk])
    assert stored(open_round, "330203", "DS.1.1") is None  # nothing written in the request
    work_off()
    job.refresh_from_db()
    assert job.state == "done" and job.attempts == 1 and "1" in job.message
    assert stored(open_round, "330203", "DS.1.1") == 66
    assert job.next_url == reverse("assessment:import_report", args=[batch.pk])
    batch.refresh_from_db()
    assert batch.status == "applied"
    # Applying it again (a stale tab) fails with the reason, and can be retried to the same end.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(apply)
    work_off()
    second = Job.objects.latest("pk")
    assert second.pk != job.pk and second.state == "failed" and "已" in second.error
