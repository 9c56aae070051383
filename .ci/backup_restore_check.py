#!/usr/bin/env python3
"""Backup and restore, end to end, exactly as docs/DEPLOY.md tells operators to do it.

1. builds a source database with the demo data (and a media folder with a file in it);
2. backs up: `pg_dump --format=custom` and a tar of MEDIA_ROOT;
3. restores into a brand-new database and a new media folder;
4. compares the row count of every table and the checksum of every media file;
5. drops both databases. Exits non-zero on any difference.

    .venv/bin/python .ci/backup_restore_check.py [--server postgres://postgres@127.0.0.1:5432]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, env: dict | None = None) -> None:
    subprocess.run(args, check=True, env={**os.environ, **(env or {})}, cwd=ROOT)


def row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        }


def checksums(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    tag = uuid.uuid4().hex[:8]
    source, target = f"backup_src_{tag}", f"backup_dst_{tag}"
    admin = f"{args.server}/postgres"
    work = Path(tempfile.mkdtemp(prefix="backup-check-"))
    media, restored_media = work / "media", work / "media-restored"
    (media / "evidence" / "2026").mkdir(parents=True)
    (media / "evidence" / "2026" / "proof.pdf").write_bytes(b"%PDF-1.4 demo evidence\n")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(source)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target)))
    try:
        env = {"DATABASE_URL": f"{args.server}/{source}", "MEDIA_ROOT": str(media)}
        python = str(ROOT / ".venv" / "bin" / "python")
        run(python, "manage.py", "migrate", "--noinput", "-v0", env=env)
        run(python, "manage.py", "seed_demo", env=env)

        # Backup (docs/DEPLOY.md, "Backup").
        dump = work / "assessment.dump"
        run("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", f"{args.server}/{source}")
        with tarfile.open(work / "media.tar.gz", "w:gz") as archive:
            archive.add(media, arcname="media")

        # Restore (docs/DEPLOY.md, "Restore") into a new database and folder.
        run("pg_restore", "--no-owner", f"--dbname={args.server}/{target}", str(dump))
        with tarfile.open(work / "media.tar.gz") as archive:
            archive.extractall(work / "unpacked", filter="data")
        (work / "unpacked" / "media").rename(restored_media)

        before, after = row_counts(f"{args.server}/{source}"), row_counts(f"{args.server}/{target}")
        files_before, files_after = checksums(media), checksums(restored_media)
        for table, count in before.items():
            mark = "ok" if after.get(table) == count else "DIFFERENT"
            print(f"  {table:<45} {count:>8} → {after.get(table, 'missing'):>8}  {mark}")
        print(f"  media files: {len(files_before)} → {len(files_after)}")
        if before != after or files_before != files_after:
            print("Backup check FAILED: the restored copy differs.")
            return 1
        print(f"Backup check passed: {len(before)} tables, {sum(before.values())} rows identical.")
        return 0
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in (source, target):
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


if __name__ == "__main__":
    sys.exit(main())
