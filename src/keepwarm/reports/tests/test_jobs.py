"""Tests for the reports jobs: drafting what is due, sending what may go, twice is once."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core import mail
from django.core.management import call_command

from keepwarm.lib.schedule import get_job
from keepwarm.reports import jobs  # noqa: F401  (registers the jobs, as the worker does)
from keepwarm.reports.models import ReportState, StatusReport
from keepwarm.reports.sending import report_schedule
from keepwarm.reports.services import report_update
from keepwarm.reports.tests.helpers import DUE, JARGON, PLAIN, ReportFixtures
from keepwarm.testing import BaseTestCase

LATER = DUE + dt.timedelta(minutes=3)


def run(name: str, now: dt.datetime) -> int:
    return get_job(name).run(now=now)


class JobsTests(ReportFixtures, BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.make_harbor()

    def tick(self, now: dt.datetime) -> int:
        done = 0
        # As the worker does: each job in its own transaction, email going out after each.
        for name in ("reports.generate_due", "reports.send_due", "reports.track_delivery"):
            with time_machine.travel(now, tick=False), self.captureOnCommitCallbacks(execute=True):
                done += run(name, now)
        return done

    def test_it_drafts_a_due_report_once(self) -> None:
        # A minute before it is due, the week before is the one owed.
        self.assertEqual(run("reports.generate_due", DUE - dt.timedelta(minutes=1)), 1)
        self.assertEqual(StatusReport.objects.get().period_start, dt.date(2026, 11, 7))
        with time_machine.travel(LATER, tick=False):
            self.assertEqual(run("reports.generate_due", LATER), 1)
            self.assertEqual(run("reports.generate_due", LATER), 0)
        report = StatusReport.objects.get(period_start=dt.date(2026, 11, 14))
        self.assertEqual(report.state, ReportState.DRAFT)
        self.assertEqual(report.due_at, DUE)
        self.assertIsNone(report.created_by)
        # Not sent: this client wants to review every report.
        self.tick(LATER)
        self.assertEqual(mail.outbox, [])

    def test_it_sends_no_change_reports_when_the_client_allows_it(self) -> None:
        self.harbor.report_auto_send_no_change = True
        self.harbor.save()
        self.assertEqual(self.tick(LATER), 2)  # drafted, sent (and marked delivered at once)
        self.assertEqual(self.tick(LATER + dt.timedelta(minutes=1)), 0)
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("no change this week", mail.outbox[0].subject)
        report = StatusReport.objects.get()
        self.assertEqual(report.state, ReportState.SENT)
        self.assertIsNone(report.reviewed_by)

    def test_a_no_change_report_a_person_changed_waits_for_them(self) -> None:
        self.harbor.report_auto_send_no_change = True
        self.harbor.save()
        report = self.draft(now=LATER)
        report_update(membership=self.bob_m, report=report, subject="Quiet week at Harbor")
        self.tick(LATER)
        self.assertEqual(mail.outbox, [])
        report.refresh_from_db()
        self.assertEqual(report.state, ReportState.DRAFT)
        self.assertEqual(report.reviewed_by, self.bob)

    def test_a_no_change_report_with_problems_waits_for_a_person(self) -> None:
        self.harbor.report_auto_send_no_change = True
        self.harbor.save()
        self.promise("Send the price list", dt.date(2026, 11, 2))
        self.tick(LATER)
        self.assertEqual(mail.outbox, [])
        self.assertEqual(StatusReport.objects.get().state, ReportState.DRAFT)

    def test_it_sends_a_scheduled_report_when_its_time_comes(self) -> None:
        report = self.draft(body_markdown=PLAIN)
        at = DUE + dt.timedelta(days=1)
        with time_machine.travel(DUE, tick=False):
            report_schedule(membership=self.bob_m, report=report, at=at)
        self.assertEqual(self.tick(at - dt.timedelta(minutes=1)), 0)
        self.assertEqual(mail.outbox, [])
        self.assertEqual(self.tick(at), 1)
        self.assertEqual(self.tick(at + dt.timedelta(minutes=1)), 0)
        self.assertEqual(len(mail.outbox), 1)
        report.refresh_from_db()
        self.assertEqual(report.state, ReportState.SENT)
        self.assertEqual(report.reviewed_by, self.bob)
        self.assertEqual(report.sent_at, at)

    def test_a_scheduled_report_keeps_its_confirmation(self) -> None:
        report = self.draft(body_markdown=JARGON)
        at = DUE + dt.timedelta(days=1)
        with time_machine.travel(DUE, tick=False):
            report_schedule(membership=self.bob_m, report=report, at=at, confirm_below_target=True)
        self.tick(at)
        report.refresh_from_db()
        self.assertEqual(report.state, ReportState.SENT)
        self.assertTrue(report.sent_below_target)

    def test_a_scheduled_report_that_cannot_go_returns_to_draft(self) -> None:
        report = self.draft(body_markdown=PLAIN)
        at = DUE + dt.timedelta(days=1)
        with time_machine.travel(DUE, tick=False):
            report_schedule(membership=self.bob_m, report=report, at=at)
        self.lena.receives_reports = False
        self.lena.save()
        self.assertEqual(self.tick(at), 0)
        report.refresh_from_db()
        self.assertEqual(report.state, ReportState.DRAFT)
        self.assertIsNone(report.scheduled_for)
        self.assertEqual(mail.outbox, [])

    def test_the_worker_runs_them_once_per_slot(self) -> None:
        self.harbor.report_auto_send_no_change = True
        self.harbor.save()
        for _ in range(2):
            with (
                time_machine.travel(LATER, tick=False),
                self.captureOnCommitCallbacks(execute=True),
            ):
                call_command("worker", "--once", verbosity=0)
        # Other apps' jobs may email too (a digest); one report went out.
        reports = [m for m in mail.outbox if m.subject.startswith("Weekly update")]
        self.assertEqual(len(reports), 1)
        self.assertEqual(StatusReport.objects.get().state, ReportState.SENT)
