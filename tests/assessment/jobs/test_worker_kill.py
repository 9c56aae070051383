"""A worker killed with SIGKILL in the middle of a national job (a machine losing power, the
OOM killer): nothing half-done is kept, and the job runs again to the end.

A real worker (`manage.py run_worker`, on the queue the suite runs on) works on a scratch
database of the suite's engine with every division of the country; the test kills its whole
processes once the job's progress shows it is in the middle of its work.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.scratch_db import ROOT, Database, environment, manage

RESULTS = (
    "SELECT region_id, indicator_id, score, rank FROM assessment_result "
    "WHERE round_id = {round} ORDER BY region_id, indicator_id"
)
STANDINGS = "SELECT region_id, score, rank FROM results_standing WHERE round_id = {round} " \
    "ORDER BY region_id"  # fmt: skip


@dataclass
class Scratch:
    database: Database
    media: Path
    round: int
    regions: int

    def shell(self, call: str, **env: str) -> dict:
        code = f"from tests.assessment.jobs.scratch import *; {call}"
        out = manage(ROOT, self.database.url, "shell", "-c", code, media=self.media, **env)
        return json.loads(out.strip().splitlines()[-1])

    def job(self, job_id: int) -> dict:
        columns = ("state", "progress", "attempts", "file", "error")
        row = self.database.query(
            f"SELECT {', '.join(columns)} FROM jobs_job WHERE id = {int(job_id)}"
        )[0]
        return dict(zip(columns, row, strict=True))

    def digest(self) -> str:
        rows = [self.database.query(sql.format(round=self.round)) for sql in (RESULTS, STANDINGS)]
        return hashlib.sha256(repr(rows).encode()).hexdigest()

    def partial_files(self) -> list[Path]:
        return list((self.media / "jobs").glob("*.part"))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("worker-kill")
    database = Database(folder)
    try:
        media = folder / "media"
        manage(ROOT, database.url, "migrate", "--noinput", media=media)
        made = Scratch(database, media, 0, 0)
        built = made.shell("national_round()")
        made.round, made.regions = built["round"], built["regions"]
        yield made
    finally:
        database.drop()


@contextmanager
def worker(scratch: Scratch, job_id: int):
    """A worker process for the scratch database, SIGKILLed with every process it forked when
    the block ends, all at once (as when a machine is lost)."""
    log = (scratch.media.parent / f"worker-{job_id}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.1"], cwd=ROOT,
        env=environment(ROOT, scratch.database.url, scratch.media), stdout=log, stderr=log,
    )  # fmt: skip
    try:
        yield process
    finally:
        for pid in [process.pid, *descendants(process.pid)]:
            os.kill(pid, signal.SIGKILL)
        process.wait()
        log.close()


def descendants(pid: int) -> list[int]:
    """Processes forked from `pid`, however deep (RQ's work horse starts a session of its own,
    so a process group does not hold it)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def wait_for(scratch: Scratch, job_id: int, process, progress: int) -> float:
    """Wait until the job reports `progress` per cent (100: done); when that was."""
    deadline = time.monotonic() + 300
    while (row := scratch.job(job_id))["progress"] < progress and row["state"] != "done":
        assert row["state"] in ("queued", "running"), row
        assert process.poll() is None and time.monotonic() < deadline, row
        time.sleep(0.02)
    return time.monotonic()


def kill_worker_when(scratch: Scratch, job_id: int, progress: int, then: float = 0) -> dict:
    """SIGKILL the worker `then` seconds after the job reports `progress` per cent. The job's
    row as the kill left it."""
    with worker(scratch, job_id) as process:
        wait_for(scratch, job_id, process, progress)
        time.sleep(then)
    return scratch.job(job_id)


def recover_and_run_again(scratch: Scratch, job_id: int) -> dict:
    """What housekeeping does once the heartbeat is stale, then a worker taking the job."""
    time.sleep(1.2)
    recovered = scratch.shell(f"recover({job_id})", JOB_STALE_SECONDS="1")
    assert recovered == {"lost": 1, "parts": 0}
    assert scratch.job(job_id)["state"] == "queued"
    manage(ROOT, scratch.database.url, "run_worker", "--burst", media=scratch.media)
    return scratch.job(job_id)


def test_a_national_export_killed_half_way_leaves_no_file_and_runs_again(scratch):
    job = scratch.shell(f"start('dashboards.round_report', {scratch.round})")["job"]
    killed = kill_worker_when(scratch, job, progress=20)
    assert killed["state"] == "running" and killed["file"] == ""
    assert not (scratch.media / "jobs").exists() or not any(
        path.suffix == ".xlsx" for path in (scratch.media / "jobs").iterdir()
    )
    again = recover_and_run_again(scratch, job)
    assert again["state"] == "done" and again["attempts"] == 2, again
    assert scratch.partial_files() == []
    workbook = load_workbook(scratch.media / again["file"], read_only=True)
    counties = scratch.database.query(
        "SELECT COUNT(*) FROM assessment_region WHERE level = 'county'"
    )
    assert max(sum(1 for _ in sheet.rows) for sheet in workbook.worksheets) > counties[0][0]
    workbook.close()


def test_a_national_computation_killed_while_writing_keeps_the_previous_results(scratch):
    # How long the computation takes from 50 % (the draws for rank intervals, then the
    # transaction that replaces the results) to the end, on this machine today.
    timed = scratch.shell(f"start('results.compute', {scratch.round})")["job"]
    with worker(scratch, timed) as process:
        half = wait_for(scratch, timed, process, 50)
        rest = wait_for(scratch, timed, process, 100) - half
    assert scratch.job(timed)["state"] == "done"
    # Killed three quarters of the way through the rest: in the writing transaction. A warm
    # run can be faster than the timed (first) one and finish before the kill: then it is
    # tried again with new values, killed sooner.
    for share in (0.75, 0.5, 0.3):
        before = scratch.digest()
        assert scratch.shell(f"change_values({scratch.round})")["changed"] > 0
        job = scratch.shell(f"start('results.compute', {scratch.round})")["job"]
        killed = kill_worker_when(scratch, job, progress=50, then=rest * share)
        if killed["state"] != "done":
            break
    assert killed["state"] == "running"
    assert scratch.digest() == before
    again = recover_and_run_again(scratch, job)
    assert again["state"] == "done" and again["attempts"] == 2, again
    assert scratch.digest() != before
