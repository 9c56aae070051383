"""Saving a draft of the 43-indicator entry form (target: server time p95 ≤ 100 ms on
PostgreSQL).

A nationwide round is opened (3,213 submissions, each with 43 values, so the tables have their
national size), then one region's staff save the form again and again through the whole Django
stack (middleware, session, form, access checks, the compare-and-set save, audit entries,
redirect), once changing every one of the 43 values and once changing three. The save service
alone is timed as well.

.venv/bin/python bench/bench_entry.py
.venv/bin/python bench/bench_entry.py --database-url postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import logging
import os
import statistics
import time
import warnings

from _setup import bootstrap, machine, max_rss_mb, parser

TARGET_P95_MS = 100.0
SAVES = 200


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    args = parser(__doc__).parse_args()
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise, no collectstatic
    logging.getLogger("axes").setLevel(logging.WARNING)  # force_login would log every time
    label = bootstrap(args.database_url)
    from decimal import Decimal

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from assessment.collection.models import Submission, Value
    from assessment.collection.services.entry import EntryInput, submission_save
    from assessment.collection.services.rounds import round_create, round_open
    from assessment.demo.demo import demo_value
    from assessment.regions.models import Membership
    from assessment.regions.services import load_regions
    from indicators.services import load_system_file

    # Pages render with plain static URLs here (the manifest needs collectstatic first).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    load_regions()
    system, _ = load_system_file()
    round_ = round_create(
        system=system,
        name="全国数字政府成熟度评估（基准测试）",
        period="2026",
        scope=None,
        levels=["city"] if args.smoke else ["province", "city", "county"],
        opens_at=None,
        closes_at=None,
    )
    round_open(round=round_, user=None)
    leaves = list(system.indicators.exclude(value_type="").order_by("order"))
    submissions = list(Submission.objects.filter(round=round_).select_related("region"))
    Value.objects.bulk_create(
        (
            Value(submission=s, indicator=leaf, value=demo_value(s.region, leaf, 2026))
            for s in submissions
            for leaf in leaves
        ),
        batch_size=5000,
    )
    user = get_user_model().objects.create_user("staff-330100", password="x")
    Membership.objects.create(user=user, region_id="330100", role="staff")
    submission = Submission.objects.select_related("round").get(round=round_, region_id="330100")
    client = Client()
    client.force_login(user)
    url = f"/rounds/{round_.pk}/regions/330100/"
    saves = 10 if args.smoke else SAVES

    def body(step: int, changed: int) -> dict[str, str]:
        version = Submission.objects.values_list("version", flat=True).get(pk=submission.pk)
        data = {"version": str(version), "action": "save"}
        for index, leaf in enumerate(leaves):
            value = demo_value(submission.region, leaf, 2026)
            if index < changed and (step + 1) % 2:
                value = Decimal(1) if leaf.value_type in ("yesno", "rubric") else value / 2
            data[f"value-{leaf.code}"] = format(value.normalize(), "f")
            data[f"note-{leaf.code}"] = ""
        return data

    def requests(changed: int) -> list[float]:
        timings = []
        for step in range(saves):
            data = body(step, changed)
            started = time.perf_counter()
            response = client.post(url, data)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 302, response.status_code
        return timings

    def services(changed: int) -> list[float]:
        timings = []
        by_code = {leaf.code: leaf for leaf in leaves}
        for step in range(saves):
            data = body(step + 1, changed)
            entry = EntryInput(
                values={
                    by_code[name[6:]].pk: Decimal(text)
                    for name, text in data.items()
                    if name.startswith("value-")
                }
            )
            started = time.perf_counter()
            submission_save(
                submission=submission, user=user, base_version=int(data["version"]), data=entry
            )
            timings.append(time.perf_counter() - started)
        return timings

    def page_views() -> list[float]:
        timings = []
        for _ in range(saves // 4):
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            timings.append(time.perf_counter() - started)
        return timings

    client.get(url)  # warm up: templates, translations, connection
    print(f"bench_entry on {label} ({machine()}); {len(submissions)} submissions, "
          f"{Value.objects.count():,} values; {saves} saves per line")  # fmt: skip
    for name, timings in [
        ("request, 43 values changed", requests(43)),
        ("request, 3 values changed", requests(3)),
        ("service only, 43 changed", services(43)),
        ("request, nothing changed", requests(0)),
        ("form page view (GET)", page_views()),
    ]:
        p95 = percentile(timings, 0.95) * 1000
        verdict = "OK" if p95 <= TARGET_P95_MS else "OVER TARGET"
        print(f"  {name:<28} median {statistics.median(timings) * 1000:6.1f} ms  "
              f"p95 {p95:6.1f} ms  (target p95 ≤ {TARGET_P95_MS:.0f} ms: {verdict})")  # fmt: skip
    print(f"  peak RSS {max_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
