"""Tests for what a person may do about a stuck email: send it again, or mark it as sent."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from keepwarm.accounts.models import AuditEvent
from keepwarm.messaging.delivery import LEASE, claim_message, outbox_reconcile
from keepwarm.messaging.models import MessageState, OutboundMessage
from keepwarm.messaging.services import message_mark_sent, message_send_again
from keepwarm.messaging.tests.test_delivery import ELSEWHERE, NOW, OutboxTestCase


class StuckMessageTestCase(OutboxTestCase):
    """Makes messages that are uncertain or failed."""

    def uncertain(self, key: str = "report:1") -> OutboundMessage:
        message = self.queue(key)
        claim_message(worker=ELSEWHERE, pk=message.pk)
        with time_machine.travel(NOW + LEASE, tick=False):
            outbox_reconcile()
        message.refresh_from_db()
        assert message.state == MessageState.UNCERTAIN
        return message

    def failed(self, key: str = "report:2") -> OutboundMessage:
        message = self.queue(key)
        OutboundMessage.objects.filter(pk=message.pk).update(
            state=MessageState.FAILED, attempts=10, last_error="550 No such user"
        )
        message.refresh_from_db()
        return message


@time_machine.travel(NOW, tick=False)
class OutboxActionTests(StuckMessageTestCase):
    def test_send_again_sends_an_uncertain_message_once_more_after_commit(self) -> None:
        message = self.uncertain()
        with self.captureOnCommitCallbacks(execute=True):
            message_send_again(membership=self.alice_m, message=message)
            self.assertEqual(mail.outbox, [])
        message.refresh_from_db()
        self.assertEqual(message.state, MessageState.SENT)
        self.assertEqual(message.attempts, 1)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].extra_headers["Message-ID"], message.message_id)
        event = AuditEvent.objects.get(action="message.send_again")
        self.assertEqual(event.actor, self.alice)
        self.assertEqual(event.changes["state"], ["uncertain", "queued"])

    def test_send_again_brings_a_waiting_retry_forward(self) -> None:
        message = self.queue()
        OutboundMessage.objects.filter(pk=message.pk).update(
            state=MessageState.RETRYING, attempts=3, next_attempt_at=NOW + dt.timedelta(hours=1)
        )
        with self.captureOnCommitCallbacks(execute=True):
            message_send_again(membership=self.alice_m, message=message)
        self.assertEqual(self.state(message), MessageState.SENT)

    def test_send_again_refuses_a_message_that_is_not_stuck(self) -> None:
        message = self.queue()
        for state in (MessageState.QUEUED, MessageState.SENDING, MessageState.SENT):
            OutboundMessage.objects.filter(pk=message.pk).update(state=state)
            with self.subTest(state), self.assertRaises(ValidationError):
                message_send_again(membership=self.alice_m, message=message)
        self.assertFalse(AuditEvent.objects.filter(action="message.send_again").exists())

    def test_only_owners_and_managers_may_act(self) -> None:
        message = self.failed()
        for membership in (self.bob_m, self.victor_m):
            with self.subTest(membership.role):
                with self.assertRaises(PermissionDenied):
                    message_send_again(membership=membership, message=message)
                with self.assertRaises(PermissionDenied):
                    message_mark_sent(membership=membership, message=message)
        self.assertEqual(self.state(message), MessageState.FAILED)

    def test_mark_sent_records_an_uncertain_message_as_sent_when_it_was_claimed(self) -> None:
        message = self.uncertain()
        with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
            message_mark_sent(membership=self.alice_m, message=message)
        message.refresh_from_db()
        self.assertEqual(message.state, MessageState.SENT)
        self.assertEqual(message.sent_at, NOW)
        self.assertEqual(mail.outbox, [])
        event = AuditEvent.objects.get(action="message.mark_sent")
        self.assertEqual(event.changes["state"], ["uncertain", "sent"])

    def test_mark_sent_records_a_failed_message_as_sent_now(self) -> None:
        message = self.failed()
        later = NOW + dt.timedelta(hours=2)
        with time_machine.travel(later, tick=False):
            message_mark_sent(membership=self.alice_m, message=message)
        message.refresh_from_db()
        self.assertEqual((message.state, message.sent_at), (MessageState.SENT, later))
        with self.assertRaises(ValidationError):
            message_mark_sent(membership=self.alice_m, message=message)
