"""Shared set-up for benchmark scripts: a throwaway database, timing and memory helpers.

Every script takes `--database-url` (default: a fresh SQLite file) and `--smoke` (a small size
that CI runs to prove the script works; its timings mean nothing).
"""

from __future__ import annotations

import argparse
import atexit
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@contextmanager
def checkouts(baseline_ref: str | None):
    """{"today": this checkout} plus, with a ref, a git worktree of that commit: a benchmark
    runs the same work in both, in one run, so the ratio does not depend on the machine's
    speed that day. The child processes run with the checkout as their working directory and
    call `use_checkout()` first."""
    found = {"today": ROOT}
    if baseline_ref:
        folder = Path(tempfile.mkdtemp(prefix="bench-baseline-"))
        subprocess.run(["git", "worktree", "add", "--detach", str(folder), baseline_ref],
                       cwd=ROOT, check=True, capture_output=True)  # fmt: skip
        found[f"baseline {baseline_ref}"] = folder
    try:
        yield found
    finally:
        for folder in found.values():
            if folder != ROOT:
                subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT,
                               capture_output=True)  # fmt: skip


def use_checkout() -> None:
    """In a child process: import the product from the working directory (a baseline worktree)
    rather than from this checkout. The editable install's import hook is taken out too: it
    would otherwise fill in a module the older checkout lacks from this one."""
    sys.path.insert(0, os.getcwd())
    sys.meta_path[:] = [
        f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")
    ]
    sys.path_hooks[:] = [
        h for h in sys.path_hooks if "__editable__" not in getattr(h, "__module__", "")
    ]


def product(name: str):
    """A product module by its name in the domain apps, or where an older checkout (a
    baseline worktree from before them) had it."""
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        return importlib.import_module(OLD_LAYOUT[name])


#: Where modules the benchmarks use lived before the domain apps (main up to 394465c).
OLD_LAYOUT = {
    "assessment.collection.models": "assessment.models",
    "assessment.regions.models": "assessment.models",
    "assessment.results.models": "assessment.models",
    "assessment.demo.demo": "assessment.services.demo",
    "assessment.regions.services": "assessment.services.regions",
    "assessment.results.services.compute": "assessment.services.compute",
}


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="PostgreSQL URL of a server to create a throwaway database on (default: SQLite).",
    )
    p.add_argument("--smoke", action="store_true", help="Tiny size for CI; timings meaningless.")
    p.add_argument("--repeat", type=int, default=5, help="Timed repetitions (median reported).")
    return p


def bootstrap(database_url: str | None) -> str:
    """Point Django at a fresh database, migrate it, and return a label for the report."""
    if database_url:
        import psycopg

        name = f"bench_{uuid.uuid4().hex[:10]}"
        admin_url = database_url
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        atexit.register(drop)
        base = database_url.rsplit("/", 1)[0]
        os.environ["DATABASE_URL"] = f"{base}/{name}"
        label = "PostgreSQL"
    else:
        path = Path(tempfile.mkdtemp(prefix="bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        label = "SQLite"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return label


def admin_client(username: str = "bench-admin"):
    """A test client logged in as a new administrator, with the settings the test suite uses
    for it: the test client's host allowed, and static URLs without collectstatic's manifest."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    admin = get_user_model().objects.create_superuser(username, password="bench-pass-123")
    client = Client()
    client.force_login(admin)
    return client, admin


@dataclass
class Timing:
    label: str
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def best(self) -> float:
        return min(self.seconds)


def timed(label: str, fn: Callable[[], object], repeat: int) -> Timing:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - started)
    return Timing(label, seconds)


@contextmanager
def traced_peak():
    """Peak Python heap (tracemalloc) inside the block; yields a dict filled on exit."""
    result: dict[str, float] = {}
    tracemalloc.start()
    try:
        yield result
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result["peak_mb"] = peak / 1024 / 1024


def max_rss_mb() -> float:
    """This process's peak resident memory, MB.

    Linux's VmHWM where it exists: `ru_maxrss` survives exec, so a child started by a big
    parent (subprocess forks, then execs) reports the parent's peak instead of its own."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of the timings, nearest rank (p95 of 40 runs is the 38th)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def machine() -> str:
    """The machine, with a reference speed: shared machines differ by a factor of 3 from day to
    day, so figures measured on different days are only comparable next to this number."""
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"reference loop {reference_loop_ms():.0f} ms"
    )


def reference_loop_ms() -> float:
    """Best of 5 of `sum(range(10**6))`: about 10-15 ms on a current desktop core."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        sum(range(10**6))
        best = min(best, time.perf_counter() - started)
    return best * 1000
