"""The registry of periodic jobs that `keepwarm worker` runs, each at most once per slot."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass

JobFunction = Callable[..., int]

# Slots are counted from this moment, so every worker agrees on where a slot starts.
EPOCH = dt.datetime(2000, 1, 3, tzinfo=dt.UTC)  # a Monday, so weekly slots start on Mondays


@dataclass(frozen=True)
class Job:
    """A function run every `every`, at most once per slot across all workers."""

    name: str
    every: dt.timedelta
    function: JobFunction

    def slot(self, now: dt.datetime) -> dt.datetime:
        """Return the start of the slot `now` falls in (in UTC)."""
        return slot_start(now, self.every)

    def run(self, *, now: dt.datetime) -> int:
        """Run the job for `now` and return how many things it did."""
        return int(self.function(now=now) or 0)


_JOBS: dict[str, Job] = {}


def slot_start(now: dt.datetime, every: dt.timedelta) -> dt.datetime:
    """Return the start of the `every`-long slot that `now` falls in, counted from EPOCH."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    elapsed = now.astimezone(dt.UTC) - EPOCH
    return EPOCH + every * (elapsed // every)


def job(name: str, *, every: dt.timedelta) -> Callable[[JobFunction], JobFunction]:
    """Register `fn(*, now) -> int` as a periodic job named `name` (such as "reports.send_due").

    The function must be idempotent: running it twice for the same `now` does nothing extra.
    """
    if not name or len(name) > 100:
        raise ValueError("A job needs a name of 1 to 100 characters.")
    if every < dt.timedelta(minutes=1) or every % dt.timedelta(minutes=1):
        raise ValueError(f"Job {name}: `every` must be a whole number of minutes.")

    def register(function: JobFunction) -> JobFunction:
        existing = _JOBS.get(name)
        if existing is not None and _qualname(existing.function) != _qualname(function):
            raise ValueError(f"Two jobs are named {name!r}: {_qualname(existing.function)}.")
        _JOBS[name] = Job(name=name, every=every, function=function)
        return function

    return register


def _qualname(function: JobFunction) -> str:
    return f"{function.__module__}.{getattr(function, '__qualname__', repr(function))}"


def registered_jobs() -> list[Job]:
    """Return every registered job, by name."""
    return [_JOBS[name] for name in sorted(_JOBS)]


def get_job(name: str) -> Job:
    """Return the job registered as `name` (KeyError when there is none)."""
    return _JOBS[name]


def unregister(name: str) -> None:
    """Forget the job named `name` (for tests that register their own)."""
    _JOBS.pop(name, None)


_STOPPING = threading.Event()


def stopping() -> threading.Event:
    """Return the event the worker sets when asked to stop; long jobs check it between steps."""
    return _STOPPING


def stop_requested() -> bool:
    """Return whether the worker running this job has been asked to stop."""
    return _STOPPING.is_set()
