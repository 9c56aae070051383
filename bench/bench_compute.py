"""Full round recompute at national scale: read → compute → write every Result.

Target: ≤ 1.4 s on PostgreSQL (read values, run the engine, replace 212,058 Results); SQLite
reported too. Measured without and with the 1,000-draw Monte Carlo rank intervals.

    .venv/bin/python bench/bench_compute.py
    .venv/bin/python bench/bench_compute.py --database-url postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import statistics

from _setup import bootstrap, machine, max_rss_mb, parser, traced_peak

TARGET_SECONDS = 1.4


def main() -> None:
    args = parser(__doc__).parse_args()
    label = bootstrap(args.database_url)
    from national import national_round

    from assessment.results.models import Result
    from assessment.results.services.compute import compute_round

    round_ = national_round(smoke=args.smoke)
    repeat = 1 if args.smoke else args.repeat
    print(f"bench_compute on {label} ({machine()})")
    for with_sensitivity in (False, True):
        reports = [
            compute_round(round_=round_, with_sensitivity=with_sensitivity) for _ in range(repeat)
        ]
        with traced_peak() as peak:
            compute_round(round_=round_, with_sensitivity=with_sensitivity)
        parts = {
            key: statistics.median(r.seconds[key] for r in reports)
            for key in ("read", "compute", "write", "total")
        }
        total = parts["total"]
        verdict = "OK" if total <= TARGET_SECONDS else "over target"
        name = "with rank intervals (1,000 draws)" if with_sensitivity else "scores, ranks, levels"
        print(
            f"  {name:<36} {reports[0].regions} regions, {reports[0].results:,} results: "
            f"read {parts['read']:.3f} s, compute {parts['compute']:.3f} s, "
            f"write {parts['write']:.3f} s, total {total:.3f} s "
            f"(median of {repeat}; target ≤ {TARGET_SECONDS} s: {verdict}); "
            f"peak traced {peak['peak_mb']:.0f} MB"
        )
    assert Result.objects.filter(round=round_).count() == reports[0].results  # replaced, not added
    print(f"  peak RSS {max_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
