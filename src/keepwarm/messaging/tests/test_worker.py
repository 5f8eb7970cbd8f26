"""Tests for the scheduler tick and `keepwarm worker --once`."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from keepwarm.lib import schedule
from keepwarm.messaging.delivery import LEASE, claim_message
from keepwarm.messaging.jobs import prune, retry_outbox
from keepwarm.messaging.models import JobRun, MessageState, OutboundMessage
from keepwarm.messaging.scheduler import FAILED_JOB_RETRY, JOB_LEASE, run_due_jobs
from keepwarm.messaging.services import message_enqueue
from keepwarm.messaging.worker import Worker
from keepwarm.testing import BaseTestCase

NOW = dt.datetime(2026, 11, 25, 9, 0, 30, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


@contextmanager
def counting_job(name: str = "tests.count", every: dt.timedelta = MINUTE) -> Iterator[list[str]]:
    """Register a job that records each run, for the length of the block."""
    calls: list[str] = []

    def count(*, now: dt.datetime) -> int:
        calls.append(now.isoformat())
        if name.endswith("boom"):
            raise RuntimeError("the job broke")
        return 1

    schedule.job(name, every=every)(count)
    try:
        yield calls
    finally:
        schedule.unregister(name)


def only(name: str) -> list[schedule.Job]:
    return [schedule.get_job(name)]


@time_machine.travel(NOW, tick=False)
class SchedulerTests(BaseTestCase):
    def test_it_runs_a_job_once_per_slot_across_workers(self) -> None:
        with counting_job() as calls:
            first = run_due_jobs(worker="a", jobs=only("tests.count"))
            second = run_due_jobs(worker="b", jobs=only("tests.count"))
            with time_machine.travel(NOW + dt.timedelta(seconds=29), tick=False):
                run_due_jobs(worker="a", jobs=only("tests.count"))
            with time_machine.travel(NOW + dt.timedelta(seconds=30), tick=False):
                third = run_due_jobs(worker="b", jobs=only("tests.count"))
        self.assertEqual(len(calls), 2)
        self.assertEqual([o.done for o in first], [1])
        self.assertEqual(second, [])
        self.assertEqual(third[0].slot, dt.datetime(2026, 11, 25, 9, 1, tzinfo=dt.UTC))
        runs = JobRun.objects.order_by("slot")
        self.assertEqual([r.claimed_by for r in runs], ["a", "b"])
        self.assertTrue(all(r.finished_at and r.done == 1 for r in runs))

    def test_it_runs_a_daily_job_once_a_day(self) -> None:
        with counting_job(every=dt.timedelta(days=1)) as calls:
            for hours in range(0, 37, 3):  # 09:00 today to 21:00 tomorrow
                with time_machine.travel(NOW + dt.timedelta(hours=hours), tick=False):
                    run_due_jobs(worker="a", jobs=only("tests.count"))
        self.assertEqual(len(calls), 2)

    def test_it_records_a_failing_job_and_tries_again_later_in_the_slot(self) -> None:
        with counting_job("tests.boom", every=dt.timedelta(days=1)) as calls:
            outcome = run_due_jobs(worker="a", jobs=only("tests.boom"))[0]
            self.assertIn("the job broke", outcome.error)
            self.assertIsNone(outcome.done)
            run_due_jobs(worker="b", jobs=only("tests.boom"))
            self.assertEqual(len(calls), 1)
            with time_machine.travel(NOW + FAILED_JOB_RETRY, tick=False):
                run_due_jobs(worker="b", jobs=only("tests.boom"))
        self.assertEqual(len(calls), 2)
        self.assertEqual(JobRun.objects.get().claimed_by, "b")

    def test_it_takes_over_a_run_whose_worker_died(self) -> None:
        with counting_job(every=dt.timedelta(days=1)) as calls:
            slot = schedule.get_job("tests.count").slot(NOW)
            JobRun.objects.create(name="tests.count", slot=slot, claimed_by="worker/x:1/5/6")
            run_due_jobs(worker="a", jobs=only("tests.count"))
            self.assertEqual(calls, [])
            with time_machine.travel(NOW + JOB_LEASE, tick=False):
                run_due_jobs(worker="a", jobs=only("tests.count"))
        self.assertEqual(len(calls), 1)
        self.assertEqual(JobRun.objects.get().claimed_by, "a")

    def test_it_stops_between_jobs_when_asked(self) -> None:
        with counting_job("tests.count") as calls:
            outcomes = run_due_jobs(worker="a", jobs=only("tests.count"), should_stop=lambda: True)
        self.assertEqual((outcomes, calls), ([], []))


class QueueTestCase(BaseTestCase):
    def queue(self, n: int) -> OutboundMessage:
        with self.captureOnCommitCallbacks(execute=False):
            return message_enqueue(
                workspace=self.workspace,
                key=f"report:{n}",
                kind="report",
                to=["lena@harbor.example"],
                subject=f"Update {n}",
                text="Nothing changed.",
            )


@time_machine.travel(NOW, tick=False)
class OutboxJobTests(QueueTestCase):
    def test_running_the_outbox_job_twice_sends_nothing_extra(self) -> None:
        for n in range(3):
            self.queue(n)
        self.assertEqual(retry_outbox(now=NOW), 3)
        self.assertEqual(retry_outbox(now=NOW), 0)
        self.assertEqual(len(mail.outbox), 3)

    def test_the_outbox_job_marks_crashed_sends_uncertain_and_leaves_them(self) -> None:
        message = self.queue(1)
        claim_message(worker="worker/elsewhere:1/2/3")
        with time_machine.travel(NOW + LEASE, tick=False):
            self.assertEqual(retry_outbox(now=NOW + LEASE), 1)
            self.assertEqual(retry_outbox(now=NOW + LEASE), 0)
        message.refresh_from_db()
        self.assertEqual(message.state, MessageState.UNCERTAIN)
        self.assertEqual(mail.outbox, [])

    def test_prune_deletes_old_job_runs(self) -> None:
        JobRun.objects.create(name="a", slot=NOW - dt.timedelta(days=31), claimed_by="w")
        JobRun.objects.create(name="a", slot=NOW - dt.timedelta(days=1), claimed_by="w")
        self.assertEqual(prune(now=NOW), 1)
        self.assertEqual(prune(now=NOW), 0)
        self.assertEqual(JobRun.objects.count(), 1)


@time_machine.travel(NOW, tick=False)
class WorkerOnceTests(QueueTestCase):
    def worker(self, *args: str) -> str:
        out = io.StringIO()
        with self.assertLogs("keepwarm", "INFO") as logs:
            call_command("worker", *args, stdout=out)
        return "\n".join(logs.output)

    def test_once_runs_every_due_job_and_sends_every_due_message(self) -> None:
        for n in range(25):
            self.queue(n)
        with counting_job("tests.count") as calls:
            log = self.worker("--once")
            self.worker("--once")
        self.assertEqual(len(calls), 1)
        self.assertEqual(len(mail.outbox), 25)
        self.assertEqual(
            set(OutboundMessage.objects.values_list("state", flat=True)), {MessageState.SENT}
        )
        self.assertIn("job tests.count did 1", log)
        self.assertRegex(log, r"message \d+ sent: report to lena@harbor.example \(attempt 1\)")
        names = set(JobRun.objects.values_list("name", flat=True))
        self.assertLessEqual({"tests.count", "messaging.retry_outbox", "messaging.prune"}, names)

    def test_it_refuses_nonsense_options(self) -> None:
        for args in (["--tick-seconds", "0"], ["--batch", "0"], ["--idle-seconds", "-1"]):
            with self.subTest(args), self.assertRaises(CommandError):
                call_command("worker", "--once", *args)


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@time_machine.travel(NOW, tick=False)
class DatabaseTaskTests(BaseTestCase):
    def test_the_web_process_queues_a_task_that_the_worker_runs(self) -> None:
        from django_tasks_db.models import DBTaskResult

        with override_settings(TASKS=DATABASE_TASKS):
            with self.captureOnCommitCallbacks(execute=True):
                message = message_enqueue(
                    workspace=self.workspace,
                    key="report:1",
                    kind="report",
                    to=["lena@harbor.example"],
                    subject="Update",
                    text="Nothing changed.",
                )
            # The request only queued a task: nothing was sent in it.
            self.assertEqual(mail.outbox, [])
            task = DBTaskResult.objects.get()
            self.assertEqual(task.task_path, "keepwarm.messaging.tasks.deliver_message")
            worker = Worker()
            self.assertTrue(worker.run_task())
            self.assertFalse(worker.run_task())
        task.refresh_from_db()
        self.assertEqual(task.status, "SUCCESSFUL")
        self.assertEqual(task.return_value, "sent")
        message.refresh_from_db()
        self.assertEqual(message.state, MessageState.SENT)
        self.assertEqual(len(mail.outbox), 1)

    def test_inline_tasks_leave_the_worker_nothing_to_run(self) -> None:
        self.assertFalse(Worker().run_task())


class WorkerLoopTests(QueueTestCase):
    def test_it_logs_a_failed_step_and_goes_on_until_stopped(self) -> None:
        self.queue(1)
        worker = Worker(tick_seconds=3600, idle_seconds=0)
        calls: list[str] = []

        def tick() -> int:
            calls.append("tick")
            raise RuntimeError("the database went away")

        def deliver() -> int:
            calls.append("deliver")
            worker.stopping.set()
            return 0

        worker.tick = tick  # type: ignore[method-assign]
        worker.deliver = deliver  # type: ignore[method-assign]
        worker.run_task = lambda: False  # type: ignore[method-assign]
        with (
            mock.patch("keepwarm.messaging.worker.connections.close_all"),
            mock.patch("keepwarm.messaging.worker.close_old_connections"),
            self.assertLogs("keepwarm.worker", "ERROR") as logs,
        ):
            try:
                worker.run_forever()
            finally:
                worker.stopping.clear()
        self.assertEqual(calls, ["tick", "deliver"])
        self.assertIn("this step failed", logs.output[0])
