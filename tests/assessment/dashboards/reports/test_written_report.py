"""The written 评估报告 (.docx, and PDF where LibreOffice is installed): its chapters in
Chinese, its numbers from the data, its charts, the ranking cut for a very long level, the
command, and the ranking page's button that starts it as a background job."""

from __future__ import annotations

import io
import shutil
import statistics

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document

from assessment.dashboards.reports.written import document as written_document
from assessment.jobs.models import Job
from assessment.results.models import Standing

CHAPTERS = ["一、总体情况", "二、分领域情况", "三、排名情况", "四、进步情况", "五、问题清单",
            "六、整改建议", "七、典型案例", "附录"]  # fmt: skip


def export(round_, tmp_path, *args) -> Document:
    target = tmp_path / "report.docx"
    call_command("export_round", str(round_.pk), str(target), "--format", "docx", *args)
    return Document(str(target))


def headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def test_the_chapters_in_chinese_with_the_datas_numbers(computed, tmp_path):
    _, second = computed
    document = export(second, tmp_path, "--level", "county")
    assert headings(document, 1) == CHAPTERS
    counties = Standing.objects.filter(round=second, region_level="county", score__isnull=False)
    mean = statistics.fmean(counties.values_list("score", flat=True))
    figures = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert figures["地区数"] == "90"
    assert float(figures["平均得分"]) == pytest.approx(mean, abs=0.01)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "90 个县（市、区）" in text and f"{mean:.1f}" in text
    # one chart of maturity levels, one per area
    areas = second.system.indicators.filter(parent__isnull=True).count()
    assert len(document.inline_shapes) == 1 + areas
    ranking = next(t for t in document.tables if t.rows[0].cells[0].text == "名次")
    assert len(ranking.rows) == 1 + counties.count()
    # changes carry their sign, as in the Excel report: +3.10, -0.85
    changes = {row.code: row.change for row in counties}
    by_name = {row.name: row.change for row in counties}
    assert any(change and change > 0 for change in changes.values())
    for row in ranking.rows[1:]:
        change = by_name[row.cells[1].text]
        assert row.cells[5].text == ("–" if change is None else f"{change:+.2f}")
    assert second.name in document.sections[0].header.paragraphs[0].text
    assert "Assessment" not in text and "Overall" not in text  # nothing left in English


def test_a_very_long_ranking_lists_its_ends(computed, tmp_path, monkeypatch):
    _, second = computed
    monkeypatch.setattr(written_document, "RANKING_ALL", 20)
    monkeypatch.setattr(written_document, "RANKING_ENDS", 5)
    document = export(second, tmp_path, "--level", "county")
    ranking = next(t for t in document.tables if t.rows[0].cells[0].text == "名次")
    ranks = [row.cells[0].text for row in ranking.rows[1:]]
    assert ranks[:5] == ["1", "2", "3", "4", "5"] and len(ranks) == 10
    assert "完整排名见 Excel 报告" in "\n".join(p.text for p in document.paragraphs)


def test_a_city_scoped_report_names_its_scope(computed, tmp_path):
    _, second = computed
    document = export(second, tmp_path, "--level", "county", "--parent", "330100")
    cover = "\n".join(p.text for p in document.paragraphs[:20])
    assert "杭州市" in cover and "地区数：13" in cover


def test_an_unknown_format_is_refused(computed, tmp_path):
    _, second = computed
    with pytest.raises(CommandError):
        call_command("export_round", str(second.pk), str(tmp_path / "x"), "--format", "odt")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice makes the PDF")
def test_the_pdf_is_made_by_libreoffice(computed, tmp_path):
    _, second = computed
    target = tmp_path / "report.pdf"
    call_command("export_round", str(second.pk), str(target), "--format", "pdf",
                 "--level", "county", "--parent", "330100")  # fmt: skip
    assert target.read_bytes().startswith(b"%PDF")


@pytest.mark.django_db(transaction=True)
def test_the_ranking_page_starts_it_as_a_job(
    client, computed, evaluator_zhejiang, django_capture_on_commit_callbacks
):
    from tests.assessment.jobs.worker import work_off

    _, second = computed
    client.force_login(evaluator_zhejiang)
    ranking = client.get(reverse("assessment:ranking", args=[second.pk]) + "?level=county")
    assert 'data-testid="export-docx"' in ranking.content.decode()
    url = reverse("assessment:written_report", args=[second.pk]) + "?level=county&parent=330100"
    assert client.post(url, {"format": "odt"}).status_code == 400
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"format": "docx"})
    job = Job.objects.get()
    assert response["Location"] == reverse("assessment:job", args=[job.pk])
    assert job.filename.endswith(".docx") and "评估报告" in job.filename
    work_off()
    download = client.get(reverse("assessment:job_download", args=[job.pk]))
    assert download["Content-Type"].endswith("wordprocessingml.document")
    document = Document(io.BytesIO(b"".join(download.streaming_content)))
    ranking_table = next(t for t in document.tables if t.rows[0].cells[0].text == "名次")
    assert len(ranking_table.rows) == 1 + 13  # Hangzhou's counties, as the page shows them
