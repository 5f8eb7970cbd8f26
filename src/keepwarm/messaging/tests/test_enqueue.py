"""Tests for queueing an email with a change: idempotent, stable Message-ID, sent after commit."""

from __future__ import annotations

from email import message_from_bytes
from email.message import Message

from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings

from keepwarm.messaging.models import MessageState, OutboundMessage
from keepwarm.messaging.services import message_enqueue, message_id_for
from keepwarm.testing import BaseTestCase


def parsed(index: int = 0) -> Message:
    """Return the `index`-th email in Django's test outbox, as the wire format parses."""
    return message_from_bytes(mail.outbox[index].message().as_bytes())


class EnqueueTests(BaseTestCase):
    def enqueue(self, key: str = "report:1", **extra: object) -> OutboundMessage:
        fields: dict[str, object] = {
            "workspace": self.workspace,
            "key": key,
            "kind": "report",
            "to": ["lena@harbor.example"],
            "subject": "Your weekly update",
            "text": "We finished the booking page.",
            **extra,
        }
        return message_enqueue(**fields)  # type: ignore[arg-type]

    def test_it_sends_after_commit(self) -> None:
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            message = self.enqueue()
            self.assertEqual(mail.outbox, [])
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(len(mail.outbox), 1)
        message.refresh_from_db()
        self.assertEqual(message.state, MessageState.SENT)
        self.assertIsNotNone(message.sent_at)
        self.assertEqual(message.attempts, 1)
        self.assertEqual(message.claimed_by, "")
        self.assertEqual(mail.outbox[0].to, ["lena@harbor.example"])
        self.assertEqual(mail.outbox[0].subject, "Your weekly update")

    def test_it_is_idempotent_on_the_key(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            first = self.enqueue()
            second = self.enqueue(subject="Something else")
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            third = self.enqueue()
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(first.pk, third.pk)
        self.assertEqual(callbacks, [])
        self.assertEqual(OutboundMessage.objects.count(), 1)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].subject, "Your weekly update")

    def test_it_sends_nothing_when_the_change_rolls_back(self) -> None:
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    self.enqueue()
                    raise RuntimeError("the state change failed")
            except RuntimeError:
                pass
        self.assertEqual(callbacks, [])
        self.assertFalse(OutboundMessage.objects.exists())
        self.assertEqual(mail.outbox, [])

    @override_settings(MESSAGE_ID_DOMAIN="mail.brightside.example")
    def test_it_gives_a_stable_message_id_from_the_key(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            message = self.enqueue("report:42")
        self.assertEqual(message.message_id, message_id_for("report:42"))
        self.assertRegex(message.message_id, r"^<kw\.[0-9a-f]{32}@mail\.brightside\.example>$")
        self.assertNotEqual(message_id_for("report:42"), message_id_for("report:43"))
        self.assertEqual(parsed()["Message-ID"], message.message_id)

    def test_it_threads_replies(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            first = self.enqueue("report:1")
            second = self.enqueue("report:2", in_reply_to=first.message_id)
        self.assertEqual(second.references, first.message_id)
        email = parsed(1)
        self.assertEqual(email["In-Reply-To"], first.message_id)
        self.assertEqual(email["References"], first.message_id)
        self.assertIsNone(parsed(0)["In-Reply-To"])

    def test_it_keeps_given_references(self) -> None:
        chain = "<a@x.example> <b@x.example>"
        with self.captureOnCommitCallbacks(execute=True):
            self.enqueue(in_reply_to="<b@x.example>", references=chain)
        self.assertEqual(parsed()["References"], chain)

    def test_it_adds_the_senders_own_headers_but_never_its_ids_or_line_breaks(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.enqueue(headers={"List-Unsubscribe": "<https://x.example/u/1/>"})
        email = parsed()
        self.assertEqual(email["List-Unsubscribe"], "<https://x.example/u/1/>")
        for bad in ({"Message-ID": "<mine@x.example>"}, {"X-Note": "a\r\nBcc: eve@x.example"}):
            with self.assertRaises(ValidationError):
                self.enqueue("report:bad", headers=bad)
        self.assertFalse(OutboundMessage.objects.filter(key="report:bad").exists())

    def test_it_sends_text_and_html_as_alternatives(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.enqueue(html="<p>We finished the <b>booking page</b>.</p>", reply_to="a@b.example")
        email = parsed()
        self.assertEqual(email.get_content_type(), "multipart/alternative")
        parts = [part.get_content_type() for part in email.walk() if not part.is_multipart()]
        self.assertEqual(parts, ["text/plain", "text/html"])
        self.assertEqual(email["Reply-To"], "a@b.example")

    def test_it_sends_plain_text_alone_without_html(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.enqueue()
        self.assertEqual(parsed().get_content_type(), "text/plain")

    @override_settings(DEFAULT_FROM_EMAIL="Brightside <hello@brightside.example>")
    def test_it_sends_from_the_default_address(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            message = self.enqueue()
        self.assertEqual(message.from_email, "Brightside <hello@brightside.example>")
        self.assertEqual(mail.outbox[0].from_email, "Brightside <hello@brightside.example>")

    def test_it_refuses_bad_input(self) -> None:
        cases: dict[str, dict[str, object]] = {
            "to": {"to": []},
            "subject": {"subject": "Hello\nBcc: everyone@example.org"},
            "text": {"text": "  "},
            "reply_to": {"reply_to": "not an address"},
        }
        for field, extra in cases.items():
            with self.subTest(field), self.assertRaises(ValidationError) as caught:
                self.enqueue(f"bad:{field}", **extra)
            self.assertIn(field, caught.exception.message_dict)
        with self.assertRaises(ValidationError):
            self.enqueue(to=["lena@harbor.example", "nobody"])
        self.assertFalse(OutboundMessage.objects.exists())

    def test_it_refuses_a_key_of_another_workspace(self) -> None:
        self.enqueue("shared")
        with self.assertRaises(ValueError):
            message_enqueue(
                workspace=self.charlies_workspace,
                key="shared",
                kind="report",
                to=["x@y.example"],
                subject="Hi",
                text="Hello",
            )
