"""The written report as PDF: the .docx converted by LibreOffice headless, when the machine has
it (`soffice` on the PATH, or SOFFICE in the environment). Without it, PDF is not offered."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

#: Seconds a conversion may take before it is given up (a national report is ~100 pages).
TIMEOUT = 300


class PdfUnavailable(RuntimeError):
    """No LibreOffice on this machine, or it failed to convert."""


def soffice() -> str | None:
    return os.environ.get("SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: Path, pdf: Path) -> None:
    """Convert `docx` into `pdf` (its own throwaway LibreOffice profile: conversions running
    side by side must not share one)."""
    program = soffice()
    if program is None:
        raise PdfUnavailable("LibreOffice (soffice) is not installed on this machine.")
    with tempfile.TemporaryDirectory() as work:
        command = [program, f"-env:UserInstallation=file://{work}/profile", "--headless",
                   "--convert-to", "pdf", "--outdir", work, str(docx)]  # fmt: skip
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            raise PdfUnavailable(f"LibreOffice could not convert the report: {error}") from error
        made = Path(work) / (docx.stem + ".pdf")
        if not made.exists():
            raise PdfUnavailable("LibreOffice wrote no PDF.")
        shutil.move(str(made), pdf)
