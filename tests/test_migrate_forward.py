"""A database made by the previous main (one `assessment` app, before the domain apps and the
ranking read model) migrates forward with every row kept.

The previous main's own code, checked out from git into a worktree, creates a database and
loads the demo into it; today's migrations then run on it. Row counts of every table and a
digest of the values, results, audit trail and users are compared through plain SQL (the
tables keep their names), and the ranking read model is filled from the stored results.
"""

from __future__ import annotations

import hashlib
import subprocess

import pytest

from tests.scratch_db import ROOT, Database, manage

#: main just before the domain apps (issue 16): the layout an existing installation has.
PREVIOUS_MAIN = "394465cc90a2e28843aa4cd0cd7aa21df2d5a2b7"
DIGESTS = {
    "values": "SELECT submission_id, indicator_id, value, note FROM assessment_value "
    "ORDER BY submission_id, indicator_id",
    "results": "SELECT round_id, region_id, indicator_id, score, rank, level_id "
    "FROM assessment_result ORDER BY round_id, region_id, indicator_id",
    "audit": "SELECT submission_id, action, indicator_id, old, new, version "
    "FROM assessment_auditentry ORDER BY id",
    "tasks": "SELECT round_id, region_id, indicator_id, status, finding "
    "FROM assessment_rectificationtask ORDER BY id",
    "users": "SELECT u.username, m.region_id, m.role FROM auth_user u "
    "LEFT JOIN assessment_membership m ON m.user_id = u.id ORDER BY u.username, m.region_id",
}
#: Tables the migrations replace: the progress race now lives in the read model, and export
#: jobs are background jobs (finished exports are not carried over: they are a day's files).
REPLACED = {"assessment_scorechange", "assessment_reportjob"}


def state(database: Database) -> dict:
    counts = {table: database.query(f'SELECT COUNT(*) FROM "{table}"')[0][0]
              for table in database.tables()}  # fmt: skip
    digests = {
        name: hashlib.sha256(repr(database.query(sql)).encode()).hexdigest()
        for name, sql in DIGESTS.items()
    }
    return {"counts": counts, "digests": digests}


@pytest.fixture(scope="module")
def previous_main(tmp_path_factory):
    folder = tmp_path_factory.mktemp("previous-main") / "checkout"
    subprocess.run(["git", "worktree", "add", "--detach", str(folder), PREVIOUS_MAIN],
                   cwd=ROOT, check=True, capture_output=True)  # fmt: skip
    yield folder
    subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT,
                   capture_output=True)  # fmt: skip


def test_a_demo_database_of_the_previous_main_migrates_forward_with_every_row(
    previous_main, tmp_path
):
    database = Database(tmp_path)
    try:
        manage(previous_main, database.url, "migrate", "--noinput")
        manage(previous_main, database.url, "seed_demo")
        before = state(database)
        manage(ROOT, database.url, "migrate", "--noinput")
        after = state(database)
        kept = {t: n for t, n in before["counts"].items() if t not in REPLACED}
        grown = {  # thirty new models (the read model, the job, the queue's task result, the
            # verification, its policy, sampled items, verifiers' evidence, verification
            # blocks; the panel, its experts, cells, scores and events; API clients and their
            # pushes, raw feeds and the population table; exemptions, departments, appeals,
            # their evidence, department tasks; classification schemes, region classes;
            # notifications, notification preferences, reminders to submit; rectification
            # notices; mystery-shopping steps and their screenshots): a content type and four
            # permissions each
            "django_migrations": after["counts"]["django_migrations"],
            "django_content_type": kept["django_content_type"] + 30,
            "auth_permission": kept["auth_permission"] + 120,
        }
        assert {t: after["counts"].get(t) for t in kept} == kept | grown
        assert "assessment_reportjob" not in after["counts"] and "jobs_job" in after["counts"]
        assert after["counts"]["django_migrations"] > before["counts"]["django_migrations"]
        assert after["digests"] == before["digests"]
        # Each region with tasks got its rectification notice, its status from its tasks.
        pairs = database.query(
            "SELECT COUNT(*) FROM (SELECT DISTINCT round_id, region_id "
            "FROM assessment_rectificationtask) AS pairs"
        )[0][0]
        notices = dict(database.query(
            "SELECT status, COUNT(*) FROM rectification_rectificationnotice GROUP BY status"
        ))  # fmt: skip
        assert pairs > 0 and sum(notices.values()) == pairs
        assert notices.get("issued") and notices.get("in_progress")  # the demo's loop story
        # The read model holds one row per computed region, with the progress race of 2025.
        overall = database.query("SELECT COUNT(*) FROM assessment_result WHERE kind = 0")[0][0]
        assert after["counts"]["results_standing"] == overall == 202
        changes = before["counts"]["assessment_scorechange"]
        with_change = database.query(
            "SELECT COUNT(*) FROM results_standing WHERE previous_round_id IS NOT NULL"
        )[0][0]
        assert with_change == changes == 101
        # The content types (and the permissions and admin history that point at them)
        # follow the models to their apps.
        labels = dict(database.query(
            "SELECT model, app_label FROM django_content_type WHERE model IN "
            "('round', 'region', 'result', 'rectificationtask', 'reportjob')"
        ))  # fmt: skip
        assert labels == {
            "round": "collection", "region": "regions", "result": "results",
            "rectificationtask": "rectification", "reportjob": "dashboards",
        }  # fmt: skip
        manage(ROOT, database.url, "check")
    finally:
        database.drop()
