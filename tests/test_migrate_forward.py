"""A database made by the previous main (one `assessment` app, before the domain apps and the
ranking read model) migrates forward with every row kept.

The previous main's own code, checked out from git into a worktree, creates a database and
loads the demo into it; today's migrations then run on it. Row counts of every table and a
digest of the values, results, audit trail and users are compared through plain SQL (the
tables keep their names), and the ranking read model is filled from the stored results.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
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
#: Tables the migration replaces: the progress race now lives in the read model.
REPLACED = {"assessment_scorechange"}


class Database:
    """A throwaway database of the suite's engine: a SQLite file, or a PostgreSQL database
    on the suite's server."""

    def __init__(self, tmp_path: Path):
        test_db = settings.DATABASES["default"]
        self.postgres = test_db["ENGINE"].endswith("postgresql")
        if self.postgres:
            user, host = test_db["USER"] or "postgres", test_db["HOST"] or "127.0.0.1"
            self.server = f"postgres://{user}@{host}:{test_db['PORT'] or 5432}"
            self.name = f"forward_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(f"{self.server}/postgres", autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
            self.url = f"{self.server}/{self.name}"
        else:
            self.path = tmp_path / "db.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def query(self, sql: str) -> list[tuple]:
        if self.postgres:
            with psycopg.connect(self.url) as conn:
                return conn.execute(sql).fetchall()
        with sqlite3.connect(self.path) as conn:
            return conn.execute(sql).fetchall()

    def tables(self) -> list[str]:
        if self.postgres:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        else:
            sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
        return sorted(name for (name,) in self.query(sql) if not name.startswith("sqlite_"))

    def drop(self) -> None:
        if self.postgres:
            with psycopg.connect(f"{self.server}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def manage(checkout: Path, url: str, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(DATABASE_URL=url, MEDIA_ROOT=str(checkout / "media"), PYTHONPATH=str(checkout))
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=checkout, env=env,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]


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
        grown = {  # the read model is a new model: its content type and four permissions
            "django_migrations": after["counts"]["django_migrations"],
            "django_content_type": kept["django_content_type"] + 1,
            "auth_permission": kept["auth_permission"] + 4,
        }
        assert {t: after["counts"].get(t) for t in kept} == kept | grown
        assert after["counts"]["django_migrations"] > before["counts"]["django_migrations"]
        assert after["digests"] == before["digests"]
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
