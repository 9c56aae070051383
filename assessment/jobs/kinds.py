"""The kinds of background job: each app registers the work it runs in its job_kinds.py.

    @register("results.compute", label=_("Compute results"))
    def compute(job: Job, run: JobRun) -> str:
        ...
        return _("Computed …")   # the finished job's message

The function runs in a worker with the job's language active. It reports progress with
`run.step(fraction, stage)` (outside any transaction of its own, so the page sees it), writes
its result file, if any, to `run.output()`, raises `JobError` with a message for the person who
started it when the work cannot be done, and keeps its writes in one transaction, so that a
worker killed half-way leaves the previous state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assessment.jobs.models import Job
    from assessment.jobs.runs import JobRun


class JobError(Exception):
    """The work cannot be done as asked; the message is shown to whoever started the job."""


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    run: Callable[[Job, JobRun], str | None]
    #: Hours a finished job and its file are kept; None: settings.JOB_KEEP_HOURS.
    keep_hours: float | None = None
    #: Whether a job whose worker died is queued again by itself (else it fails at once).
    retry_lost: bool = True


_kinds: dict[str, JobKind] = {}


def register(
    name: str, *, label: str, keep_hours: float | None = None, retry_lost: bool = True
) -> Callable:
    def decorator(function: Callable[[Job, JobRun], str | None]):
        if name in _kinds and _kinds[name].run is not function:
            raise ValueError(f"Job kind {name!r} is registered twice")
        _kinds[name] = JobKind(name, label, function, keep_hours, retry_lost)
        return function

    return decorator


_periodic: dict[str, Callable[[], object]] = {}


def periodic(function: Callable[[], object]) -> Callable[[], object]:
    """Register what queues the next run of a periodic job (e.g. `services.schedule_daily`
    with the app's kind). Workers call every one when they start and housekeeping every
    JOB_HOUSEKEEPING_MINUTES; the next run's key names its time slot, so calling again finds
    the job already queued, and a run lost with its worker is queued again."""
    _periodic[f"{function.__module__}.{function.__qualname__}"] = function
    return function


def all_periodic() -> list[Callable[[], object]]:
    return list(_periodic.values())


def kind_of(name: str) -> JobKind:
    """The registered kind; KeyError for a kind no installed app declares."""
    return _kinds[name]


def all_kinds() -> list[JobKind]:
    return list(_kinds.values())
