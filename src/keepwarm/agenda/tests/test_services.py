from __future__ import annotations

import datetime as dt

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from keepwarm.accounts.models import AuditEvent
from keepwarm.agenda.models import AgendaAction
from keepwarm.agenda.services import agenda_item_dismiss, agenda_item_done, agenda_item_snooze
from keepwarm.agenda.tests.helpers import NOW, TODAY, AgendaTestCase, days_ago
from keepwarm.clients.models import Client
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.interactions.models import Interaction


@time_machine.travel(NOW, tick=False)
class DoneTests(AgendaTestCase):
    def test_done_on_a_promise_keeps_it_on_time_or_late(self) -> None:
        client = self.make_client()
        today = self.promise(client, due_on=TODAY)
        late = self.promise(client, due_on=TODAY - dt.timedelta(days=2))
        agenda_item_done(membership=self.alice_m, key=f"promise:{today.pk}")
        agenda_item_done(membership=self.alice_m, key=f"promise:{late.pk}")
        today.refresh_from_db()
        late.refresh_from_db()
        self.assertEqual(today.status, CommitmentStatus.KEPT)
        self.assertEqual(late.status, CommitmentStatus.LATE)
        self.assertEqual(self.items("promise"), [])
        actions = AuditEvent.objects.filter(action__startswith="agenda.").values_list(
            "action", flat=True
        )
        self.assertEqual(list(actions), ["agenda.done", "agenda.done"])
        marks = AuditEvent.objects.filter(action__startswith="commitment.mark")
        self.assertEqual(marks.count(), 2)

    def test_done_on_a_reply_marks_the_message_answered(self) -> None:
        client = self.make_client()
        message = self.log(client, at=days_ago(2), direction="inbound", needs_reply=True)
        action = agenda_item_done(membership=self.alice_m, key=f"reply:{message.pk}")
        message.refresh_from_db()
        self.assertFalse(message.needs_reply)
        self.assertEqual((action.kind, action.action, action.by), ("reply", "done", self.alice))
        self.assertEqual(self.items("reply"), [])

    def test_done_on_a_check_in_starts_its_clock_again(self) -> None:
        client = self.make_client(check_in_every_days=7, created_at=days_ago(60))
        self.log(client, at=days_ago(10))
        key = f"check_in:{client.pk}"
        agenda_item_done(membership=self.alice_m, key=key)
        self.assertEqual(self.items("check_in"), [])
        self.assertEqual(self.items("check_in", now=NOW + dt.timedelta(days=6)), [])
        # A cadence later with nothing logged, it is back, counted from the check-in.
        back = self.one("check_in", now=NOW + dt.timedelta(days=7))
        self.assertEqual(
            back.sentence,
            "Check in with Harbor Dental — check-in marked done 7 days ago (aim: every 7 days)",
        )
        # Logging a touch after the check-in moves the clock on from the touch.
        self.log(client, at=NOW + dt.timedelta(days=5))
        self.assertEqual(self.items("check_in", now=NOW + dt.timedelta(days=7)), [])

    def test_done_on_other_kinds_hides_the_item_until_its_cause_changes(self) -> None:
        client = self.make_client()
        meeting = self.log(client, at=days_ago(1), channel="meeting")
        agenda_item_done(membership=self.alice_m, key=f"value_add:{meeting.pk}")
        self.assertEqual(self.items("value_add"), [])
        later = self.log(client, at=days_ago(0.5), channel="meeting")
        self.assertEqual(self.one("value_add").key, f"value_add:{later.pk}")


@time_machine.travel(NOW, tick=False)
class SnoozeTests(AgendaTestCase):
    def test_a_snoozed_item_comes_back_on_its_day(self) -> None:
        client = self.make_client(check_in_every_days=7, created_at=days_ago(60))
        self.log(client, at=days_ago(10))
        until = TODAY + dt.timedelta(days=3)
        action = agenda_item_snooze(
            membership=self.alice_m, key=f"check_in:{client.pk}", until=until, reason="On leave"
        )
        self.assertEqual((action.snooze_until, action.reason), (until, "On leave"))
        self.assertEqual(self.items("check_in"), [])
        self.assertEqual(self.items("check_in", now=NOW + dt.timedelta(days=2)), [])
        self.assertEqual(len(self.items("check_in", now=NOW + dt.timedelta(days=3))), 1)
        event = AuditEvent.objects.get(action="agenda.snooze")
        self.assertEqual(event.changes["snooze_until"], until.isoformat())
        self.assertEqual(event.changes["reason"], "On leave")

    def test_it_refuses_today_the_past_and_beyond_a_year(self) -> None:
        client = self.make_client()
        promise = self.promise(client, due_on=TODAY)
        for until in (TODAY, TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=400)):
            with self.assertRaises(ValidationError):
                agenda_item_snooze(
                    membership=self.alice_m, key=f"promise:{promise.pk}", until=until
                )
        self.assertFalse(AgendaAction.objects.exists())

    def test_a_promise_snoozed_then_moved_comes_back(self) -> None:
        client = self.make_client()
        promise = self.promise(client, due_on=TODAY - dt.timedelta(days=1))
        agenda_item_snooze(
            membership=self.alice_m,
            key=f"promise:{promise.pk}",
            until=TODAY + dt.timedelta(days=5),
        )
        self.assertEqual(self.items("promise"), [])
        Commitment.objects.filter(pk=promise.pk).update(due_on=TODAY)
        self.assertEqual(len(self.items("promise")), 1)


@time_machine.travel(NOW, tick=False)
class DismissTests(AgendaTestCase):
    def test_a_dismissed_item_stays_away_until_its_cause_changes(self) -> None:
        client = self.make_client(check_in_every_days=7, created_at=days_ago(60))
        self.log(client, at=days_ago(10))
        key = f"check_in:{client.pk}"
        action = agenda_item_dismiss(membership=self.alice_m, key=key, reason="Paused project")
        self.assertEqual(action.reason, "Paused project")
        self.assertEqual(self.items("check_in"), [])
        # Weeks go by: the same silence is still dismissed.
        self.assertEqual(self.items("check_in", now=NOW + dt.timedelta(days=30)), [])
        # We get in touch; when that touch is a cadence old, the item is back.
        self.log(client, at=NOW + dt.timedelta(days=1))
        self.assertEqual(len(self.items("check_in", now=NOW + dt.timedelta(days=8))), 1)

    def test_it_needs_a_reason(self) -> None:
        client = self.make_client()
        promise = self.promise(client, due_on=TODAY)
        with self.assertRaises(ValidationError) as caught:
            agenda_item_dismiss(membership=self.alice_m, key=f"promise:{promise.pk}", reason=" ")
        self.assertIn("reason", caught.exception.message_dict)

    def test_one_members_action_holds_for_the_whole_team(self) -> None:
        client = self.make_client(owner=None)
        promise = self.promise(client, due_on=TODAY)
        agenda_item_dismiss(membership=self.bob_m, key=f"promise:{promise.pk}", reason="Done")
        self.assertEqual(self.items("promise"), [])
        self.assertEqual(AgendaAction.objects.get().by, self.bob)


@time_machine.travel(NOW, tick=False)
class ActionAccessTests(AgendaTestCase):
    def test_a_key_of_another_workspace_is_the_same_404_as_a_missing_one(self) -> None:
        theirs = Client.objects.create(workspace=self.charlies_workspace, name="Theirs")
        promise = Commitment.objects.create(
            workspace=self.charlies_workspace, client=theirs, what="x", due_on=TODAY
        )
        message = Interaction.objects.create(
            workspace=self.charlies_workspace,
            client=theirs,
            channel="email",
            direction="inbound",
            needs_reply=True,
            occurred_at=days_ago(1),
        )
        keys = [
            f"promise:{promise.pk}",
            f"reply:{message.pk}",
            f"check_in:{theirs.pk}",
            f"report:{theirs.pk}:2026-03-01",
            "promise:987654321",
            "987654321",
            "nonsense",
            "promise:",
            "promise:1e5",
            f"promise:{'9' * 40}",
        ]
        for key in keys:
            with self.subTest(key=key), self.assertRaises(Http404):
                agenda_item_done(membership=self.alice_m, key=key)
        promise.refresh_from_db()
        self.assertEqual(promise.status, CommitmentStatus.OPEN)

    def test_a_viewer_may_not_act(self) -> None:
        client = self.make_client()
        promise = self.promise(client, due_on=TODAY)
        with self.assertRaises(PermissionDenied):
            agenda_item_done(membership=self.victor_m, key=f"promise:{promise.pk}")
        with self.assertRaises(PermissionDenied):
            agenda_item_dismiss(membership=self.victor_m, key=f"promise:{promise.pk}", reason="x")
        self.assertFalse(AgendaAction.objects.exists())

    def test_something_not_on_the_agenda_cannot_be_acted_on(self) -> None:
        client = self.make_client()
        later = self.promise(client, due_on=TODAY + dt.timedelta(days=9))
        with self.assertRaises(ValidationError):
            agenda_item_done(membership=self.alice_m, key=f"promise:{later.pk}")
        later.refresh_from_db()
        self.assertEqual(later.status, CommitmentStatus.OPEN)
