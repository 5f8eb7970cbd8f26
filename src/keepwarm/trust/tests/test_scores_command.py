from __future__ import annotations

import datetime as dt
from io import StringIO

import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from keepwarm.clients.models import Client
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.testing import BaseTestCase
from keepwarm.trust.models import TrustSnapshot

AT = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
TODAY = AT.date()


@time_machine.travel(AT, tick=False)
class ScoresCommandTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        created = AT - dt.timedelta(days=30)
        for name in ("Harbor Dental", "Crumb & Co"):
            client = Client.objects.create(workspace=cls.workspace, name=name, created_at=created)
            Interaction.objects.create(
                workspace=cls.workspace, client=client, channel=Channel.CALL,
                direction=Direction.OUTBOUND, occurred_at=AT - dt.timedelta(days=2),
            )  # fmt: skip
        Client.objects.create(workspace=cls.charlies_workspace, name="Cory's", created_at=created)

    def run_scores(self, *args: str) -> str:
        out = StringIO()
        call_command("scores", *args, stdout=out)
        return out.getvalue()

    def test_it_stores_todays_snapshots_for_every_workspace(self) -> None:
        text = self.run_scores()
        self.assertRegex(text, r"Stored 2 snapshots for Alice's Studio in \d+\.\d s")
        self.assertRegex(text, r"Stored 1 snapshot for Charlie's Consulting in \d+\.\d s")
        self.assertIn("Done: 3 snapshots across 2 workspaces.", text)
        self.assertEqual(TrustSnapshot.objects.filter(day=TODAY).count(), 3)

    def test_it_can_score_one_workspace(self) -> None:
        text = self.run_scores("--workspace", str(self.charlies_workspace.pk))
        self.assertIn("Stored 1 snapshot for Charlie's Consulting", text)
        self.assertNotIn("Alice", text)
        self.assertEqual(
            list(TrustSnapshot.objects.values_list("workspace", flat=True)),
            [self.charlies_workspace.pk],
        )

    def test_it_back_fills_one_snapshot_a_day(self) -> None:
        since = TODAY - dt.timedelta(days=4)
        text = self.run_scores("--since", since.isoformat(), "--workspace", str(self.workspace.pk))
        self.assertIn("Stored 10 snapshots for Alice's Studio over 5 days from 21 Nov 2026", text)
        days = TrustSnapshot.objects.values_list("day", flat=True).distinct().order_by("day")
        self.assertEqual(list(days), [since + dt.timedelta(days=n) for n in range(5)])
        # On the first two days nobody had been in touch yet in a month; then came the call.
        recency = {
            snap.day: snap.components.get("contact_recency")
            for snap in TrustSnapshot.objects.filter(client__name="Harbor Dental")
        }
        self.assertEqual(recency[since], {"score": 0.0, "weight": 100.0})
        self.assertEqual(recency[TODAY], {"score": 100.0, "weight": 57.1})

    def test_it_back_fills_again_without_duplicates(self) -> None:
        since = (TODAY - dt.timedelta(days=1)).isoformat()
        self.run_scores("--since", since)
        self.run_scores("--since", since)
        self.assertEqual(TrustSnapshot.objects.count(), 6)

    def test_it_refuses_a_day_in_the_future(self) -> None:
        with self.assertRaisesMessage(CommandError, "--since 2026-11-26 is in the future"):
            self.run_scores("--since", "2026-11-26")
        self.assertFalse(TrustSnapshot.objects.exists())

    def test_it_refuses_more_than_three_years_back(self) -> None:
        with self.assertRaisesMessage(CommandError, "more than 3 years back"):
            self.run_scores("--since", "2023-01-01")
        self.run_scores("--since", "2026-11-24")

    def test_it_refuses_a_date_it_cannot_read(self) -> None:
        with self.assertRaisesMessage(CommandError, "--since must be a date like 2026-06-01"):
            self.run_scores("--since", "last week")

    def test_it_refuses_an_unknown_workspace(self) -> None:
        with self.assertRaisesMessage(CommandError, "There is no workspace 999999"):
            self.run_scores("--workspace", "999999")
