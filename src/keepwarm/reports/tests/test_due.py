"""Tests for reports_due: which status reports are owed, and whether they are overdue."""

from __future__ import annotations

import datetime as dt

from keepwarm.clients.models import Client, Contact
from keepwarm.messaging.models import MessageState, OutboundMessage
from keepwarm.reports.models import ReportSettings, ReportState, StatusReport
from keepwarm.reports.selectors import NOT_STARTED, reports_due
from keepwarm.testing import BaseTestCase

UTC = dt.UTC
# Wednesday 25 November 2026, noon UTC; the last Friday was the 20th.
NOW = dt.datetime(2026, 11, 25, 12, tzinfo=UTC)
CREATED = dt.datetime(2026, 1, 1, tzinfo=UTC)


class ReportsDueTests(BaseTestCase):
    harbor: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.harbor = Client.objects.create(
            workspace=cls.workspace,
            name="Harbor Dental",
            report_cadence="weekly",
            report_weekday=4,
            report_time=dt.time(16),
            report_time_zone="Europe/Dublin",
            created_at=CREATED,
        )

    def report(self, client: Client, start: dt.date, **fields: object) -> StatusReport:
        return StatusReport.objects.create(
            workspace=self.workspace,
            client=client,
            period_start=start,
            period_end=start + dt.timedelta(days=6),
            subject="Weekly update",
            **fields,
        )

    def test_it_lists_the_period_owed_with_no_draft_yet(self) -> None:
        [due] = reports_due(workspace_id=self.workspace.pk, now=NOW)
        self.assertEqual(due.client_id, self.harbor.pk)
        self.assertEqual(due.client_name, "Harbor Dental")
        self.assertEqual(
            (due.period_start, due.period_end), (dt.date(2026, 11, 14), dt.date(2026, 11, 20))
        )
        self.assertEqual(due.due_at, dt.datetime(2026, 11, 20, 16, tzinfo=UTC))
        self.assertTrue(due.overdue)
        self.assertIsNone(due.report_id)
        self.assertEqual(due.state, NOT_STARTED)
        self.assertFalse(due.failed)
        self.assertEqual(due.url, f"/clients/{self.harbor.pk}/#reports")

    def test_it_is_due_but_not_overdue_within_the_grace_period(self) -> None:
        soon = dt.datetime(2026, 11, 20, 16, 30, tzinfo=UTC)
        [due] = reports_due(workspace_id=self.workspace.pk, now=soon)
        self.assertFalse(due.overdue)
        ReportSettings.objects.create(workspace=self.workspace, grace_hours=0)
        [due] = reports_due(workspace_id=self.workspace.pk, now=soon)
        self.assertTrue(due.overdue)

    def test_it_points_at_the_draft(self) -> None:
        report = self.report(self.harbor, dt.date(2026, 11, 14))
        [due] = reports_due(workspace_id=self.workspace.pk, now=NOW)
        self.assertEqual(due.report_id, report.pk)
        self.assertEqual(due.state, ReportState.DRAFT)
        self.assertEqual(due.url, f"/reports/{report.pk}/")

    def test_it_leaves_out_sent_sending_and_scheduled_reports(self) -> None:
        report = self.report(self.harbor, dt.date(2026, 11, 14), state=ReportState.SENT)
        self.assertEqual(reports_due(workspace_id=self.workspace.pk, now=NOW), [])
        for state in (ReportState.SENDING, ReportState.SCHEDULED):
            StatusReport.objects.filter(pk=report.pk).update(state=state)
            self.assertEqual(reports_due(workspace_id=self.workspace.pk, now=NOW), [])

    def test_it_shows_a_report_whose_email_failed(self) -> None:
        message = OutboundMessage.objects.create(
            workspace=self.workspace,
            key="report:x",
            kind="report",
            message_id="<x@example.org>",
            from_email="a@example.org",
            subject="Weekly update",
            body_text="Hi",
            state=MessageState.FAILED,
        )
        self.report(self.harbor, dt.date(2026, 11, 14), state=ReportState.SENDING, outbound=message)
        [due] = reports_due(workspace_id=self.workspace.pk, now=NOW)
        self.assertTrue(due.failed)
        self.assertEqual(due.state, ReportState.FAILED)

    def test_it_ignores_reports_of_older_periods(self) -> None:
        self.report(self.harbor, dt.date(2026, 11, 7), state=ReportState.SENT)
        [due] = reports_due(workspace_id=self.workspace.pk, now=NOW)
        self.assertEqual(due.period_start, dt.date(2026, 11, 14))

    def test_it_leaves_out_clients_without_reports_or_not_active(self) -> None:
        Client.objects.create(workspace=self.workspace, name="No reports", created_at=CREATED)
        Client.objects.create(
            workspace=self.workspace,
            name="Paused",
            status="paused",
            report_cadence="weekly",
            created_at=CREATED,
        )
        Client.objects.create(
            workspace=self.charlies_workspace,
            name="Charlie's client",
            report_cadence="daily",
            created_at=CREATED,
        )
        self.assertEqual(
            [d.client_name for d in reports_due(workspace_id=self.workspace.pk, now=NOW)],
            ["Harbor Dental"],
        )

    def test_it_skips_a_period_due_before_the_client_was_added(self) -> None:
        Client.objects.filter(pk=self.harbor.pk).update(created_at=NOW - dt.timedelta(days=1))
        self.assertEqual(reports_due(workspace_id=self.workspace.pk, now=NOW), [])

    def test_it_follows_the_workspace_default_for_clients_with_recipients(self) -> None:
        bakery = Client.objects.create(
            workspace=self.workspace,
            name="Crumb Bakery",
            report_time_zone="UTC",
            created_at=CREATED,
        )
        ReportSettings.objects.create(
            workspace=self.workspace, default_cadence="daily", default_time=dt.time(9)
        )
        names = [d.client_name for d in reports_due(workspace_id=self.workspace.pk, now=NOW)]
        self.assertEqual(names, ["Harbor Dental"])
        Contact.objects.create(
            workspace=self.workspace,
            client=bakery,
            name="Sam",
            email="sam@crumb.example",
            receives_reports=True,
        )
        due = {d.client_name: d for d in reports_due(workspace_id=self.workspace.pk, now=NOW)}
        self.assertEqual(due["Crumb Bakery"].period_end, dt.date(2026, 11, 25))
        self.assertEqual(due["Crumb Bakery"].due_at, dt.datetime(2026, 11, 25, 9, tzinfo=UTC))
        # Oldest first.
        self.assertEqual(list(due), ["Harbor Dental", "Crumb Bakery"])

    def test_it_filters_by_client(self) -> None:
        other = Client.objects.create(
            workspace=self.workspace, name="Other", report_cadence="weekly", created_at=CREATED
        )
        due = reports_due(workspace_id=self.workspace.pk, now=NOW, client_ids=[other.pk])
        self.assertEqual([d.client_id for d in due], [other.pk])

    def test_it_uses_a_fixed_number_of_queries(self) -> None:
        for number in range(12):
            client = Client.objects.create(
                workspace=self.workspace,
                name=f"Client {number}",
                report_cadence=["daily", "weekly", "fortnightly", "monthly"][number % 4],
                created_at=CREATED,
            )
            if number % 2:
                self.report(client, dt.date(2026, 11, 14))
        with self.assertNumQueries(3):
            due = reports_due(workspace_id=self.workspace.pk, now=NOW)
        self.assertEqual(len(due), 13)
