"""Tests for the recovery builders: each suggestion signal and each topic due makes its item."""

from __future__ import annotations

import datetime as dt

from keepwarm.agenda.kinds import Run
from keepwarm.agenda.selectors import _clients, _load_clients
from keepwarm.agenda.sources_feedback import unhappy as unhappy_source
from keepwarm.agenda.sources_recovery import suggested_recoveries, tough_topics
from keepwarm.agenda.tests.helpers import NOW, TODAY, AgendaTestCase, days_ago
from keepwarm.agenda.types import AgendaItem
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.feedback.models import FeedbackResponse
from keepwarm.interactions.models import Interaction
from keepwarm.recovery.models import RecoveryCase, ToughTopic


class RecoverySourceTests(AgendaTestCase):
    def _run(self, client_id: int | None = None) -> Run:
        covered = _clients(self.alice_m, mine=False, client_id=client_id)
        clients = _load_clients(covered, NOW, TODAY, falls=False)
        return Run(now=NOW, zone=dt.UTC, today=TODAY, clients=clients)

    def _suggested(self, client_id: int | None = None) -> list[AgendaItem]:
        run = self._run(client_id)
        covered = _clients(self.alice_m, mine=False, client_id=client_id)
        suggested_recoveries(run, self.workspace.pk, covered)
        return [item for _, item in run.items]

    def test_each_signal_makes_its_agenda_item(self) -> None:
        upset = self.make_client("Upset Vets", response_target_hours=4)
        Interaction.objects.create(
            workspace=self.workspace,
            client=upset,
            channel="email",
            direction="inbound",
            occurred_at=days_ago(2),
            sentiment=-0.8,
        )
        slow = self.make_client("Slow Bakery", response_target_hours=4)
        Interaction.objects.create(
            workspace=self.workspace,
            client=slow,
            channel="email",
            direction="inbound",
            occurred_at=days_ago(3),
            subject="Menu",
            first_response_seconds=20 * 3600,
        )
        broken = self.make_client("Broken Law")
        Commitment.objects.create(
            workspace=self.workspace,
            client=broken,
            what="Send the draft",
            due_on=TODAY,
            status=CommitmentStatus.BROKEN,
        )
        quiet = self.make_client("Quiet Charity", report_cadence="weekly", created_at=days_ago(60))
        unhappy = self.make_client("Unhappy Retail")
        FeedbackResponse.objects.create(
            workspace=self.workspace,
            client=unhappy,
            kind="csat",
            score=1,
            unhappy=True,
            source="portal",
            created_at=days_ago(1),
        )
        items = {item.key: item for item in self._suggested()}
        self.assertEqual(
            set(items),
            {
                f"suggest_recovery:{upset.pk}:negative_message",
                f"suggest_recovery:{slow.pk}:slow_reply",
                f"suggest_recovery:{broken.pk}:broken_promise",
                f"suggest_recovery:{quiet.pk}:missed_reports",
            },
        )
        # A low score has its own "… is unhappy" item on top, which offers the case: not twice.
        run = self._run(None)
        unhappy_source(run, self.workspace.pk, None)
        suggested_recoveries(
            run, self.workspace.pk, _clients(self.alice_m, mine=False, client_id=None)
        )
        self.assertEqual(
            sorted(run.items, key=lambda pair: pair[0])[0][1].key,
            f"unhappy_client:{unhappy.pk}",
        )
        item = items[f"suggest_recovery:{upset.pk}:negative_message"]
        self.assertEqual(item.kind, "suggest_recovery")
        self.assertEqual(
            item.sentence,
            "Upset Vets sent a clearly upset email 2 days ago — consider a recovery case",
        )
        self.assertEqual(item.reason, "a clearly upset message 2 days ago")
        self.assertEqual(item.action, "Open a recovery case")
        self.assertIn(f"/clients/{upset.pk}/recovery/new/?signal=negative_message", item.url)
        # A suggestion never opens a case by itself.
        self.assertFalse(RecoveryCase.objects.exists())

    def test_an_open_case_removes_the_suggestion(self) -> None:
        client = self.make_client("Upset Vets")
        Interaction.objects.create(
            workspace=self.workspace,
            client=client,
            channel="call",
            direction="inbound",
            occurred_at=days_ago(1),
            sentiment=-0.9,
        )
        self.assertEqual(len(self._suggested(client.pk)), 1)
        RecoveryCase.objects.create(
            workspace=self.workspace, client=client, cause="other", what_happened="x"
        )
        self.assertEqual(self._suggested(client.pk), [])

    def test_tough_topics_due_and_overdue_make_items(self) -> None:
        client = self.make_client("Harbor Dental")
        late = ToughTopic.objects.create(
            workspace=self.workspace,
            client=client,
            kind="mistake",
            what_to_say="We lost the March backup.",
            raise_by=TODAY - dt.timedelta(days=2),
        )
        soon = ToughTopic.objects.create(
            workspace=self.workspace,
            client=client,
            kind="price",
            what_to_say="Prices rise in May.",
            raise_by=TODAY + dt.timedelta(days=6),
        )
        run = self._run()
        tough_topics(run, self.workspace.pk, _clients(self.alice_m, mine=False, client_id=None))
        items = {item.key: item for _, item in run.items}
        first = items[f"tough_topic:{late.pk}"]
        self.assertEqual((first.state, first.overdue_days), ("overdue", 2))
        self.assertEqual(first.reason, "not raised, 2 days past its date")
        self.assertEqual(
            first.sentence, "Admit a mistake to Harbor Dental — 2 days past the date to raise it"
        )
        second = items[f"tough_topic:{soon.pk}"]
        self.assertEqual((second.state, second.reason), ("upcoming", "raise it in 6 days"))
