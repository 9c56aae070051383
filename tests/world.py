"""The demo world that the permission matrix and the fuzz suite request every URL on.

`world` builds the demo once per test module (each test's changes are rolled back by the
`db` fixture); `user_for` names the users of the matrix. Import both into a test module to use
them: `from tests.world import user_for, world_fixture  # noqa: F401` (the fixture is named
`world`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command

from assessment.collection.models import Evidence, ImportBatch, Round, Submission
from assessment.jobs.models import Job
from assessment.rectification.models import (
    Practice,
    PracticeEvidence,
    RectificationTask,
    TaskEvidence,
)
from assessment.rectification.services.rectification_notices import notice_for
from assessment.regions.models import Membership

REGION_A, REGION_B = "330106", "330203"


@dataclass(frozen=True)
class World:
    open_round: int
    published_round: int
    evidence: int
    batch: int
    job: int
    media: object
    task: int = 0  # an open rectification task of region A in the published round
    task_evidence: int = 0
    practice: int = 0  # a practice of region A waiting for approval
    practice_evidence: int = 0
    leaf: int = 0  # an indicator of the published round's system


@pytest.fixture(scope="module", name="world")
def world_fixture(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, built once for the module (each test's changes are rolled back)."""
    from django.test import override_settings

    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        from assessment.demo.demo import seed_demo

        seed_demo()
        User = get_user_model()
        other, _ = User.objects.get_or_create(username="supervisor-330200")
        Membership.objects.get_or_create(user=other, region_id="330200", role="supervisor")
        open_round = Round.objects.get(period="2026")
        published = Round.objects.get(period="2025")
        submission = Submission.objects.get(round=open_round, region_id=REGION_A)
        evidence = Evidence(submission=submission, indicator=open_round.system.indicators.get(
            code="DS.5.1"), kind="file", original_name="制度.pdf", content_type="application/pdf",
            size=20)  # fmt: skip
        evidence.file.save("rules.pdf", ContentFile(b"%PDF-1.4 test evidence\n"), save=True)
        batch = ImportBatch(round=open_round, uploaded_by=User.objects.get(username="staff-330106"),
                            original_name="values.xlsx")  # fmt: skip
        batch.file.save("values.xlsx", ContentFile(b"PK\x03\x04"), save=True)
        job = Job.objects.create(
            kind="dashboards.round_report", owner=User.objects.get(username="staff-330106"),
            title="西湖区", key="world", params={"round": published.pk}, filename="report.xlsx",
            state="done", progress=100, file="jobs/report.xlsx",
        )  # fmt: skip
        (media / "jobs").mkdir()
        (media / "jobs" / "report.xlsx").write_bytes(b"PK\x03\x04 test")
        leaf = published.system.indicators.get(code="DS.1.1")
        task = RectificationTask.objects.create(
            round=published, region_id=REGION_A, indicator=leaf, title="DS.1.1",
            finding="问题", due_date=published.published_at.date(),
        )  # fmt: skip
        notice_for(round_=published, region=task.region, user=None)
        task_file = TaskEvidence(task=task, kind="file", original_name="整改.pdf",
                                 content_type="application/pdf", size=20)  # fmt: skip
        task_file.file.save("fix.pdf", ContentFile(b"%PDF-1.4 task evidence\n"), save=True)
        practice = Practice.objects.create(
            round=published, region_id=REGION_A, indicator=leaf, title="做法", description="做法",
            results="成效", contacts="联系人",
        )  # fmt: skip
        practice_file = PracticeEvidence(practice=practice, kind="file", original_name="案例.pdf",
                                         content_type="application/pdf", size=20)  # fmt: skip
        practice_file.file.save("case.pdf", ContentFile(b"%PDF-1.4 practice\n"), save=True)
        yield World(open_round.pk, published.pk, evidence.pk, batch.pk, job.pk, media,
                    task=task.pk, task_evidence=task_file.pk, practice=practice.pk,
                    practice_evidence=practice_file.pk, leaf=leaf.pk)  # fmt: skip
        call_command("flush", verbosity=0, interactive=False)


def user_for(name: str):
    usernames = {"staff_a": "staff-330106", "staff_b": "staff-330203",
                 "supervisor_other": "supervisor-330200", "evaluator": "evaluator",
                 "admin": "admin"}  # fmt: skip
    return get_user_model().objects.get(username=usernames[name])
