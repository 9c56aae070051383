"""Bulk Excel import at national scale: 3,213 regions × 43 indicators.

A nationwide round (no scope; provinces, cities and counties) is opened, a workbook with a value
in every cell is written through the export, the values are cleared, and then the import is
timed: the dry run (check only) and the apply (check again, then write 138,159 values, as many
audit entries, and a new version for 3,213 submissions). Target: dry run + apply ≤ 15 s, peak
memory ≤ 300 MB. Each timed import runs in a fresh child process, so its peak RSS is its own.

.venv/bin/python bench/bench_import.py
.venv/bin/python bench/bench_import.py --database-url postgres://postgres@127.0.0.1:5432/postgres
.venv/bin/python bench/bench_import.py --baseline-ref <commit>   # that commit's import beside
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _setup import bootstrap, checkouts, machine, max_rss_mb, parser, use_checkout

TARGET_SECONDS = 15.0
TARGET_MB = 300.0


def child(round_id: int, path: str) -> None:
    """One dry run and one apply in this (fresh) process; prints a JSON line."""
    use_checkout()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from assessment.collection.models import Round
    from assessment.collection.services.importing import ImportRules, apply_file, check_import

    round_ = Round.objects.get(pk=round_id)
    started = time.perf_counter()
    dry = check_import(round=round_, source=path, rules=ImportRules())
    middle = time.perf_counter()
    applied = apply_file(round=round_, path=path, user=None, rules=ImportRules())
    finished = time.perf_counter()
    assert dry.ok and applied.ok, dry.problems[:5]
    print(
        json.dumps(
            {
                "dry_run": middle - started,
                "apply": finished - middle,
                "changes": len(applied.changes),
                "rss_mb": max_rss_mb(),
            }
        )
    )


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(int(sys.argv[2]), sys.argv[3])
        return
    p = parser(__doc__)
    p.add_argument("--baseline-ref", help="a commit whose import to measure beside today's")
    args = p.parse_args()
    label = bootstrap(args.database_url)
    from assessment.collection.models import AuditEntry, Submission, Value
    from assessment.collection.services.exporting import export_values
    from assessment.collection.services.rounds import round_create, round_open
    from assessment.demo.demo import demo_value
    from assessment.regions.services import load_regions
    from indicators.services import load_system_file

    load_regions()
    system, _ = load_system_file()
    levels = ["city"] if args.smoke else ["province", "city", "county"]
    round_ = round_create(
        system=system,
        name="全国数字政府成熟度评估（基准测试）",
        period="2026",
        scope=None,
        levels=levels,
        opens_at=None,
        closes_at=None,
    )
    round_open(round=round_, user=None)
    submissions = list(Submission.objects.filter(round=round_).select_related("region"))
    if args.smoke:
        submissions = submissions[:20]
        Submission.objects.filter(round=round_).exclude(pk__in=[s.pk for s in submissions]).delete()
    leaves = list(system.indicators.exclude(value_type="").order_by("order"))
    Value.objects.bulk_create(
        (
            Value(submission=s, indicator=leaf, value=demo_value(s.region, leaf, 2026))
            for s in submissions
            for leaf in leaves
        ),
        batch_size=5000,
    )
    workbook = Path(tempfile.mkdtemp(prefix="bench-import-")) / "national.xlsx"
    started = time.perf_counter()
    export_values(round=round_, path=workbook)
    export_seconds = time.perf_counter() - started
    cells = len(submissions) * len(leaves)
    # Platform-fed values stay between runs: the import leaves them unchanged, as it does when
    # an exported workbook comes back; every other value is written again.
    typed_cells = len(submissions) * sum(1 for leaf in leaves if not leaf.is_fed)
    print(f"bench_import on {label} ({machine()})")
    print(
        f"  workbook: {len(submissions)} rows × {len(leaves)} columns = {cells:,} values, "
        f"{workbook.stat().st_size / 1024 / 1024:.1f} MB; export took {export_seconds:.2f} s"
    )
    repeat = 1 if args.smoke else args.repeat
    with checkouts(None if args.smoke else args.baseline_ref) as found:
        runs: dict[str, list[dict]] = {which: [] for which in found}
        for _ in range(repeat):
            for which, checkout in found.items():  # alternating: both see the same machine
                runs[which].append(import_once(round_, workbook, checkout))
                assert runs[which][-1]["changes"] == typed_cells
    assert Value.objects.filter(submission__round=round_).count() == cells
    assert AuditEntry.objects.filter(submission__round=round_).count() == typed_cells
    totals = {}
    for which, done in runs.items():
        done.sort(key=lambda run: run["dry_run"] + run["apply"])
        median = done[len(done) // 2]
        total = totals[which] = median["dry_run"] + median["apply"]
        peak = max(run["rss_mb"] for run in done)
        time_verdict = "OK" if total <= TARGET_SECONDS else "OVER TARGET"
        memory_verdict = "OK" if peak <= TARGET_MB else "OVER TARGET"
        print(f"  {which}, import (median of {len(done)}): dry run {median['dry_run']:.2f} s + "
              f"apply {median['apply']:.2f} s = {total:.2f} s (target ≤ {TARGET_SECONDS:.0f} s: "
              f"{time_verdict}); peak RSS {peak:.0f} MB (target ≤ {TARGET_MB:.0f} MB: "
              f"{memory_verdict})")  # fmt: skip
    for which, total in totals.items():
        if which != "today":
            print(f"  today / {which}: {totals['today'] / total:.2f}×")


def import_once(round_, workbook: Path, checkout: Path) -> dict:
    """Clear the round's typed values, then one dry run and one apply in a fresh child
    process."""
    from django.db import connections

    from assessment.collection.models import AuditEntry, Value
    from indicators.models import DataSource

    typed = Value.objects.filter(submission__round=round_).exclude(
        indicator__source=DataSource.PLATFORM
    )
    typed.delete()  # the import writes them all again
    AuditEntry.objects.filter(submission__round=round_).delete()
    connections.close_all()
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(round_.pk), str(workbook)],
        capture_output=True, text=True, check=True, env=os.environ, cwd=checkout,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
