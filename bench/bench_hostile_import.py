"""Hostile workbooks are refused quickly and in little memory.

Two files found when the product was attacked from outside, for Zhejiang's round (101 regions):
a sheet with all 1,048,576 rows Excel allows, each holding an empty value, and a 20,000 × 44
sheet of text (880,000 bad cells). Each dry run runs in a fresh child process, so its peak RSS
is its own. Target: each refused in ≤ 2 s with ≤ 150 MB RSS.

`--baseline-ref <commit>` runs the same dry runs with that commit's code (a git worktree), in
the same run, for a ratio that does not depend on the machine's speed that day.

.venv/bin/python bench/bench_hostile_import.py --baseline-ref 4c89966
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from _setup import bootstrap, checkouts, machine, max_rss_mb, parser, use_checkout

TARGET_SECONDS = 2.0
TARGET_MB = 150.0
SHEET = "xl/worksheets/sheet1.xml"


def child(round_id: int, path: str) -> None:
    """One dry run in this (fresh) process; prints a JSON line."""
    use_checkout()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from assessment.collection.models import Round
    from assessment.collection.services.importing import ImportRules, check_import

    round_ = Round.objects.get(pk=round_id)
    started = time.perf_counter()
    check = check_import(round=round_, source=path, rules=ImportRules())
    seconds = time.perf_counter() - started
    count = getattr(check, "problem_count", len(check.problems))
    print(json.dumps({"seconds": seconds, "problems": count, "rss_mb": max_rss_mb()}))


def hostile_files(template: bytes, folder: Path, smoke: bool) -> dict[str, Path]:
    """The template with its rows replaced: Excel's last row, or 20,000 rows of text."""
    rows = 2_000 if smoke else 1_048_576
    text_rows = 500 if smoke else 20_000

    def empty_values(write) -> None:
        for number in range(5, rows + 1):
            write(f'<row r="{number}"><c r="C{number}" t="inlineStr"><is><t></t></is></c></row>')

    def text(write) -> None:
        cells = "".join(
            f'<c r="{column}{{n}}" t="inlineStr"><is><t>abc</t></is></c>' for column in _letters(44)
        )
        for number in range(5, text_rows + 5):
            write(f'<row r="{number}">{cells.replace("{n}", str(number))}</row>')

    files = {}
    for name, rows_writer in (("1,048,576 rows of empty values", empty_values),
                              ("20,000 × 44 cells of text", text)):  # fmt: skip
        path = folder / f"{rows_writer.__name__}.xlsx"
        _write(template, path, rows_writer)
        files[name] = path
    return files


def _letters(count: int) -> list[str]:
    from openpyxl.utils import get_column_letter

    return [get_column_letter(index) for index in range(1, count + 1)]


def _write(template: bytes, path: Path, rows_writer) -> None:
    with (
        zipfile.ZipFile(io.BytesIO(template)) as original,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename != SHEET:
                copy.writestr(item, data)
                continue
            xml = data.decode()
            head, rest = xml.split("<sheetData>", 1)
            body, tail = rest.split("</sheetData>", 1)
            header = body.split('<row r="5"', 1)[0]  # rows 1–4 of the template
            with copy.open(SHEET, "w") as stream:
                stream.write(f"{head}<sheetData>{header}".encode())
                buffer: list[str] = []

                def write(text: str, stream=stream, buffer=buffer) -> None:
                    buffer.append(text)
                    if len(buffer) >= 10_000:
                        stream.write("".join(buffer).encode())
                        buffer.clear()

                rows_writer(write)
                stream.write(("".join(buffer) + f"</sheetData>{tail}").encode())


def run_child(checkout: Path, round_id: int, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(round_id), str(path)],
        capture_output=True, text=True, check=True, env=os.environ, cwd=checkout,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(int(sys.argv[2]), sys.argv[3])
        return
    p = parser(__doc__)
    p.add_argument("--baseline-ref", help="a commit whose import to measure beside today's")
    args = p.parse_args()
    label = bootstrap(args.database_url)
    from django.db import connections

    from assessment.collection.services.exporting import export_values
    from assessment.collection.services.rounds import round_create, round_open
    from assessment.regions.models import Region
    from assessment.regions.services import load_regions
    from indicators.services import load_system_file

    load_regions()
    system, _ = load_system_file()
    zhejiang = Region.objects.get(code="330000")
    round_ = round_create(system=system, name="浙江省（基准测试）", period="2026", scope=zhejiang,
                          levels=["city", "county"], opens_at=None, closes_at=None)  # fmt: skip
    round_open(round=round_, user=None)
    folder = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    files = hostile_files(export_values(round=round_), folder, args.smoke)
    connections.close_all()
    print(f"bench_hostile_import on {label} ({machine()})")
    with checkouts(None if args.smoke else args.baseline_ref) as found:
        for name, path in files.items():
            size = path.stat().st_size / 1024 / 1024
            print(f"  {name} ({size:.1f} MB):")
            for which, checkout in found.items():
                run = run_child(checkout, round_.pk, path)
                verdict = ""
                if which == "today":
                    ok = run["seconds"] <= TARGET_SECONDS and run["rss_mb"] <= TARGET_MB
                    verdict = f" (target ≤ {TARGET_SECONDS:.0f} s, ≤ {TARGET_MB:.0f} MB: " + (
                        "OK)" if ok else "OVER TARGET)"
                    )
                print(f"    {which:>20}: {run['seconds']:.2f} s, peak RSS {run['rss_mb']:.0f} MB, "
                      f"{run['problems']:,} problems{verdict}")  # fmt: skip


if __name__ == "__main__":
    main()
