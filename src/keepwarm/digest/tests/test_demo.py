from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from keepwarm.accounts.models import Membership, Workspace
from keepwarm.demo.loader import load_demo
from keepwarm.digest.services import digest_send_due
from keepwarm.testing import BaseTestCase
from keepwarm.trust.fairness import fairness_report


@time_machine.travel(dt.datetime(2026, 11, 25, 9, 30, tzinfo=ZoneInfo("Europe/London")), tick=False)
class DemoDigestTests(BaseTestCase):
    demo: Workspace

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.demo = load_demo().workspace

    def test_the_demo_sends_no_digest_until_someone_turns_it_on(self) -> None:
        memberships = Membership.objects.filter(workspace=self.demo)
        self.assertEqual(set(memberships.values_list("digest_enabled", flat=True)), {False})
        sent = digest_send_due(now=timezone.now(), ignore_time=True, dry_run=True)
        self.assertNotIn(self.demo, [outcome.membership.workspace for outcome in sent])

    def test_the_fairness_report_finds_the_quietly_neglected_five_percent_client(self) -> None:
        report = fairness_report(workspace_id=self.demo.pk, now=timezone.now())
        greenway = next(row for row in report.rows if row.name.startswith("Greenway"))
        self.assertTrue(greenway.neglected)
        self.assertEqual(greenway.revenue_label, "5%")
