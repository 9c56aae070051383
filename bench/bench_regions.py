"""Loading all 3,213 divisions of China (target: under 5 s on SQLite).

.venv/bin/python bench/bench_regions.py                      # SQLite
.venv/bin/python bench/bench_regions.py --database-url postgres://postgres@127.0.0.1/postgres
"""

from __future__ import annotations

from _setup import bootstrap, machine, max_rss_mb, parser, timed

TARGET_SECONDS = 5.0


def main() -> None:
    args = parser(__doc__).parse_args()
    label = bootstrap(args.database_url)
    from django.db import connection

    from assessment.regions.models import Region
    from assessment.regions.services import load_regions

    repeat = 1 if args.smoke else args.repeat

    def fresh_load() -> None:
        # A raw delete: the ORM would refuse (parents are PROTECTed) and be slow to check.
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {Region._meta.db_table}")
        load_regions()

    first = timed("first load (empty table)", fresh_load, repeat)
    again = timed("reload (idempotent upsert)", load_regions, repeat)
    print(f"bench_regions on {label} ({machine()}); {Region.objects.count()} regions")
    for timing in (first, again):
        verdict = "OK" if timing.median <= TARGET_SECONDS else "OVER TARGET"
        print(f"  {timing.label:<28} median {timing.median:.3f} s  best {timing.best:.3f} s  "
              f"(target ≤ {TARGET_SECONDS:.0f} s: {verdict})")  # fmt: skip
    print(f"  peak RSS {max_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
