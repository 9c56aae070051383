"""A throwaway database of the suite's engine, and `manage.py` run on it in a subprocess: for
tests that need a database other processes can open (a migration from an older checkout, a
worker killed mid-job)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


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


def environment(checkout: Path, url: str, media: Path | None = None, **extra: str) -> dict:
    """The environment of a `manage.py` process on the database at `url`, configured as
    production reads it (environment variables), not by the suite's settings."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(DATABASE_URL=url, MEDIA_ROOT=str(media or checkout / "media"),
               PYTHONPATH=str(checkout), **extra)  # fmt: skip
    return env


def manage(checkout: Path, url: str, *args: str, media: Path | None = None, **extra: str) -> str:
    """Run `manage.py` of `checkout` to the end; what it printed."""
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=checkout,
                          env=environment(checkout, url, media, **extra), capture_output=True,
                          text=True)  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return done.stdout
