"""Expert panels at national scale: automatic assignment end to end, and an expert's queue.

Builds a nationwide round (3,213 divisions, `national.py`, without values) with a panel on 10
indicators, 3 experts per cell, and 200 experts, each at home in one of the 31 provinces (its
regions forbidden to them). Then, in this one run:

- assigns automatically, `--repeat` times (the cells and assignments are deleted between
  runs): creating the 32,130 cells, reading the experts' conflicts, the engine's assignment
  and writing 96,390 assignments, as the background job does;
- gives one more expert 2,000 cells and requests their queue page (the first page and one in
  the middle) through the Django test client, 40 times each: median and p95.

Targets (issue 19): assignment ≤ 5 s; the expert's queue page p95 ≤ 100 ms with 2,000 cells.

    .venv/bin/python bench/bench_panels.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/bench_panels.py            # SQLite
    .venv/bin/python bench/bench_panels.py --smoke    # CI: Zhejiang only, timings meaningless
"""

from __future__ import annotations

import statistics
import time

from _setup import admin_client, bootstrap, machine, parser, percentile

ASSIGN_TARGET_S = 5.0
PAGE_P95_TARGET_MS = 100.0
EXPERTS = 200
INDICATORS = 10
QUEUE_CELLS = 2000


def main() -> None:
    args = parser(__doc__).parse_args()
    label = bootstrap(args.database_url)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from national import national_round

    from assessment.panels.models import ExpertScore, Panel, PanelCell, PanelExpert
    from assessment.panels.services import assign_automatically
    from assessment.regions.models import Region

    round_ = national_round(period="2025", smoke=args.smoke, with_values=False)
    leaves = list(
        round_.system.indicators.exclude(value_type="")
        .order_by("-value_type", "order")  # the rubric levels first
        .values_list("code", flat=True)[:INDICATORS]
    )
    panel = Panel.objects.create(round=round_, indicator_codes=leaves, experts_per_cell=3)
    provinces = list(Region.objects.filter(level="province").order_by("code"))
    if args.smoke:
        provinces = [p for p in provinces if p.code != "330000"][:3]
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bench-expert-{n:03d}") for n in range(EXPERTS)
    )
    PanelExpert.objects.bulk_create(
        PanelExpert(panel=panel, user=user, home_region=provinces[n % len(provinces)])
        for n, user in enumerate(users)
    )
    repeat = 1 if args.smoke else args.repeat
    seconds, cells = [], 0
    for run in range(repeat):
        if run:
            PanelCell.objects.filter(panel=panel).delete()
        started = time.perf_counter()
        cells = assign_automatically(panel, actor=None)
        seconds.append(time.perf_counter() - started)
    per_expert = ExpertScore.objects.filter(cell__panel=panel).values("expert_id")
    loads = list(per_expert.annotate(n=Count("pk")).values_list("n", flat=True))
    # One more expert with 2,000 cells of their own (cells of a second indicator set are not
    # needed: an expert's queue reads their assignments only).
    expert = get_user_model().objects.create_user("bench-queue-expert", password="pw")
    PanelExpert.objects.create(panel=panel, user=expert)
    mine = list(PanelCell.objects.filter(panel=panel).order_by("pk")[:QUEUE_CELLS])
    ExpertScore.objects.bulk_create(ExpertScore(cell=cell, expert=expert) for cell in mine)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    client, _admin = admin_client()  # the test client's settings, then the expert's session
    client.force_login(expert)
    timings: dict[str, list[float]] = {"first": [], "middle": []}
    pages = {"first": "/panel/", "middle": f"/panel/?page={max(1, len(mine) // 100)}"}
    for name, url in pages.items():
        assert client.get(url).status_code == 200
        for _ in range(10 if args.smoke else 40):
            started = time.perf_counter()
            response = client.get(url)
            timings[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    median = statistics.median(seconds)
    print(f"bench_panels on {label} ({machine()})")
    print(f"  {round_.participating_regions().count():,} regions × {len(leaves)} indicators = "
          f"{cells:,} cells, 3 experts each of {EXPERTS}")  # fmt: skip
    print(f"  automatic assignment, end to end: median {median:.2f} s (n={repeat}) = "
          f"{median / ASSIGN_TARGET_S:.2f}× the {ASSIGN_TARGET_S:.0f} s target; loads "
          f"{min(loads)}..{max(loads)} cells")  # fmt: skip
    for name in pages:
        p95 = percentile(timings[name], 0.95)
        print(f"  expert queue ({len(mine):,} cells), {name} page: median "
              f"{statistics.median(timings[name]):.1f} ms, p95 {p95:.1f} ms "
              f"(target ≤ {PAGE_P95_TARGET_MS:.0f} ms)")  # fmt: skip
    if args.smoke:
        print("  (smoke run: not judged)")


if __name__ == "__main__":
    main()
