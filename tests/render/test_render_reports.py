"""The round report (a province's counties; a city's regions) and a region's profile report,
as printed: converted to PDF with LibreOffice, each page to PNG under test-output/render/,
and checked for what a reader would notice: the number of pages, no text clipped by a full
neighbour cell (font metrics of text_fit.py), every page carrying the round's running header.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from assessment.collection.models import Round
from assessment.demo.demo import seed_demo
from tests.render.text_fit import overflows

OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "render"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdftoppm") is None,
    reason="LibreOffice and poppler-utils render the reports (make render installs none; "
    ".ci/run does)",
)


def to_pdf(workbook: Path) -> Path:
    profile = workbook.parent / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(workbook.parent), str(workbook)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return workbook.with_suffix(".pdf")


def sheets_of(pdf: Path) -> Counter:
    """Printed pages per sheet: each page's running header ends with its sheet's name."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    counts: Counter = Counter()
    for page in text.split("\f"):
        lines = [line for line in page.splitlines() if line.strip()]
        if lines:
            counts[lines[0].split()[-1]] += 1
    return counts


def pages_of(pdf: Path) -> list[str]:
    """The text of each page, without white space (pdftotext spaces CJK text from digits)."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")
    return ["".join(page.split()) for page in pages]


def save_pngs(pdf: Path, name: str, *, first: int = 1, last: int = 12) -> list[Path]:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for old in OUTPUT.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", str(first), "-l", str(last), str(pdf),
         str(OUTPUT / name)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return sorted(OUTPUT.glob(f"{name}-*.png"))


@pytest.fixture
def demo(db):
    seed_demo()
    return Round.objects.get(period="2025", scope_id="330000")


def check_workbook(path: Path) -> None:
    problems = overflows(load_workbook(path))
    assert not problems, "\n".join(
        f"{p.sheet}!{p.cell}: {p.text!r} needs {p.needed:.0f} pt, has {p.available:.0f}"
        for p in problems[:20]
    )


def render(path: Path, name: str, round_name: str) -> tuple[list[str], Counter]:
    """The pages' text and the pages per sheet."""
    pdf = to_pdf(path)
    pages = pages_of(pdf)
    assert save_pngs(pdf, name), "no page rendered"
    shutil.copy(pdf, OUTPUT / f"{name}.pdf")
    headed = [i for i, page in enumerate(pages, 1) if round_name not in page]
    assert not headed, f"pages without the running header: {headed[:10]}"
    return pages, sheets_of(pdf)


def test_the_province_county_report_prints_as_a_document(demo, tmp_path):
    path = tmp_path / "round-county.xlsx"
    call_command("export_round", str(demo.pk), str(path), "--level", "county")
    check_workbook(path)
    _, sheets = render(path, "round-county", demo.name)
    # 90 counties: each sheet on the pages a reader expects (the first version printed all
    # 47 indicators on one page at 3 pt, 121 pages in all, 109 of them raw values one per row)
    budget = {"总体情况": 6, "排名": 5, "维度得分": 3, "指标得分": 10, "图表": 2, "说明": 10,
              "原始数据": 10}  # fmt: skip
    over = {sheet: n for sheet, n in sheets.items() if n > budget.get(sheet, 2)}
    assert not over, (over, sheets)


def test_a_city_scoped_report_prints_as_a_document(demo, tmp_path):
    path = tmp_path / "round-hangzhou.xlsx"
    call_command("export_round", str(demo.pk), str(path), "--parent", "330100")
    check_workbook(path)
    pages, sheets = render(path, "round-hangzhou", demo.name)
    assert "杭州市" in pages[0]
    assert sheets["排名"] <= 2 and sheets["总体情况"] <= 6, sheets


def test_a_region_profile_report_prints_as_a_document(demo, tmp_path, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="evaluator"))
    response = client.get(reverse("assessment:profile_report", args=[demo.pk, "330106"]))
    assert response.status_code == 200
    path = tmp_path / "profile-xihu.xlsx"
    path.write_bytes(b"".join(response.streaming_content) if response.streaming else
                     response.content)  # fmt: skip
    check_workbook(path)
    pages, _ = render(path, "profile-xihu", demo.name)
    assert len(pages) <= 12, len(pages)


def test_the_written_report_prints_as_a_document(demo, tmp_path):
    path = tmp_path / "written-county.docx"
    call_command("export_round", str(demo.pk), str(path), "--level", "county", "--format", "docx")
    pdf = to_pdf(path)
    pages = pages_of(pdf)
    assert save_pngs(pdf, "written-county", last=20)
    shutil.copy(pdf, OUTPUT / "written-county.pdf")
    assert "评估报告" in pages[0] and demo.name in pages[0]  # the cover
    unheaded = [i for i, page in enumerate(pages[1:], 2) if demo.name not in page]
    assert not unheaded, f"pages without the running header: {unheaded[:10]}"
    chapters = ["一、总体情况", "二、分领域情况", "三、排名情况", "七、典型案例", "附录"]
    text = "\f".join(pages)
    assert all(chapter in text for chapter in chapters)
    # 90 counties: a cover, the narrative and charts, the ranking over a few pages, appendix
    assert 8 <= len(pages) <= 30, len(pages)
