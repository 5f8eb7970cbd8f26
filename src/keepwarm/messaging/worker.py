"""The `keepwarm worker` loop: background tasks, the outbox and a scheduler tick in one process.

One thread does everything in turn, so a stop request (SIGTERM, SIGINT) lands between two
pieces of work: the worker finishes the message or job it holds and exits.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType

from django.db import close_old_connections, connections
from django.db.utils import OperationalError
from django.tasks import task_backends
from django.utils import timezone

from keepwarm.lib.schedule import registered_jobs, stopping
from keepwarm.messaging.delivery import outbox_deliver_due, outbox_reconcile, worker_identity
from keepwarm.messaging.scheduler import run_due_jobs

logger = logging.getLogger("keepwarm.worker")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@dataclass
class Worker:
    """Runs ticks every `tick_seconds`, and tasks and due emails in between."""

    tick_seconds: float = 60.0
    idle_seconds: float = 1.0
    batch: int = 20
    identity: str = field(default_factory=worker_identity)
    stopping: threading.Event = field(default_factory=stopping)
    ticks: int = 0

    # Stopping ----------------------------------------------------------------------------

    @contextmanager
    def signals_handled(self) -> Iterator[None]:
        """Stop gracefully on the first SIGTERM or SIGINT, at once on the second, meanwhile."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in STOP_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping.is_set():
            logger.warning("%s again: stopping now", signal.strsignal(signum))
            sys.exit(1)
        logger.info("%s: finishing the current work, then stopping", signal.strsignal(signum))
        self.stopping.set()

    def should_stop(self) -> bool:
        """Return whether a stop was requested."""
        return self.stopping.is_set()

    # Work --------------------------------------------------------------------------------

    def tick(self) -> int:
        """Notice crashed sends and run the jobs that are due; return how many things ran."""
        self.ticks += 1
        marked = outbox_reconcile()
        outcomes = run_due_jobs(worker=self.identity, should_stop=self.should_stop)
        return marked + len(outcomes)

    def run_task(self) -> bool:
        """Run one background task from the database queue; return whether there was one."""
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.management.commands.db_worker import Worker as TaskRunner
        from django_tasks_db.models import DBTaskResult
        from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

        backend = task_backends["default"]
        if not isinstance(backend, DatabaseBackend):
            return False  # Tasks run inline in the process that queues them.
        ready = DBTaskResult.objects.ready().filter(backend_name=backend.alias)
        runner_id = self.identity[-64:]
        try:
            with exclusive_transaction(ready.db):
                result = ready.get_locked()
                if result is not None:
                    result.claim(runner_id)
        except OperationalError as error:
            if is_locked_database_exception(error):
                return False
            raise
        if result is None:
            return False
        runner = TaskRunner(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name=backend.alias,
            startup_delay=False,
            max_tasks=None,
            worker_id=runner_id,
            excluded_queue_names=[],
        )
        runner.run_task(result)
        logger.info("task %s %s", result.task_path, result.status.lower())
        return True

    def deliver(self) -> int:
        """Send up to a batch of due emails; return how many were attempted."""
        return outbox_deliver_due(
            worker=self.identity, limit=self.batch, should_stop=self.should_stop
        )

    def drain(self) -> int:
        """Run every ready task and send every due email, then return how many things ran."""
        done = 0
        while not self.should_stop():
            step = int(self.run_task()) + self.deliver()
            if not step:
                break
            done += step
        return done

    # Loops -------------------------------------------------------------------------------

    def run_once(self) -> int:
        """Run one tick, then every task and email that is due; return how many things ran."""
        logger.info("worker %s: one tick", self.identity)
        done = self.tick() + self.drain()
        logger.info("worker %s: done (%s)", self.identity, done)
        return done

    def run_forever(self) -> None:
        """Work until asked to stop."""
        jobs = ", ".join(job.name for job in registered_jobs()) or "none"
        logger.info(
            "worker %s started: tick every %ss; jobs: %s", self.identity, self.tick_seconds, jobs
        )
        next_tick = 0.0
        while not self.should_stop():
            try:
                close_old_connections()
                if time.monotonic() >= next_tick:
                    next_tick = time.monotonic() + self.tick_seconds
                    self.tick()
                    continue
                busy = self.run_task() or self.deliver()
            except Exception:
                # The database or the mail server went away for a moment: a claimed email
                # stays claimed (and becomes uncertain after its lease); the rest waits.
                logger.exception("worker %s: this step failed; going on", self.identity)
                connections.close_all()
                self.stopping.wait(max(self.idle_seconds, 1.0))
                continue
            if not busy:
                wait = min(self.idle_seconds, max(next_tick - time.monotonic(), 0.0))
                self.stopping.wait(wait)
        close_old_connections()
        logger.info("worker %s stopped at %s", self.identity, timezone.now().isoformat())
