"""Shared set-up for the reports tests: a weekly client with people, and records in a period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from keepwarm.clients.models import Client, Contact
from keepwarm.commitments.models import Commitment
from keepwarm.interactions.models import Interaction
from keepwarm.reports.models import StatusReport
from keepwarm.reports.periods import Period
from keepwarm.reports.services import client_schedule, report_draft_for_period

UTC = dt.UTC
# Friday 20 November 2026, 16:00 in Dublin (= UTC in winter): Harbor's weekly report is due.
DUE = dt.datetime(2026, 11, 20, 16, tzinfo=UTC)
WEEK_START = dt.datetime(2026, 11, 13, 16, tzinfo=UTC)
CREATED = dt.datetime(2026, 1, 1, tzinfo=UTC)
PLAIN = (
    "Hi Lena,\n\nWe fixed the booking page this week. It works on phones now.\n\n"
    "Best wishes,\nAlice\n"
)
JARGON = (
    "Hi Lena,\n\nWe will leverage synergies to operationalise the idempotent remediation "
    "of heterogeneous infrastructure paradigms, notwithstanding the aforementioned "
    "asynchronous orchestration considerations that necessitate comprehensive "
    "reconfiguration of the microservices.\n"
)


def harbor_period() -> Period:
    """Return Harbor's weekly period that falls due at DUE."""
    return Period(
        start=dt.date(2026, 11, 14), end=dt.date(2026, 11, 20), starts_at=WEEK_START, due_at=DUE
    )


class ReportFixtures:
    """Mixin for BaseTestCase: Harbor Dental, weekly on Fridays at 16:00 in Dublin."""

    workspace: Any
    alice: Any
    harbor: Client
    lena: Contact
    sam: Contact

    @classmethod
    def make_harbor(cls) -> None:
        cls.harbor = Client.objects.create(
            workspace=cls.workspace,
            name="Harbor Dental",
            owner=cls.alice,
            report_cadence="weekly",
            report_weekday=4,
            report_time=dt.time(16),
            report_time_zone="Europe/Dublin",
            created_at=CREATED,
        )
        cls.lena = Contact.objects.create(
            workspace=cls.workspace,
            client=cls.harbor,
            name="Dr Lena Ortiz",
            email="lena@harbor.example",
            receives_reports=True,
        )
        cls.sam = Contact.objects.create(
            workspace=cls.workspace, client=cls.harbor, name="Sam Reid", email="sam@harbor.example"
        )

    def log(self, at: dt.datetime, subject: str, **fields: Any) -> Interaction:
        fields.setdefault("channel", "call")
        fields.setdefault("direction", "outbound")
        return Interaction.objects.create(
            workspace=self.workspace, client=self.harbor, occurred_at=at, subject=subject, **fields
        )

    def promise(self, what: str, due_on: dt.date, **fields: Any) -> Commitment:
        return Commitment.objects.create(
            workspace=self.workspace, client=self.harbor, what=what, due_on=due_on, **fields
        )

    def period(self) -> Period:
        return harbor_period()

    def draft(self, now: dt.datetime = DUE, **fields: Any) -> StatusReport:
        schedule = client_schedule(self.harbor)
        assert schedule is not None
        report, _ = report_draft_for_period(
            client=self.harbor, period=self.period(), schedule=schedule, now=now
        )
        if fields:
            StatusReport.objects.filter(pk=report.pk).update(**fields)
            report.refresh_from_db()
        return report
