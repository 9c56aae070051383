"""Steps the worker-kill tests run with `manage.py shell -c` on their scratch database (another
process than the test: the worker must see what they write). Each prints one JSON line."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.db.models import F

from assessment.collection.models import Round, RoundStatus, Submission, SubmissionStatus, Value
from assessment.demo.demo import demo_value
from assessment.jobs.runs import partial_files
from assessment.jobs.services import recover_lost, start_job, work_key
from assessment.regions.services import load_regions
from assessment.results.services.compute import compute_round
from indicators.services import load_system_file

ADMIN = "kill-test-admin"


def national_round() -> None:
    """A nationwide round, every submission approved with demo values, computed once (the
    results a killed computation must leave in place)."""
    load_regions()
    system, _ = load_system_file()
    round_ = Round.objects.create(system=system, name="全国2025年度评估", period="2025",
                                  levels=["province", "city", "county"],
                                  status=RoundStatus.CLOSED)  # fmt: skip
    regions = {r.code: r for r in round_.participating_regions()}
    Submission.objects.bulk_create(
        [Submission(round=round_, region=r, status=SubmissionStatus.APPROVED, version=1)
         for r in regions.values()], batch_size=2000,
    )  # fmt: skip
    leaves = list(system.indicators.exclude(value_type=""))
    Value.objects.bulk_create(
        [Value(submission=s, indicator=leaf, value=demo_value(regions[s.region_id], leaf, 2025))
         for s in Submission.objects.filter(round=round_) for leaf in leaves], batch_size=5000,
    )  # fmt: skip
    compute_round(round_=round_)
    get_user_model().objects.create_superuser(ADMIN, password="x")
    print(json.dumps({"round": round_.pk, "regions": len(regions)}))


def change_values(round_id: int) -> None:
    """One region's values a little higher: a new computation gives other results."""
    submission = Submission.objects.filter(round_id=round_id, region_id="330106").get()
    counts = Value.objects.filter(submission=submission, value__isnull=False,
                                  indicator__value_type__in=["number", "count"])  # fmt: skip
    changed = counts.update(value=F("value") + 1)
    print(json.dumps({"changed": changed}))


def start(kind: str, round_id: int) -> None:
    params = (
        {"round": round_id, "filter": {"level": "county"}}
        if kind.endswith("report")
        else {"round": round_id}
    )
    owner = get_user_model().objects.get(username=ADMIN)
    job = start_job(kind, owner=owner, title=kind, key=work_key(kind, round_id), params=params,
                    filename="report.xlsx")  # fmt: skip
    print(json.dumps({"job": job.pk}))


def recover(job_id: int) -> None:
    """What housekeeping does: the lost job queued again; the half-written files left."""
    print(json.dumps({"lost": recover_lost(), "parts": len(partial_files(job_id))}))
