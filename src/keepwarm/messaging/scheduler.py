"""The scheduler tick: run each registered job at most once per slot, across all workers."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from keepwarm.lib.schedule import Job, registered_jobs
from keepwarm.messaging.delivery import claimer_is_gone
from keepwarm.messaging.models import JobRun

logger = logging.getLogger("keepwarm.worker")

# A run that has not finished after this long is taken to have crashed; jobs are idempotent,
# so another worker may run that slot again.
JOB_LEASE = dt.timedelta(minutes=30)
# A run that failed is tried again in the same slot (a daily job should not lose its day)
# after this long.
FAILED_JOB_RETRY = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class JobOutcome:
    """What one job did in one tick."""

    name: str
    slot: dt.datetime
    done: int | None
    error: str
    seconds: float


def job_claim(job: Job, *, now: dt.datetime, worker: str) -> JobRun | None:
    """Claim this job's current slot for `worker`, or return None if another has it."""
    slot = job.slot(now)
    try:
        with transaction.atomic():
            return JobRun.objects.create(
                name=job.name, slot=slot, claimed_by=worker, started_at=now
            )
    except IntegrityError:
        pass
    run = JobRun.objects.filter(name=job.name, slot=slot).first()
    if run is None:
        return None
    abandoned = run.finished_at is None and (
        run.started_at <= now - JOB_LEASE or claimer_is_gone(run.claimed_by)
    )
    failed = bool(run.error) and run.finished_at is not None
    failed_long_ago = (
        failed and run.finished_at is not None and (run.finished_at <= now - FAILED_JOB_RETRY)
    )
    if not (abandoned or failed_long_ago):
        return None
    taken = JobRun.objects.filter(
        pk=run.pk, claimed_by=run.claimed_by, started_at=run.started_at
    ).update(claimed_by=worker, started_at=now, finished_at=None, done=None, error="")
    if not taken:
        return None
    run.refresh_from_db()
    return run


def job_run(job: Job, run: JobRun, *, now: dt.datetime) -> JobOutcome:
    """Run a claimed job and record how it went (an error is recorded, never raised)."""
    started = time.monotonic()
    done: int | None = None
    error = ""
    try:
        done = job.run(now=now)
    except Exception as exc:
        logger.exception("job %s failed", job.name)
        error = f"{type(exc).__name__}: {exc}"[:2000]
    seconds = time.monotonic() - started
    JobRun.objects.filter(pk=run.pk, claimed_by=run.claimed_by).update(
        finished_at=timezone.now(), done=done, error=error
    )
    if not error:
        logger.info("job %s did %s in %.2fs", job.name, done, seconds)
    return JobOutcome(job.name, run.slot, done, error, seconds)


def run_due_jobs(
    *,
    worker: str,
    now: dt.datetime | None = None,
    jobs: list[Job] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> list[JobOutcome]:
    """Run every job whose current slot no worker has run yet; return what each did."""
    now = now or timezone.now()
    outcomes = []
    for job in registered_jobs() if jobs is None else jobs:
        if should_stop():
            break
        run = job_claim(job, now=now, worker=worker)
        if run is not None:
            outcomes.append(job_run(job, run, now=now))
    return outcomes
