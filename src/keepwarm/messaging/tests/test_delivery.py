"""Tests for delivery: retries with backoff, permanent failures, crashed sends, real SMTP."""

from __future__ import annotations

import datetime as dt
import os
import smtplib
import subprocess
import sys

import pytest
import time_machine
from django.core import mail
from django.test import override_settings

from keepwarm.accounts.models import AuditEvent
from keepwarm.messaging import delivery
from keepwarm.messaging.delivery import (
    LEASE,
    MAX_ATTEMPTS,
    claim_message,
    claimer_is_gone,
    message_deliver,
    outbox_deliver_due,
    outbox_reconcile,
    retry_delay,
    worker_identity,
)
from keepwarm.messaging.models import MessageState, OutboundMessage
from keepwarm.messaging.services import message_enqueue
from keepwarm.messaging.testing import SmtpServer, free_port
from keepwarm.messaging.tests.backends import SCRIPTED, ScriptedBackend
from keepwarm.testing import BaseTestCase

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
ELSEWHERE = "worker/another-host:1/4242/999"


def refused(code: int, text: str = "No") -> smtplib.SMTPDataError:
    return smtplib.SMTPDataError(code, text.encode())


class OutboxTestCase(BaseTestCase):
    def queue(self, key: str = "report:1", **extra: object) -> OutboundMessage:
        """Queue a message without delivering it (its after-commit hook is dropped)."""
        fields: dict[str, object] = {
            "workspace": self.workspace,
            "key": key,
            "kind": "report",
            "to": ["lena@harbor.example"],
            "subject": "Your weekly update",
            "text": "We finished the booking page.",
            **extra,
        }
        with self.captureOnCommitCallbacks(execute=False):
            return message_enqueue(**fields)  # type: ignore[arg-type]

    def state(self, message: OutboundMessage) -> str:
        message.refresh_from_db()
        return message.state


@override_settings(MAILERS=SCRIPTED)
@time_machine.travel(NOW, tick=False)
class RetryTests(OutboxTestCase):
    def setUp(self) -> None:
        ScriptedBackend.reset()

    def test_it_backs_off_exponentially_up_to_an_hour(self) -> None:
        delays = [retry_delay(n) for n in range(1, 9)]
        minutes = [d // dt.timedelta(minutes=1) for d in delays]
        self.assertEqual(minutes, [1, 2, 4, 8, 16, 32, 60, 60])

    def test_it_retries_a_temporary_failure_later(self) -> None:
        ScriptedBackend.reset([refused(451, "Try again later")])
        message = self.queue()
        message_deliver(pk=message.pk)
        message.refresh_from_db()
        self.assertEqual(message.state, MessageState.RETRYING)
        self.assertEqual(message.attempts, 1)
        self.assertEqual(message.next_attempt_at, NOW + dt.timedelta(minutes=1))
        self.assertIn("451 Try again later", message.last_error)
        self.assertEqual(mail.outbox, [])
        # Not yet due: nothing happens.
        self.assertEqual(outbox_deliver_due(worker="w"), 0)
        with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
            self.assertEqual(outbox_deliver_due(worker="w"), 1)
        message.refresh_from_db()
        self.assertEqual(message.state, MessageState.SENT)
        self.assertEqual(message.attempts, 2)
        self.assertEqual(message.last_error, "")
        self.assertEqual(len(mail.outbox), 1)

    def test_it_retries_when_the_server_cannot_be_reached(self) -> None:
        ScriptedBackend.reset(open_error=ConnectionRefusedError(111, "Connection refused"))
        message = self.queue()
        message_deliver(pk=message.pk)
        message.refresh_from_db()
        self.assertEqual(message.state, MessageState.RETRYING)
        self.assertIn("Could not reach the mail server", message.last_error)

    def test_it_gives_up_after_the_last_attempt(self) -> None:
        ScriptedBackend.reset([refused(421)] * MAX_ATTEMPTS)
        message = self.queue()
        at = NOW
        for attempt in range(1, MAX_ATTEMPTS + 1):
            with time_machine.travel(at, tick=False):
                self.assertEqual(outbox_deliver_due(worker="w"), 1)
            message.refresh_from_db()
            self.assertEqual(message.attempts, attempt)
            at = message.next_attempt_at
        self.assertEqual(message.state, MessageState.FAILED)
        self.assertIn(f"Gave up after {MAX_ATTEMPTS} attempts", message.last_error)
        self.assertTrue(AuditEvent.objects.filter(action="message.failed").exists())
        with time_machine.travel(at + dt.timedelta(days=1), tick=False):
            self.assertEqual(outbox_deliver_due(worker="w"), 0)

    def test_it_fails_a_permanent_refusal_at_once(self) -> None:
        cases = {
            "5xx": refused(550, "Mailbox unavailable"),
            "recipients": smtplib.SMTPRecipientsRefused(
                {"lena@harbor.example": (550, b"No such user")}
            ),
            "bad address": ValueError("Invalid address"),
        }
        for n, (label, error) in enumerate(cases.items()):
            with self.subTest(label):
                ScriptedBackend.reset([error])
                message = self.queue(f"report:{n}")
                message_deliver(pk=message.pk)
                message.refresh_from_db()
                self.assertEqual(message.state, MessageState.FAILED)
                self.assertEqual(message.attempts, 1)
                self.assertNotEqual(message.last_error, "")
        self.assertEqual(mail.outbox, [])

    def test_it_retries_when_every_recipient_is_refused_for_now(self) -> None:
        error = smtplib.SMTPRecipientsRefused({"lena@harbor.example": (452, b"Mailbox full")})
        ScriptedBackend.reset([error])
        message = self.queue()
        message_deliver(pk=message.pk)
        self.assertEqual(self.state(message), MessageState.RETRYING)

    def test_it_treats_a_connection_cut_mid_send_as_uncertain(self) -> None:
        for n, error in enumerate([smtplib.SMTPServerDisconnected("gone"), TimeoutError()]):
            ScriptedBackend.reset([error])
            message = self.queue(f"report:{n}")
            message_deliver(pk=message.pk)
            message.refresh_from_db()
            self.assertEqual(message.state, MessageState.UNCERTAIN)
            self.assertIn("connection broke", message.last_error)
        self.assertEqual(outbox_deliver_due(worker="w"), 0)

    def test_it_fails_a_message_the_mail_library_cannot_build(self) -> None:
        message = self.queue()
        OutboundMessage.objects.filter(pk=message.pk).update(subject="Hi\nBcc: x@y.example")
        message_deliver(pk=message.pk)
        self.assertEqual(self.state(message), MessageState.FAILED)

    def test_it_sends_a_batch_over_one_connection(self) -> None:
        for n in range(5):
            self.queue(f"report:{n}")
        self.assertEqual(outbox_deliver_due(worker="w", limit=3), 3)
        self.assertEqual(ScriptedBackend.opened, 1)
        self.assertEqual(outbox_deliver_due(worker="w"), 2)
        self.assertEqual(len(mail.outbox), 5)
        self.assertEqual(outbox_deliver_due(worker="w"), 0)

    def test_it_reconnects_after_a_failure_in_a_batch(self) -> None:
        ScriptedBackend.reset([None, refused(451), None])
        for n in range(3):
            self.queue(f"report:{n}")
        self.assertEqual(outbox_deliver_due(worker="w"), 3)
        self.assertEqual(ScriptedBackend.opened, 2)
        states = sorted(OutboundMessage.objects.values_list("state", flat=True))
        self.assertEqual(states, ["retrying", "sent", "sent"])


@time_machine.travel(NOW, tick=False)
class CrashTests(OutboxTestCase):
    def test_it_sends_a_message_once_even_when_asked_twice(self) -> None:
        message = self.queue()
        self.assertIsNotNone(message_deliver(pk=message.pk))
        self.assertIsNone(message_deliver(pk=message.pk))
        self.assertEqual(outbox_deliver_due(worker="w"), 0)
        self.assertEqual(len(mail.outbox), 1)

    def test_it_never_takes_a_message_another_worker_holds(self) -> None:
        message = self.queue()
        self.assertIsNotNone(claim_message(worker=ELSEWHERE))
        self.assertIsNone(claim_message(worker="me"))
        self.assertEqual(outbox_deliver_due(worker="me"), 0)
        # A live claim within its lease is left alone.
        self.assertEqual(outbox_reconcile(), 0)
        self.assertEqual(self.state(message), MessageState.SENDING)

    def test_it_marks_a_send_that_outlived_its_lease_uncertain(self) -> None:
        message = self.queue()
        claim_message(worker=ELSEWHERE)
        with time_machine.travel(NOW + LEASE - dt.timedelta(seconds=1), tick=False):
            self.assertEqual(outbox_reconcile(), 0)
        with time_machine.travel(NOW + LEASE, tick=False):
            self.assertEqual(outbox_reconcile(), 1)
            self.assertEqual(outbox_reconcile(), 0)
        message.refresh_from_db()
        self.assertEqual(message.state, MessageState.UNCERTAIN)
        self.assertIn("may or may not", message.last_error)
        self.assertEqual(message.claimed_by, ELSEWHERE)
        event = AuditEvent.objects.get(action="message.uncertain")
        self.assertIsNone(event.actor)
        self.assertEqual(event.workspace, self.workspace)

    def test_it_never_resends_an_uncertain_message_by_itself(self) -> None:
        message = self.queue()
        claim_message(worker=ELSEWHERE)
        with time_machine.travel(NOW + LEASE, tick=False):
            outbox_reconcile()
        for days in (1, 30):
            with time_machine.travel(NOW + dt.timedelta(days=days), tick=False):
                self.assertEqual(outbox_deliver_due(worker="w"), 0)
                self.assertIsNone(message_deliver(pk=message.pk))
        self.assertEqual(self.state(message), MessageState.UNCERTAIN)
        self.assertEqual(mail.outbox, [])

    def test_it_marks_a_send_uncertain_at_once_when_its_process_is_gone(self) -> None:
        message = self.queue()
        child = subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpid())"],
            capture_output=True,
            text=True,
            check=True,
        )
        gone = worker_identity().rsplit("/", 2)[0] + f"/{int(child.stdout)}/1"
        self.assertTrue(claimer_is_gone(gone))
        claim_message(worker=gone)
        self.assertEqual(outbox_reconcile(), 1)
        self.assertEqual(self.state(message), MessageState.UNCERTAIN)

    def test_it_knows_this_process_is_alive(self) -> None:
        me = worker_identity()
        self.assertFalse(claimer_is_gone(me))
        self.assertFalse(claimer_is_gone(ELSEWHERE))
        self.assertFalse(claimer_is_gone("nonsense"))
        if os.path.exists("/proc/self/stat"):
            # The same pid with another start time is another process: ours is gone.
            self.assertTrue(claimer_is_gone(me.rsplit("/", 1)[0] + "/1"))

    def test_it_records_the_send_of_a_message_marked_uncertain_meanwhile(self) -> None:
        # A very slow send: the reconciler gave up on it, then the server said yes after all.
        message = self.queue()
        claimed = claim_message(worker=ELSEWHERE)
        assert claimed is not None
        with time_machine.travel(NOW + LEASE, tick=False):
            outbox_reconcile()
        delivery.record_attempt(claimed, delivery.Attempt(delivery.Outcome.SENT))
        self.assertEqual(self.state(message), MessageState.SENT)


@pytest.mark.usefixtures("smtp_server")
class SmtpTests(OutboxTestCase):
    server: SmtpServer

    @pytest.fixture(autouse=True)
    def _server(self, smtp_server: SmtpServer) -> None:
        self.server = smtp_server

    def test_it_delivers_to_a_real_smtp_server(self) -> None:
        mailers = override_settings(MAILERS=self.server.mailers())
        with mailers, self.captureOnCommitCallbacks(execute=True):
            first = message_enqueue(
                workspace=self.workspace,
                key="report:1",
                kind="report",
                to=["Léna Ortiz <lena@harbor.example>"],
                subject="Votre point de la semaine — rien de neuf",
                text="Nothing changed this week; the booking page ships Friday.",
                html="<p>Nothing changed this week.</p>",
            )
            message_enqueue(
                workspace=self.workspace,
                key="report:2",
                kind="report",
                to=["lena@harbor.example"],
                subject="Re: your question",
                text="Yes, Friday.",
                in_reply_to=first.message_id,
            )
        self.assertEqual(
            set(OutboundMessage.objects.values_list("state", flat=True)), {MessageState.SENT}
        )
        received = self.server.received
        self.assertEqual(len(received), 2)
        email = received[0].message()
        self.assertEqual(email["Message-ID"], first.message_id)
        self.assertEqual(received[0].rcpt_tos, ["lena@harbor.example"])
        self.assertEqual(email.get_content_type(), "multipart/alternative")
        self.assertIn("rien de neuf", str(email["Subject"]))
        self.assertEqual(received[1].message()["In-Reply-To"], first.message_id)

    def test_it_retries_a_real_4xx_and_fails_a_real_5xx(self) -> None:
        temporary = self.queue("report:1")
        permanent = self.queue("report:2")
        with override_settings(MAILERS=self.server.mailers()):
            self.server.handler.reply = "451 4.3.0 Try again later"
            message_deliver(pk=temporary.pk)
            self.server.handler.reply = "554 5.7.1 Rejected"
            message_deliver(pk=permanent.pk)
        self.assertEqual(self.state(temporary), MessageState.RETRYING)
        self.assertIn("451", temporary.last_error)
        self.assertEqual(self.state(permanent), MessageState.FAILED)
        self.assertIn("554", permanent.last_error)
        self.assertEqual(self.server.received, [])

    def test_it_retries_when_nothing_listens(self) -> None:
        message = self.queue()
        nowhere = self.server.mailers()
        nowhere["default"]["OPTIONS"]["port"] = free_port()
        with override_settings(MAILERS=nowhere):
            message_deliver(pk=message.pk)
        self.assertEqual(self.state(message), MessageState.RETRYING)
        self.assertIn("Could not reach", message.last_error)
