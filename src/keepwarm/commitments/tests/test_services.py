from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from keepwarm.accounts.models import AuditEvent
from keepwarm.clients.models import Client, Contact, Goal
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.commitments.services import (
    commitment_create,
    commitment_delete,
    commitment_mark,
    commitment_renegotiate,
    commitment_reopen,
    commitment_update,
)
from keepwarm.testing import BaseTestCase


class CommitmentServiceTests(BaseTestCase):
    client_a: Client
    lena: Contact
    goal: Goal
    other_client: Client
    stranger: Contact
    other_goal: Goal
    charlies_client: Client
    charlies_contact: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        ws = cls.workspace
        cls.client_a = Client.objects.create(workspace=ws, name="Harbor Dental")
        cls.lena = Contact.objects.create(workspace=ws, client=cls.client_a, name="Lena Ortiz")
        cls.goal = Goal.objects.create(workspace=ws, client=cls.client_a, text="More bookings")
        cls.other_client = Client.objects.create(workspace=ws, name="Bakery Bloom")
        cls.stranger = Contact.objects.create(workspace=ws, client=cls.other_client, name="Ann")
        cls.other_goal = Goal.objects.create(workspace=ws, client=cls.other_client, text="Shop")
        cls.charlies_client = Client.objects.create(
            workspace=cls.charlies_workspace, name="Charlie's client"
        )
        cls.charlies_contact = Contact.objects.create(
            workspace=cls.charlies_workspace, client=cls.charlies_client, name="Cory"
        )

    def setUp(self) -> None:
        self.today = timezone.localdate()

    def _promise(self, **fields: object) -> Commitment:
        data: dict[str, object] = {"what": "Send the revised quote", "due_on": self.today}
        data.update(fields)
        return commitment_create(membership=self.alice_m, client=self.client_a, **data)

    def test_it_creates_a_promise_owned_by_its_maker(self) -> None:
        promise = commitment_create(
            membership=self.bob_m,
            client=self.client_a,
            what="Fix the booking form",
            due_on=self.today + dt.timedelta(days=3),
            promised_to=self.lena,
            goal=self.goal,
        )

        promise.refresh_from_db()
        self.assertEqual(promise.owner, self.bob)
        self.assertEqual(promise.status, CommitmentStatus.OPEN)
        self.assertEqual(promise.workspace, self.workspace)
        self.assertTrue(
            AuditEvent.objects.filter(
                action="commitment.create", actor=self.bob, object_id=str(promise.pk)
            ).exists()
        )

    def test_it_refuses_an_empty_promise(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self._promise(what="")
        self.assertIn("what", caught.exception.message_dict)

    def test_it_refuses_people_and_goals_of_another_client(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self._promise(promised_to=self.stranger, goal=self.other_goal)
        self.assertEqual(set(caught.exception.message_dict), {"promised_to", "goal"})
        self.assertFalse(Commitment.objects.exists())

    def test_it_refuses_links_to_another_workspace(self) -> None:
        with self.assertRaises(ValidationError):
            self._promise(promised_to=self.charlies_contact)
        with self.assertRaises(ValidationError) as caught:
            self._promise(owner=self.charlie)
        self.assertIn("owner", caught.exception.message_dict)
        with self.assertRaises(ValidationError):
            commitment_create(
                membership=self.alice_m,
                client=self.charlies_client,
                what="Leak",
                due_on=self.today,
            )
        self.assertFalse(Commitment.objects.exists())

    def test_it_refuses_a_viewer(self) -> None:
        with self.assertRaises(PermissionDenied):
            commitment_create(
                membership=self.victor_m, client=self.client_a, what="x", due_on=self.today
            )

    def test_it_updates_and_audits_the_change(self) -> None:
        promise = self._promise()

        commitment_update(
            membership=self.alice_m, commitment=promise, due_on=self.today + dt.timedelta(days=1)
        )

        promise.refresh_from_db()
        self.assertEqual(promise.due_on, self.today + dt.timedelta(days=1))
        event = AuditEvent.objects.get(action="commitment.update")
        self.assertEqual(list(event.changes), ["due_on"])

    def test_it_marks_kept_late_and_broken_with_audit_rows(self) -> None:
        for status in ("kept", "late", "broken"):
            promise = self._promise(what=f"Promise {status}")
            commitment_mark(membership=self.bob_m, commitment=promise, status=status)
            promise.refresh_from_db()
            self.assertEqual(promise.status, status)
            if status == "broken":
                self.assertIsNone(promise.done_at)
            else:
                self.assertIsNotNone(promise.done_at)
            event = AuditEvent.objects.get(action=f"commitment.mark_{status}")
            self.assertEqual(event.changes, {"status": ["open", status]})
            self.assertEqual(event.actor, self.bob)

    def test_it_refuses_an_unknown_outcome(self) -> None:
        promise = self._promise()
        with self.assertRaises(ValidationError) as caught:
            commitment_mark(membership=self.alice_m, commitment=promise, status="open")
        self.assertIn("status", caught.exception.message_dict)

    def test_it_refuses_a_viewer_marking_a_promise(self) -> None:
        promise = self._promise()
        with self.assertRaises(PermissionDenied):
            commitment_mark(membership=self.victor_m, commitment=promise, status="kept")
        promise.refresh_from_db()
        self.assertEqual(promise.status, CommitmentStatus.OPEN)

    def test_it_reopens_a_closed_promise(self) -> None:
        promise = self._promise()
        commitment_mark(membership=self.alice_m, commitment=promise, status="kept")

        commitment_reopen(membership=self.alice_m, commitment=promise)

        promise.refresh_from_db()
        self.assertEqual(promise.status, CommitmentStatus.OPEN)
        self.assertIsNone(promise.done_at)
        self.assertTrue(AuditEvent.objects.filter(action="commitment.reopen").exists())

    def test_it_refuses_reopening_an_open_promise(self) -> None:
        with self.assertRaises(ValidationError):
            commitment_reopen(membership=self.alice_m, commitment=self._promise())

    def test_it_renegotiates_into_a_new_open_promise(self) -> None:
        promise = self._promise(promised_to=self.lena, goal=self.goal)
        new_day = self.today + dt.timedelta(days=7)

        replacement = commitment_renegotiate(
            membership=self.alice_m, commitment=promise, due_on=new_day
        )

        promise.refresh_from_db()
        self.assertEqual(promise.status, CommitmentStatus.RENEGOTIATED)
        self.assertEqual(replacement.status, CommitmentStatus.OPEN)
        self.assertEqual(replacement.due_on, new_day)
        self.assertEqual(replacement.what, promise.what)
        self.assertEqual(replacement.promised_to, self.lena)
        self.assertEqual(replacement.goal, self.goal)
        self.assertEqual(replacement.renegotiated_from, promise)
        event = AuditEvent.objects.get(action="commitment.renegotiate")
        self.assertEqual(event.changes["replacement"], replacement.pk)

    def test_it_refuses_renegotiating_to_an_earlier_date_or_a_closed_promise(self) -> None:
        promise = self._promise()
        with self.assertRaises(ValidationError) as caught:
            commitment_renegotiate(membership=self.alice_m, commitment=promise, due_on=self.today)
        self.assertIn("due_on", caught.exception.message_dict)
        commitment_mark(membership=self.alice_m, commitment=promise, status="broken")
        with self.assertRaises(ValidationError):
            commitment_renegotiate(
                membership=self.alice_m,
                commitment=promise,
                due_on=self.today + dt.timedelta(days=3),
            )
        self.assertEqual(Commitment.objects.count(), 1)

    def test_it_refuses_marking_a_renegotiated_promise(self) -> None:
        promise = self._promise()
        commitment_renegotiate(
            membership=self.alice_m, commitment=promise, due_on=self.today + dt.timedelta(days=2)
        )
        with self.assertRaises(ValidationError):
            commitment_mark(membership=self.alice_m, commitment=promise, status="kept")

    def test_it_deletes_and_audits(self) -> None:
        promise = self._promise()
        pk = promise.pk

        commitment_delete(membership=self.alice_m, commitment=promise)

        self.assertFalse(Commitment.objects.filter(pk=pk).exists())
        self.assertTrue(
            AuditEvent.objects.filter(action="commitment.delete", object_id=str(pk)).exists()
        )
