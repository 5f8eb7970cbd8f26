"""Tests for `keepwarm reports due` and `keepwarm reports send-due`."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from keepwarm.reports.models import ReportState, StatusReport
from keepwarm.reports.tests.helpers import DUE, ReportFixtures
from keepwarm.testing import BaseTestCase

LATER = DUE + dt.timedelta(days=2)


@time_machine.travel(LATER, tick=False)
class ReportsCommandTests(ReportFixtures, BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.make_harbor()

    def run_command(self, *args: str) -> str:
        out = StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("reports", *args, stdout=out, no_color=True)
        return out.getvalue()

    def test_it_lists_what_is_due(self) -> None:
        out = self.run_command("due")
        self.assertIn("Status reports due", out)
        self.assertIn("Harbor Dental", out)
        self.assertIn("14 Nov to 20 Nov 2026", out)
        self.assertIn("overdue", out)
        self.assertIn("no draft yet", out)
        self.assertIn("1 report due, 1 of them overdue.", out)

    def test_it_says_when_nothing_is_due(self) -> None:
        self.harbor.report_cadence = "none"
        self.harbor.save()
        self.assertIn("No status reports are due.", self.run_command("due"))

    def test_it_sends_only_what_may_go_without_review(self) -> None:
        out = self.run_command("send-due")
        self.assertIn("Done: drafted 1, sent 0.", out)
        self.assertEqual(mail.outbox, [])
        self.assertEqual(StatusReport.objects.get().state, ReportState.DRAFT)

    def test_it_sends_no_change_reports_the_client_allows_once(self) -> None:
        self.harbor.report_auto_send_no_change = True
        self.harbor.save()
        out = self.run_command("send-due")
        self.assertIn("✓ Sent Harbor Dental: Weekly update from Alice's Studio — no change", out)
        self.assertIn("Done: drafted 1, sent 1.", out)
        self.assertIn("Done: drafted 0, sent 0.", self.run_command("send-due"))
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(StatusReport.objects.get().state, ReportState.SENT)

    def test_it_refuses_an_unknown_workspace(self) -> None:
        with self.assertRaisesMessage(CommandError, "There is no workspace 999"):
            self.run_command("due", "--workspace", "999")
