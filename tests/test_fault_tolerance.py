"""Kill -9 in the middle of a write: the compute step and the import are atomic.

Each test builds its own database in a separate process (a SQLite file, or a fresh PostgreSQL
database when the suite runs on PostgreSQL), starts the real command in a child process that
pauses half-way through its writes (the pause is injected by this test's own driver script,
not by product code), kills that process with SIGKILL, and checks the database shows exactly
the state from before.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """A database of its own, with the demo loaded (both results rounds computed)."""
    test_db = settings.DATABASES["default"]
    if test_db["ENGINE"].endswith("postgresql"):
        name = f"fault_{uuid.uuid4().hex[:8]}"
        user, host = test_db["USER"] or "postgres", test_db["HOST"] or "127.0.0.1"
        server = f"postgres://{user}@{host}:{test_db['PORT'] or 5432}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"{server}/{name}"
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('fault') / 'db.sqlite3'}"
        server = name = None
    run_script("from django.core.management import call_command\n"
               "call_command('migrate', verbosity=0)\ncall_command('seed_demo')", url)  # fmt: skip
    yield url
    if server:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def child_env(url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings")
    return env


def run_script(body: str, url: str) -> str:
    script = "import django\ndjango.setup()\n" + body
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=child_env(url), capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    return done.stdout


def kill_when_paused(body: str, url: str, marker: Path) -> None:
    """Run `body` in a child, wait until it writes `marker` (it then sleeps), SIGKILL it."""
    script = "import django\ndjango.setup()\n" + body
    child = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, env=child_env(url),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    for _ in range(600):
        if marker.exists() or child.poll() is not None:
            break
        time.sleep(0.05)
    assert marker.exists(), child.stderr.read().decode()[-3000:]
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


RESULTS_STATE = textwrap.dedent(
    """
    import hashlib
    from assessment.results.models import Result
    from assessment.collection.models import Round
    r = Round.objects.get(period="2025")
    rows = Result.objects.filter(round=r).order_by("region_id", "indicator_id").values_list(
        "region_id", "indicator_id", "score", "rank", "level_id")
    digest = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    print(rows.count(), digest, r.computed_at.isoformat())
    """
)


def test_killing_a_recompute_half_way_leaves_the_previous_results(database_url, tmp_path):
    before = run_script(RESULTS_STATE, database_url)
    assert int(before.split()[0]) == 101 * 66
    marker = tmp_path / "paused"
    kill_when_paused(
        textwrap.dedent(
            f"""
            import time
            from pathlib import Path
            from assessment.collection.models import Round, Value
            from assessment.results.services import result_writer
            from assessment.results.services.compute import compute_round

            original = result_writer.ResultRows.node_chunks

            def pausing(self):
                for number, chunk in enumerate(original(self)):
                    yield chunk
                    if number == 0:  # old rows deleted, first new rows written: now die
                        Path({str(marker)!r}).touch()
                        time.sleep(600)

            result_writer.ResultRows.node_chunks = pausing
            Value.objects.filter(submission__round__period="2025").update(value=1)
            compute_round(round_=Round.objects.get(period="2025"), with_sensitivity=False)
            """
        ),
        database_url,
        marker,
    )
    assert run_script(RESULTS_STATE, database_url) == before


IMPORT_STATE = textwrap.dedent(
    """
    from assessment.collection.models import AuditEntry, Submission, Value
    subs = Submission.objects.filter(round__period="2026")
    values = Value.objects.filter(submission__in=subs)
    print(values.count(), sorted(map(str, values.values_list("value", flat=True))),
          AuditEntry.objects.filter(submission__in=subs).count(),
          sorted(subs.values_list("version", flat=True)))
    """
)


def test_killing_an_import_half_way_writes_nothing(database_url, tmp_path):
    workbook = tmp_path / "values.xlsx"
    run_script(
        textwrap.dedent(
            f"""
            import io
            from openpyxl import load_workbook
            from assessment.collection.models import Round
            from assessment.collection.services.exporting import export_values
            round_ = Round.objects.get(period="2026")
            book = load_workbook(io.BytesIO(export_values(round=round_)))
            sheet = book.worksheets[0]
            codes = [sheet.cell(1, c).value for c in range(1, sheet.max_column + 1)]
            percent = [c for c, code in enumerate(codes, start=1) if code in ("SV.1.1", "SV.1.3")]
            for row in range(5, sheet.max_row + 1):
                region = str(sheet.cell(row, 1).value)
                if region not in ("330109", "330110"):  # submitted: locked
                    for column in percent:
                        sheet.cell(row, column).value = 77
            book.save({str(workbook)!r})
            """
        ),
        database_url,
    )
    before = run_script(IMPORT_STATE, database_url)
    marker = tmp_path / "paused"
    kill_when_paused(
        textwrap.dedent(
            f"""
            import time
            from pathlib import Path
            from django.core.management import call_command
            from assessment.collection.services import import_write

            def pause_after(function):
                def wrapper(*args, **kwargs):
                    function(*args, **kwargs)  # the values are written (not committed) ...
                    Path({str(marker)!r}).touch()  # ... and the process dies here
                    time.sleep(600)
                return wrapper

            import_write.execute_many = pause_after(import_write.execute_many)
            import_write._copy_upsert = pause_after(import_write._copy_upsert)
            from assessment.collection.models import Round
            call_command("import_values", Round.objects.get(period="2026").pk, {str(workbook)!r})
            """
        ),
        database_url,
        marker,
    )
    assert run_script(IMPORT_STATE, database_url) == before
    # The same import, not interrupted, does write (so the test above could have failed).
    run_script(
        "from django.core.management import call_command\n"
        "from assessment.collection.models import Round\n"
        f"call_command('import_values', Round.objects.get(period='2026').pk, {str(workbook)!r})",
        database_url,
    )
    assert run_script(IMPORT_STATE, database_url) != before


def test_the_server_survives_the_database_going_away_and_coming_back(database_url, tmp_path):
    """A real gunicorn worker: refuse new connections and cut the open ones, then allow them
    again. Pages answer 503 meanwhile and work again afterwards, without a restart."""
    if not database_url.startswith("postgres"):
        pytest.skip("needs a PostgreSQL server to take away")
    server, name = database_url.rsplit("/", 1)
    env = child_env(database_url)
    env.update(SECRET_KEY="fault-" + "k" * 60, ALLOWED_HOSTS="127.0.0.1", SECURE_COOKIES="0",
               STATIC_ROOT=str(tmp_path / "static"), GUNICORN_WORKERS="1",
               GUNICORN_ACCESS_LOG="", DB_CONN_MAX_AGE="600")  # fmt: skip
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=ROOT, env=env, check=True)  # fmt: skip
    gunicorn = Path(sys.executable).with_name("gunicorn")
    child = subprocess.Popen([str(gunicorn), "-c", "config/gunicorn.py", "config.wsgi"], cwd=ROOT,
                             env=env, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            if status(f"{base}/healthz") == 200:
                break
            time.sleep(0.2)
        assert status(f"{base}/public/") == 200  # the worker holds a connection now
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            try:
                code, page = fetch(f"{base}/public/")  # reads rounds from the database
                assert code == 503 and "数据库暂时无法连接" in page
                assert status(f"{base}/healthz") == 503
            finally:
                conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        assert status(f"{base}/healthz") == 200
        assert status(f"{base}/public/") == 200
    finally:
        child.terminate()
        child.wait(timeout=30)


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def status(url: str) -> int:
    return fetch(url)[0]
