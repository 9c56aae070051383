"""The written report of a round report, as .docx or .pdf: what the job, the command and the
tests call."""

from __future__ import annotations

import tempfile
from pathlib import Path

from assessment.dashboards.reports.sheets import Progress, no_progress
from assessment.dashboards.reports.written.content import written_content
from assessment.dashboards.reports.written.document import write_written_report
from assessment.dashboards.reports.written.pdf import docx_to_pdf
from assessment.dashboards.selectors.reports import RoundReport
from assessment.dashboards.selectors.summary import summary

FORMATS = ("docx", "pdf")


def write_written(report: RoundReport, target: Path, *, fmt: str = "docx",
                  progress: Progress = no_progress) -> None:  # fmt: skip
    """Write the written report of `report` to `target` as `fmt` ("docx" or "pdf")."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}")
    progress(0.02, "")
    summary_ = summary(report)
    content = written_content(report, summary_)
    if fmt == "docx":
        write_written_report(report, summary_, content, target, progress=progress)
        return
    with tempfile.TemporaryDirectory() as work:
        docx = Path(work) / "report.docx"
        write_written_report(report, summary_, content, docx, progress=progress)
        progress(0.95, "PDF")
        docx_to_pdf(docx, target)
