from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from keepwarm.accounts.models import AuditEvent, Role
from keepwarm.clients.models import Client
from keepwarm.clients.services import client_update
from keepwarm.commitments.models import Commitment
from keepwarm.commitments.services import commitment_create, commitment_mark
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.interactions.services import interaction_delete, interaction_log, interaction_update
from keepwarm.testing import BaseTestCase
from keepwarm.trust.models import FeltCloseness, TrustSettings, TrustSnapshot
from keepwarm.trust.services import (
    felt_closeness_set,
    snapshots_refresh_stale,
    snapshots_store,
    trust_settings_for,
    trust_settings_update,
)

AT = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
TODAY = AT.date()


def ago(*, days: float = 0, hours: float = 0) -> dt.datetime:
    return AT - dt.timedelta(days=days, hours=hours)


class TrustSettingsTests(BaseTestCase):
    def test_it_creates_the_defaults_once(self) -> None:
        first = trust_settings_for(self.workspace)
        self.assertEqual(trust_settings_for(self.workspace), first)
        self.assertEqual(first.weight_responsiveness, 25)
        self.assertEqual(TrustSettings.objects.count(), 1)

    def test_it_lets_owners_and_managers_change_weights_and_audits_it(self) -> None:
        self.bob_m.role = Role.MANAGER
        self.bob_m.save()
        trust_settings_update(membership=self.bob_m, weight_sentiment=40, close_from=85)
        saved = trust_settings_for(self.workspace)
        self.assertEqual((saved.weight_sentiment, saved.close_from), (40, 85))
        event = AuditEvent.objects.get(action="trust_settings.update")
        self.assertEqual(event.actor, self.bob)
        self.assertEqual(event.changes, {"weight_sentiment": [15, 40], "close_from": [80, 85]})

    def test_it_audits_nothing_when_nothing_changed(self) -> None:
        trust_settings_update(membership=self.alice_m, weight_sentiment=15)
        self.assertFalse(AuditEvent.objects.filter(action="trust_settings.update").exists())

    def test_it_refuses_members_and_viewers(self) -> None:
        for membership in (self.bob_m, self.victor_m):
            with self.assertRaises(PermissionDenied):
                trust_settings_update(membership=membership, weight_sentiment=40)
        self.assertEqual(trust_settings_for(self.workspace).weight_sentiment, 15)

    def test_it_refuses_weights_outside_zero_to_a_hundred_or_all_zero(self) -> None:
        cases: list[dict[str, Any]] = [
            {"weight_sentiment": 101},
            {"weight_responsiveness": -1},
            {
                "weight_responsiveness": 0,
                "weight_promise_reliability": 0,
                "weight_contact_recency": 0,
                "weight_sentiment": 0,
                "weight_personal_touch": 0,
                "weight_update_consistency": 0,
                "weight_feedback": 0,
            },
        ]
        for fields in cases:
            with self.subTest(fields=fields), self.assertRaises(ValidationError) as caught:
                trust_settings_update(membership=self.alice_m, **fields)
            self.assertTrue(set(caught.exception.message_dict) <= set(fields))
        trust_settings_update(membership=self.alice_m, weight_sentiment=0)  # one at 0 is fine
        self.assertEqual(AuditEvent.objects.filter(action="trust_settings.update").count(), 1)

    def test_it_refuses_thresholds_that_do_not_rise_between_1_and_99(self) -> None:
        cases: list[tuple[dict[str, Any], str]] = [
            ({"cool_from": 0}, "cool_from"),
            ({"close_from": 100}, "close_from"),
            ({"warming_from": 20}, "warming_from"),
            ({"warm_from": 70, "close_from": 65}, "close_from"),
        ]
        for fields, field in cases:
            with self.subTest(fields=fields), self.assertRaises(ValidationError) as caught:
                trust_settings_update(membership=self.alice_m, **fields)
            self.assertEqual(list(caught.exception.message_dict), [field])
        saved = trust_settings_for(self.workspace)
        self.assertEqual(saved.cool_from, 20)
        self.assertEqual(saved.close_from, 80)
        self.assertIn("above where Warm starts (70)", str(caught.exception))

    def test_it_refuses_unknown_fields(self) -> None:
        with self.assertRaises(TypeError):
            trust_settings_update(membership=self.alice_m, name="x")

    @time_machine.travel(AT, tick=False)
    def test_it_recomputes_todays_scores(self) -> None:
        harbor = Client.objects.create(
            workspace=self.workspace, name="Harbor", created_at=ago(days=60)
        )
        Interaction.objects.create(
            workspace=self.workspace, client=harbor, channel=Channel.EMAIL,
            direction=Direction.INBOUND, occurred_at=ago(days=1), sentiment=0.5,
        )  # fmt: skip
        snapshots_store(workspace=self.workspace, day=TODAY)
        before = TrustSnapshot.objects.get(client=harbor, day=TODAY)
        # Their email is no touch of ours: recency 0, sentiment 75, personal touch 0.
        self.assertEqual(set(before.components), {"contact_recency", "sentiment", "personal_touch"})
        self.assertEqual(before.total, 22.5)

        trust_settings_update(membership=self.alice_m, weight_sentiment=0)

        after = TrustSnapshot.objects.get(client=harbor, day=TODAY)
        self.assertEqual(after.pk, before.pk)
        self.assertEqual(set(after.components), {"contact_recency", "personal_touch"})
        self.assertEqual(after.total, 0)
        self.assertEqual(after.band, "cold")


class FeltClosenessTests(BaseTestCase):
    harbor: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.harbor = Client.objects.create(
            workspace=cls.workspace, name="Harbor Dental", owner=cls.bob
        )

    def test_it_lets_only_the_client_owner_or_a_manager_record_it(self) -> None:
        other = Client.objects.create(workspace=self.workspace, name="Castle Plumbing")
        with self.assertRaises(PermissionDenied):
            felt_closeness_set(membership=self.bob_m, client=other, band="warm")
        with self.assertRaises(PermissionDenied):
            felt_closeness_set(membership=self.victor_m, client=self.harbor, band="warm")
        self.assertFalse(FeltCloseness.objects.exists())

    def test_it_records_changes_and_clears_how_close_it_feels_with_an_audit(self) -> None:
        felt = felt_closeness_set(
            membership=self.bob_m, client=self.harbor, band="warm", note=" Lena trusts us "
        )
        assert felt is not None
        self.assertEqual(
            (felt.band, felt.note, felt.recorded_by), ("warm", "Lena trusts us", self.bob)
        )
        felt_closeness_set(
            membership=self.alice_m, client=self.harbor, band="close", note="Lena trusts us"
        )
        felt.refresh_from_db()
        self.assertEqual((felt.band, felt.recorded_by), ("close", self.alice))
        self.assertIsNone(felt_closeness_set(membership=self.alice_m, client=self.harbor, band=""))
        self.assertFalse(FeltCloseness.objects.exists())

        events = AuditEvent.objects.filter(action__startswith="felt_closeness").order_by("pk")
        self.assertEqual(
            [(e.action, e.changes) for e in events],
            [
                ("felt_closeness.set", {"band": ["", "warm"], "note": ["", "Lena trusts us"]}),
                ("felt_closeness.set", {"band": ["warm", "close"]}),
                ("felt_closeness.clear", {"band": ["close", ""]}),
            ],
        )
        self.assertEqual({e.object_id for e in events}, {str(self.harbor.pk)})

    def test_it_refuses_an_unknown_band_and_a_long_note(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            felt_closeness_set(membership=self.alice_m, client=self.harbor, band="hot")
        self.assertIn("band", caught.exception.message_dict)
        with self.assertRaises(ValidationError) as caught:
            felt_closeness_set(
                membership=self.alice_m, client=self.harbor, band="warm", note="x" * 301
            )
        self.assertIn("note", caught.exception.message_dict)
        self.assertFalse(FeltCloseness.objects.exists())

    def test_it_refuses_viewers_and_other_workspaces(self) -> None:
        with self.assertRaises(PermissionDenied):
            felt_closeness_set(membership=self.victor_m, client=self.harbor, band="warm")
        with self.assertRaises(ValidationError):
            felt_closeness_set(membership=self.charlie_m, client=self.harbor, band="cold")
        self.assertFalse(FeltCloseness.objects.exists())


@time_machine.travel(AT, tick=False)
class SnapshotTests(BaseTestCase):
    harbor: Client
    bakery: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.harbor = Client.objects.create(
            workspace=cls.workspace, name="Harbor Dental", created_at=ago(days=100)
        )
        cls.bakery = Client.objects.create(
            workspace=cls.workspace, name="Crumb & Co", created_at=ago(days=100)
        )
        for client in (cls.harbor, cls.bakery):
            Interaction.objects.create(
                workspace=cls.workspace, client=client, channel=Channel.CALL,
                direction=Direction.OUTBOUND, occurred_at=ago(days=20),
            )  # fmt: skip
            Interaction.objects.create(
                workspace=cls.workspace, client=client, channel=Channel.EMAIL,
                direction=Direction.INBOUND, occurred_at=ago(days=3), sentiment=0.6,
            )  # fmt: skip

    def snapshot(self, client: Client, day: dt.date = TODAY) -> TrustSnapshot:
        return TrustSnapshot.objects.get(client=client, day=day)

    def test_it_stores_each_clients_score_with_its_components(self) -> None:
        self.assertEqual(snapshots_store(workspace=self.workspace, day=TODAY), 2)
        snap = self.snapshot(self.harbor)
        # recency: 20 days against 14 → (42 - 20) / 28; sentiment 0.6 → 80; personal touch 0;
        # weights 20, 15 and 15 of 50.
        self.assertEqual(snap.components["contact_recency"], {"score": 78.6, "weight": 40.0})
        self.assertEqual(snap.components["sentiment"]["score"], 80.0)
        self.assertEqual(snap.total, round((78.571 * 20 + 80 * 15) / 50, 1))
        self.assertEqual(snap.band, "warming")
        self.assertEqual(snap.workspace, self.workspace)
        self.assertEqual(snap.computed_at, AT)

    def test_it_upserts_rather_than_duplicating(self) -> None:
        snapshots_store(workspace=self.workspace, day=TODAY)
        first = self.snapshot(self.harbor)
        Interaction.objects.create(
            workspace=self.workspace, client=self.harbor, channel=Channel.CALL,
            direction=Direction.OUTBOUND, occurred_at=ago(hours=1),
        )  # fmt: skip
        with time_machine.travel(AT + dt.timedelta(minutes=5), tick=False):
            self.assertEqual(snapshots_store(workspace=self.workspace, day=TODAY), 2)
            self.assertEqual(snapshots_store(workspace=self.workspace, day=TODAY), 2)
        self.assertEqual(TrustSnapshot.objects.count(), 2)
        second = self.snapshot(self.harbor)
        self.assertEqual(second.pk, first.pk)
        self.assertEqual(second.components["contact_recency"]["score"], 100)
        self.assertEqual(second.computed_at, AT + dt.timedelta(minutes=5))

    def test_it_scores_a_past_day_as_it_stood_at_its_end(self) -> None:
        day = TODAY - dt.timedelta(days=10)
        snapshots_store(workspace=self.workspace, day=day)
        snap = self.snapshot(self.harbor, day)
        # The message of 3 days ago had not come yet; the call was 10 days old.
        self.assertEqual(set(snap.components), {"contact_recency", "personal_touch"})
        self.assertEqual(snap.components["contact_recency"]["score"], 100)
        self.assertEqual(snap.total, round(100 * 20 / 35, 1))

    def test_it_stores_thin_history_without_a_total_or_band(self) -> None:
        snapshots_store(workspace=self.workspace, day=TODAY - dt.timedelta(days=95))
        snap = self.snapshot(self.harbor, TODAY - dt.timedelta(days=95))
        self.assertEqual(snap.components, {})
        self.assertIsNone(snap.total)
        self.assertEqual(snap.band, "")

    def test_it_leaves_out_clients_that_did_not_exist_yet(self) -> None:
        self.assertEqual(
            snapshots_store(workspace=self.workspace, day=TODAY - dt.timedelta(101)), 0
        )

    def test_it_refuses_a_day_that_has_not_come(self) -> None:
        with self.assertRaises(ValueError):
            snapshots_store(workspace=self.workspace, day=TODAY + dt.timedelta(days=1))

    def test_it_stores_only_the_clients_asked_for(self) -> None:
        self.assertEqual(
            snapshots_store(workspace=self.workspace, day=TODAY, client_ids=[self.bakery.pk]), 1
        )
        self.assertEqual(
            list(TrustSnapshot.objects.values_list("client", flat=True)), [self.bakery.pk]
        )

    def refresh_later(self, minutes: int) -> tuple[int, set[int]]:
        """Refresh a little later; return how many were stored and which clients' changed."""
        before = dict(TrustSnapshot.objects.values_list("client_id", "computed_at"))
        with time_machine.travel(AT + dt.timedelta(minutes=minutes), tick=False):
            stored = snapshots_refresh_stale(workspace=self.workspace)
        after = dict(TrustSnapshot.objects.values_list("client_id", "computed_at"))
        return stored, {pk for pk, at in after.items() if before.get(pk) != at}

    def test_it_refreshes_only_missing_snapshots_and_changed_clients(self) -> None:
        self.assertEqual(self.refresh_later(1), (2, {self.harbor.pk, self.bakery.pk}))
        with self.assertNumQueries(1):
            self.assertEqual(snapshots_refresh_stale(workspace=self.workspace), 0)

        with time_machine.travel(AT + dt.timedelta(minutes=2), tick=False):
            message = Interaction.objects.get(client=self.harbor, direction=Direction.INBOUND)
            interaction_update(membership=self.alice_m, interaction=message, body="Awful.")
        self.assertEqual(self.refresh_later(3), (1, {self.harbor.pk}))

        with time_machine.travel(AT + dt.timedelta(minutes=4), tick=False):
            promise = commitment_create(
                membership=self.alice_m, client=self.bakery, what="Quote", due_on=TODAY
            )
        self.assertEqual(self.refresh_later(5), (1, {self.bakery.pk}))

        with time_machine.travel(AT + dt.timedelta(minutes=6), tick=False):
            commitment_mark(membership=self.alice_m, commitment=promise, status="kept")
            client_update(membership=self.alice_m, client=self.harbor, check_in_every_days=30)
        self.assertEqual(self.refresh_later(7), (2, {self.harbor.pk, self.bakery.pk}))
        self.assertEqual(self.refresh_later(8), (0, set()))

    def test_it_refreshes_after_a_deletion_and_for_new_clients(self) -> None:
        snapshots_store(workspace=self.workspace, day=TODAY)
        with time_machine.travel(AT + dt.timedelta(minutes=2), tick=False):
            logged = interaction_log(
                membership=self.alice_m, client=self.harbor, channel=Channel.CALL,
                direction=Direction.OUTBOUND, occurred_at=ago(days=1),
            )  # fmt: skip
        self.assertEqual(self.refresh_later(3), (1, {self.harbor.pk}))
        with time_machine.travel(AT + dt.timedelta(minutes=4), tick=False):
            interaction_delete(membership=self.alice_m, interaction=logged)
        # A deleted row names no client any more: every snapshot older than it is redone.
        self.assertEqual(self.refresh_later(5), (2, {self.harbor.pk, self.bakery.pk}))
        self.assertEqual(self.snapshot(self.harbor).components["contact_recency"]["score"], 78.6)

        newcomer = Client.objects.create(workspace=self.workspace, name="New", created_at=AT)
        self.assertEqual(self.refresh_later(6), (1, {newcomer.pk}))
        self.assertFalse(Commitment.objects.exists())
