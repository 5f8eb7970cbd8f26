from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from keepwarm.accounts.models import AuditEvent
from keepwarm.clients.models import Client, Contact
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.interactions.services import (
    interaction_delete,
    interaction_log,
    interaction_mark_replied,
    interaction_update,
)
from keepwarm.testing import BaseTestCase


class InteractionServiceTests(BaseTestCase):
    client_a: Client
    lena: Contact
    sam: Contact
    other_client: Client
    stranger: Contact
    charlies_client: Client
    charlies_contact: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        ws = cls.workspace
        cls.client_a = Client.objects.create(workspace=ws, name="Harbor Dental")
        cls.lena = Contact.objects.create(workspace=ws, client=cls.client_a, name="Lena Ortiz")
        cls.sam = Contact.objects.create(workspace=ws, client=cls.client_a, name="Sam Reed")
        cls.other_client = Client.objects.create(workspace=ws, name="Bakery Bloom")
        cls.stranger = Contact.objects.create(workspace=ws, client=cls.other_client, name="Ann")
        cls.charlies_client = Client.objects.create(
            workspace=cls.charlies_workspace, name="Charlie's client"
        )
        cls.charlies_contact = Contact.objects.create(
            workspace=cls.charlies_workspace, client=cls.charlies_client, name="Cory"
        )

    def _log(self, **fields: Any) -> Interaction:
        data: dict[str, Any] = {
            "channel": Channel.EMAIL,
            "direction": Direction.INBOUND,
            "subject": "Question about the invoice",
        }
        data.update(fields)
        return interaction_log(membership=self.alice_m, client=self.client_a, **data)

    def test_it_logs_an_interaction_with_people_and_an_audit_row(self) -> None:
        interaction = self._log(contacts=[self.lena], is_problem=True, needs_reply=True)

        interaction.refresh_from_db()
        self.assertEqual(interaction.workspace, self.workspace)
        self.assertEqual(interaction.logged_by, self.alice)
        self.assertEqual(list(interaction.contacts.all()), [self.lena])
        self.assertEqual(interaction.kinds, ["problem"])
        self.assertTrue(interaction.needs_reply)
        event = AuditEvent.objects.get(action="interaction.create")
        self.assertEqual(event.actor, self.alice)
        self.assertEqual(event.object_id, str(interaction.pk))

    def test_it_refuses_people_from_another_client(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self._log(contacts=[self.stranger])
        self.assertIn("contacts", caught.exception.message_dict)
        self.assertFalse(Interaction.objects.exists())

    def test_it_refuses_people_from_another_workspace(self) -> None:
        with self.assertRaises(ValidationError):
            self._log(contacts=[self.charlies_contact])
        self.assertFalse(Interaction.objects.exists())

    def test_it_refuses_a_client_of_another_workspace(self) -> None:
        with self.assertRaises(ValidationError):
            interaction_log(
                membership=self.alice_m,
                client=self.charlies_client,
                channel=Channel.CALL,
                direction=Direction.OUTBOUND,
            )
        self.assertFalse(Interaction.objects.exists())

    def test_it_refuses_needs_reply_on_our_own_message(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self._log(direction=Direction.OUTBOUND, needs_reply=True)
        self.assertIn("needs_reply", caught.exception.message_dict)

    def test_it_refuses_a_time_in_the_future(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self._log(occurred_at=timezone.now() + dt.timedelta(hours=2))
        self.assertIn("occurred_at", caught.exception.message_dict)

    def test_it_refuses_an_unknown_channel(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self._log(channel="pigeon")
        self.assertIn("channel", caught.exception.message_dict)

    def test_it_refuses_a_viewer(self) -> None:
        with self.assertRaises(PermissionDenied):
            interaction_log(
                membership=self.victor_m,
                client=self.client_a,
                channel=Channel.CALL,
                direction=Direction.OUTBOUND,
            )

    def test_it_updates_only_what_changed_and_audits_it(self) -> None:
        interaction = self._log(contacts=[self.lena])

        interaction_update(
            membership=self.bob_m,
            interaction=interaction,
            contacts=[self.lena, self.sam],
            subject="Invoice question",
            is_progress=True,
        )

        interaction.refresh_from_db()
        self.assertEqual(interaction.subject, "Invoice question")
        self.assertTrue(interaction.is_progress)
        self.assertEqual(set(interaction.contacts.all()), {self.lena, self.sam})
        events = AuditEvent.objects.filter(action="interaction.update", actor=self.bob)
        changes = {key for event in events for key in event.changes}
        self.assertEqual(changes, {"subject", "is_progress", "contacts"})

    def test_it_clears_needs_reply_when_the_direction_changes(self) -> None:
        interaction = self._log(needs_reply=True)

        interaction_update(
            membership=self.alice_m, interaction=interaction, direction=Direction.OUTBOUND
        )

        interaction.refresh_from_db()
        self.assertFalse(interaction.needs_reply)

    def test_it_refuses_moving_people_to_another_client(self) -> None:
        interaction = self._log(contacts=[self.lena])
        with self.assertRaises(ValidationError):
            interaction_update(
                membership=self.alice_m, interaction=interaction, contacts=[self.stranger]
            )
        self.assertEqual(list(interaction.contacts.all()), [self.lena])

    def test_it_deletes_and_audits(self) -> None:
        interaction = self._log()
        pk = interaction.pk

        interaction_delete(membership=self.alice_m, interaction=interaction)

        self.assertFalse(Interaction.objects.filter(pk=pk).exists())
        self.assertTrue(
            AuditEvent.objects.filter(action="interaction.delete", object_id=str(pk)).exists()
        )

    def test_it_marks_replied_with_the_first_response_time(self) -> None:
        asked = timezone.now() - dt.timedelta(hours=5)
        question = self._log(needs_reply=True, occurred_at=asked)
        answer = self._log(direction=Direction.OUTBOUND, occurred_at=asked + dt.timedelta(hours=3))

        interaction_mark_replied(membership=self.bob_m, interaction=question, reply=answer)

        question.refresh_from_db()
        self.assertFalse(question.needs_reply)
        self.assertEqual(question.replied_by, answer)
        self.assertEqual(question.first_response_seconds, 3 * 3600)
        self.assertTrue(
            AuditEvent.objects.filter(
                action="interaction.mark_replied", object_id=str(question.pk)
            ).exists()
        )

    def test_it_marks_replied_without_a_logged_reply(self) -> None:
        question = self._log(needs_reply=True)

        interaction_mark_replied(membership=self.alice_m, interaction=question)

        question.refresh_from_db()
        self.assertFalse(question.needs_reply)
        self.assertIsNone(question.first_response_seconds)

    def test_it_keeps_the_first_response_time_when_marked_again(self) -> None:
        asked = timezone.now() - dt.timedelta(hours=5)
        question = self._log(needs_reply=True, occurred_at=asked)
        first = self._log(direction=Direction.OUTBOUND, occurred_at=asked + dt.timedelta(hours=1))
        later = self._log(direction=Direction.OUTBOUND, occurred_at=asked + dt.timedelta(hours=4))
        interaction_mark_replied(membership=self.alice_m, interaction=question, reply=first)

        interaction_mark_replied(membership=self.alice_m, interaction=question, reply=later)

        question.refresh_from_db()
        self.assertEqual(question.first_response_seconds, 3600)

    def test_it_refuses_marking_our_own_message_answered(self) -> None:
        ours = self._log(direction=Direction.OUTBOUND)
        with self.assertRaises(ValidationError):
            interaction_mark_replied(membership=self.alice_m, interaction=ours)

    def test_it_refuses_a_reply_that_came_first_or_went_elsewhere(self) -> None:
        asked = timezone.now() - dt.timedelta(hours=5)
        question = self._log(needs_reply=True, occurred_at=asked)
        earlier = self._log(direction=Direction.OUTBOUND, occurred_at=asked - dt.timedelta(hours=1))
        elsewhere = interaction_log(
            membership=self.alice_m,
            client=self.other_client,
            channel=Channel.EMAIL,
            direction=Direction.OUTBOUND,
        )
        for reply in (earlier, elsewhere):
            with self.assertRaises(ValidationError):
                interaction_mark_replied(membership=self.alice_m, interaction=question, reply=reply)
        question.refresh_from_db()
        self.assertTrue(question.needs_reply)

    def test_it_refuses_a_viewer_marking_replied(self) -> None:
        question = self._log(needs_reply=True)
        with self.assertRaises(PermissionDenied):
            interaction_mark_replied(membership=self.victor_m, interaction=question)

    def test_it_stores_the_sentiment_of_a_message_from_the_client(self) -> None:
        angry = self._log(subject="Still broken", body="I am furious, this is unacceptable.")
        ours = self._log(direction=Direction.OUTBOUND, body="Sorry, this is awful news.")
        note = self._log(direction=Direction.INTERNAL, body="They are furious.")

        angry.refresh_from_db()
        assert angry.sentiment is not None
        self.assertLess(angry.sentiment, -0.5)
        self.assertIsNone(Interaction.objects.get(pk=ours.pk).sentiment)
        self.assertIsNone(Interaction.objects.get(pk=note.pk).sentiment)

    def test_it_updates_the_sentiment_when_the_text_or_direction_changes(self) -> None:
        message = self._log(body="Thanks, it all looks great!")
        assert message.sentiment is not None
        self.assertGreater(message.sentiment, 0.5)

        interaction_update(
            membership=self.alice_m, interaction=message, body="This is terrible and broken."
        )
        message.refresh_from_db()
        assert message.sentiment is not None
        self.assertLess(message.sentiment, 0)

        interaction_update(
            membership=self.alice_m, interaction=message, direction=Direction.OUTBOUND
        )
        message.refresh_from_db()
        self.assertIsNone(message.sentiment)
        changes = AuditEvent.objects.filter(action="interaction.update").values_list(
            "changes", flat=True
        )
        self.assertFalse(any("sentiment" in change for change in changes))
