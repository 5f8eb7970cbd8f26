"""Tests for SchedulePeriods: each distinct schedule's periods worked out once, for all."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from keepwarm.clients.models import Client
from keepwarm.reports import selectors
from keepwarm.reports.models import ReportSettings
from keepwarm.reports.periods import period_due_by, period_ending_on
from keepwarm.reports.selectors import SchedulePeriods, reports_due, scheduled_clients
from keepwarm.testing import BaseTestCase

UTC = dt.UTC
# Wednesday 25 November 2026, noon UTC.
NOW = dt.datetime(2026, 11, 25, 12, tzinfo=UTC)
CREATED = dt.datetime(2026, 1, 1, tzinfo=UTC)


class SchedulePeriodsTests(BaseTestCase):
    def setUp(self) -> None:
        self.defaults = ReportSettings(workspace=self.workspace)
        self.periods = SchedulePeriods(self.defaults)

    def schedule(self, cadence: str = "weekly", zone: str = "Europe/Dublin") -> selectors.Schedule:
        found = self.periods.schedule(
            status="active",
            cadence=cadence,
            weekday=4,
            time=dt.time(16),
            time_zone=zone,
            auto_send_no_change=False,
            has_recipients=False,
        )
        assert found is not None
        return found

    def test_it_gives_the_latest_periods_due_newest_first(self) -> None:
        weekly = self.schedule()
        last, before = self.periods.due_by(weekly, NOW, 2)
        self.assertEqual(last, period_due_by(weekly, NOW))
        self.assertEqual((last.start, last.end), (dt.date(2026, 11, 14), dt.date(2026, 11, 20)))
        self.assertEqual(before, period_ending_on(weekly, dt.date(2026, 11, 13)))
        self.assertEqual(self.periods.due_by(weekly, NOW), [last])

    def test_it_gives_the_periods_due_in_a_window(self) -> None:
        monthly = self.schedule("monthly")
        window = self.periods.due_after(monthly, NOW, NOW - dt.timedelta(days=90))
        # The first Friday of November, October, September (4 Sep is 82 days before).
        self.assertEqual(
            [p.end for p in window],
            [dt.date(2026, 11, 6), dt.date(2026, 10, 2), dt.date(2026, 9, 4)],
        )
        self.assertTrue(all(p.due_at > NOW - dt.timedelta(days=90) for p in window))
        # Asking for fewer afterwards reuses the same chain.
        self.assertEqual(self.periods.due_by(monthly, NOW, 2), window[:2])

    def test_it_works_out_each_distinct_schedule_once(self) -> None:
        for n in range(5):
            Client.objects.create(
                workspace=self.workspace,
                name=f"Dublin {n}",
                report_cadence="weekly",
                report_time_zone="Europe/Dublin",
                created_at=CREATED,
            )
        Client.objects.create(
            workspace=self.workspace,
            name="New York",
            report_cadence="weekly",
            report_time_zone="America/New_York",
            created_at=CREATED,
        )
        with mock.patch.object(selectors, "period_due_by", wraps=period_due_by) as worked_out:
            due = reports_due(workspace_id=self.workspace.pk, now=NOW)
        self.assertEqual(len(due), 6)
        self.assertEqual(worked_out.call_count, 2)  # Dublin's Fridays, and New York's

    def test_clients_that_follow_the_default_need_someone_who_receives_reports(self) -> None:
        self.defaults.default_cadence = "weekly"
        Client.objects.create(workspace=self.workspace, name="Plain", created_at=CREATED)
        told = Client.objects.create(workspace=self.workspace, name="Told", created_at=CREATED)
        told.contacts.create(
            workspace=self.workspace, name="Lena", email="lena@example.com", receives_reports=True
        )
        found = scheduled_clients(self.workspace.pk, self.defaults)
        self.assertEqual([c.client_id for c in found], [told.pk])

    def test_a_queryset_of_ids_stays_a_subquery(self) -> None:
        for n in range(3):
            Client.objects.create(
                workspace=self.workspace, name=f"C {n}", report_cadence="daily", created_at=CREATED
            )
        ids = Client.objects.filter(workspace=self.workspace).values_list("pk", flat=True)
        with self.assertNumQueries(3):  # settings, scheduled clients, their reports
            due = reports_due(workspace_id=self.workspace.pk, now=NOW, client_ids=ids)
        self.assertEqual(len(due), 3)
