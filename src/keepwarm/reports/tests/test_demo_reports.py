"""Tests for the demo's reports: steady updates sent, "no change", drafts waiting, a job report."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail

from keepwarm.accounts.models import Workspace
from keepwarm.demo.loader import load_demo
from keepwarm.lib.plain import check_text
from keepwarm.messaging.models import OutboundMessage
from keepwarm.reports.models import ReportKind, ReportState, StatusReport
from keepwarm.reports.selectors import reports_due
from keepwarm.testing import BaseTestCase

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=LONDON)


@time_machine.travel(NOW, tick=False)
class DemoReportsTests(BaseTestCase):
    demo: Workspace

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.demo = load_demo().workspace

    def reports(self, client: str) -> list[StatusReport]:
        return list(
            StatusReport.objects.filter(workspace=self.demo, client__name__startswith=client)
            .select_related("interaction")
            .order_by("created_at")
        )

    def test_close_clients_had_steady_weekly_reports(self) -> None:
        sent = [r for r in self.reports("Harbor") if r.state == ReportState.SENT]
        self.assertGreaterEqual(len(sent), 20)
        for report in sent:
            assert report.interaction is not None
            self.assertEqual(report.interaction.occurred_at, report.sent_at)
            self.assertEqual(report.due_at, report.sent_at)
            self.assertEqual(report.period_end.weekday(), 4)  # type: ignore[union-attr]

    def test_one_sent_report_said_no_change(self) -> None:
        no_change = StatusReport.objects.get(
            workspace=self.demo, is_no_change=True, state=ReportState.SENT
        )
        self.assertIn("no change", no_change.subject)

    def test_reports_are_due_for_review_and_none_were_emailed(self) -> None:
        due = reports_due(workspace_id=self.demo.pk, now=NOW)
        with_draft = [item for item in due if item.report_id]
        self.assertTrue(with_draft)
        self.assertIn("Meadowbank Veterinary Surgery", [item.client_name for item in due])
        self.assertEqual(OutboundMessage.objects.filter(workspace=self.demo).count(), 0)
        self.assertEqual(mail.outbox, [])

    def test_one_draft_is_full_of_jargon(self) -> None:
        [draft] = [r for r in self.reports("Northgate") if r.state == ReportState.DRAFT]
        self.assertEqual(draft.created_by.name, "Tom Reilly")  # type: ignore[union-attr]
        check = check_text(draft.body_markdown, target=60)
        self.assertFalse(check.meets_target)
        self.assertIn("TTFB", [word.word for word in check.hard_words])

    def test_the_plumber_got_a_job_report(self) -> None:
        [job] = [r for r in self.reports("Castle") if r.kind == ReportKind.JOB]
        self.assertEqual(job.state, ReportState.SENT)
        assert job.interaction is not None
        self.assertTrue(job.interaction.is_job_report)
        self.assertEqual(
            [line for line in job.body_markdown.splitlines() if line.startswith("## ")],
            ["## What was wrong", "## What we did", "## What is needed next"],
        )
        self.assertIsNotNone(job.recommendations[0]["commitment_id"])
