"""Periodic jobs of the outbox: retry what is due, notice crashed sends, prune old records."""

from __future__ import annotations

import datetime as dt

from keepwarm.lib.schedule import job, stop_requested
from keepwarm.messaging.delivery import outbox_deliver_due, outbox_reconcile, worker_identity
from keepwarm.messaging.models import JobRun

KEEP_JOB_RUNS = dt.timedelta(days=30)
KEEP_TASK_RESULTS = dt.timedelta(days=7)


@job("messaging.retry_outbox", every=dt.timedelta(minutes=1))
def retry_outbox(*, now: dt.datetime) -> int:
    """Mark crashed sends as uncertain, then send every message that is due (retries too)."""
    marked = outbox_reconcile(now=now)
    sent = outbox_deliver_due(worker=worker_identity("job"), limit=1000, should_stop=stop_requested)
    return marked + sent


@job("messaging.prune", every=dt.timedelta(days=1))
def prune(*, now: dt.datetime) -> int:
    """Delete the records of job runs and finished background tasks nobody needs any more."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    deleted, _ = JobRun.objects.filter(slot__lt=now - KEEP_JOB_RUNS).delete()
    finished = (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)
    tasks, _ = DBTaskResult.objects.filter(
        status__in=finished, finished_at__lt=now - KEEP_TASK_RESULTS
    ).delete()
    return deleted + tasks
