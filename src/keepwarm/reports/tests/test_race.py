"""Tests that two clicks or two workers never make two reports for one period, or send twice."""

from __future__ import annotations

import datetime as dt
import threading
import unittest
from typing import Any
from unittest import mock

from django.core import mail
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.test import TransactionTestCase, override_settings

from keepwarm.accounts.models import Membership, Role, User, Workspace
from keepwarm.clients.models import Client, Contact
from keepwarm.reports import services
from keepwarm.reports.models import ReportState, StatusReport
from keepwarm.reports.sending import report_send
from keepwarm.reports.services import client_schedule, report_draft_for_period
from keepwarm.reports.tests.helpers import CREATED, DUE, PLAIN, ReportFixtures, harbor_period
from keepwarm.testing import FAST_HASHERS, BaseTestCase


class DraftRaceTests(ReportFixtures, BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.make_harbor()

    def test_a_draft_made_meanwhile_by_another_wins(self) -> None:
        schedule = client_schedule(self.harbor)
        assert schedule is not None
        real = services.status_draft_fields

        def slow(**kwargs: Any) -> dict[str, Any]:
            fields = real(**kwargs)
            # Another worker inserts the same period while this one is still assembling.
            StatusReport.objects.create(
                workspace=self.workspace,
                client=self.harbor,
                period_start=self.period().start,
                subject="The other worker's draft",
            )
            return fields

        with mock.patch.object(services, "status_draft_fields", slow):
            report, created = report_draft_for_period(
                client=self.harbor, period=self.period(), schedule=schedule, now=DUE
            )
        self.assertFalse(created)
        self.assertEqual(report.subject, "The other worker's draft")
        self.assertEqual(StatusReport.objects.count(), 1)


@unittest.skipUnless(connection.vendor == "postgresql", "real concurrency needs PostgreSQL")
@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class ConcurrentTests(TransactionTestCase):
    """Two threads, two database connections, at the same moment."""

    def setUp(self) -> None:
        self.workspace = Workspace.objects.create(name="Alice's Studio")
        user = User.objects.create_user("alice@example.org", "pw", name="Alice")
        self.membership = Membership.objects.create(
            user=user, workspace=self.workspace, role=Role.OWNER
        )
        self.harbor = Client.objects.create(
            workspace=self.workspace,
            name="Harbor Dental",
            report_cadence="weekly",
            report_weekday=4,
            report_time=dt.time(16),
            report_time_zone="Europe/Dublin",
            created_at=CREATED,
        )
        Contact.objects.create(
            workspace=self.workspace,
            client=self.harbor,
            name="Lena",
            email="lena@harbor.example",
            receives_reports=True,
        )

    def together(self, action: Any, count: int = 2) -> list[Any]:
        barrier = threading.Barrier(count)
        results: list[Any] = [None] * count

        def run(index: int) -> None:
            try:
                barrier.wait()
                results[index] = action()
            except Exception as error:
                results[index] = error
            finally:
                close_old_connections()
                connection.close()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        return results

    def test_two_workers_draft_one_report(self) -> None:
        schedule = client_schedule(self.harbor)
        assert schedule is not None
        period = harbor_period()
        results = self.together(
            lambda: report_draft_for_period(
                client=Client.objects.get(pk=self.harbor.pk),
                period=period,
                schedule=schedule,
                now=DUE,
            )
        )
        self.assertEqual(StatusReport.objects.count(), 1)
        ids = {report.pk for report, _ in results}
        self.assertEqual(len(ids), 1)
        self.assertEqual(sorted(created for _, created in results), [False, True])

    def test_two_clicks_send_once(self) -> None:
        report = StatusReport.objects.create(
            workspace=self.workspace,
            client=self.harbor,
            kind="job",
            subject="Job report",
            body_markdown=PLAIN,
        )

        def send() -> Any:
            return report_send(
                membership=Membership.objects.select_related("workspace", "user").get(
                    pk=self.membership.pk
                ),
                report=StatusReport.objects.select_related("client", "workspace").get(pk=report.pk),
            )

        results = self.together(send)
        errors = [r for r in results if isinstance(r, Exception)]
        self.assertEqual(len(errors), 1, results)
        self.assertIsInstance(errors[0], ValidationError)
        self.assertEqual(len(mail.outbox), 1)
        report.refresh_from_db()
        self.assertIn(report.state, (ReportState.SENDING, ReportState.SENT))
        self.assertEqual(self.harbor.interactions.count(), 1)
