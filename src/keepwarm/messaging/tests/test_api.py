"""Tests for the outbox API."""

from __future__ import annotations

import time_machine
from django.core import mail

from keepwarm.lib.tests.api_case import ApiTestCase
from keepwarm.messaging.models import MessageState, OutboundMessage
from keepwarm.messaging.tests.test_delivery import NOW
from keepwarm.messaging.tests.test_outbox_actions import StuckMessageTestCase

URL = "/api/outbox"


@time_machine.travel(NOW, tick=False)
class OutboxApiTests(ApiTestCase, StuckMessageTestCase):
    def test_it_lists_emails_newest_first(self) -> None:
        waiting = self.queue("report:1")
        failed = self.failed("report:2")
        body = self.assert_status(self.get(URL), 200)
        self.assertEqual(body["count"], 2)
        self.assertEqual([row["id"] for row in body["results"]], [failed.pk, waiting.pk])
        row = body["results"][0]
        self.assertEqual(row["state"], "failed")
        self.assertEqual(row["message_id"], failed.message_id)
        self.assertEqual(row["to"], ["lena@harbor.example"])
        self.assertEqual(row["last_error"], "550 No such user")
        self.assertNotIn("text", row)

    def test_it_filters_by_state(self) -> None:
        self.queue("report:1")
        failed = self.failed("report:2")
        uncertain = self.uncertain("report:3")
        body = self.assert_status(self.get(URL, {"state": "attention"}), 200)
        self.assertEqual({r["id"] for r in body["results"]}, {failed.pk, uncertain.pk})
        body = self.assert_status(self.get(URL, {"state": "uncertain"}), 200)
        self.assertEqual([r["id"] for r in body["results"]], [uncertain.pk])
        self.assert_field_error(self.get(URL, {"state": "lost"}), "query", "state")
        self.assert_field_error(self.get(URL, {"status": "sent"}), "query", "status")

    def test_it_lists_in_a_fixed_number_of_queries(self) -> None:
        for n in range(30):
            self.queue(f"report:{n}")
        # token, membership, count, page
        body = self.assert_list_queries(URL, 4, {"page_size": 20})
        self.assertEqual((body["count"], len(body["results"])), (30, 20))
        self.assertIsNotNone(body["next"])

    def test_it_reads_one_email_with_its_bodies(self) -> None:
        message = self.queue(html="<p>Hello</p>", in_reply_to="<a@b.example>")
        body = self.assert_status(self.get(f"{URL}/{message.pk}"), 200)
        self.assertEqual(body["text"], "We finished the booking page.")
        self.assertEqual(body["html"], "<p>Hello</p>")
        self.assertEqual(body["in_reply_to"], "<a@b.example>")
        self.assertEqual(body["references"], "<a@b.example>")

    def test_it_is_for_owners_and_managers(self) -> None:
        message = self.failed()
        for user in (self.bob, self.victor):
            with self.subTest(user.email):
                for response in (
                    self.get(URL, user=user),
                    self.get(f"{URL}/{message.pk}", user=user),
                    self.post(f"{URL}/{message.pk}/retry", {}, user=user),
                    self.post(f"{URL}/{message.pk}/mark-sent", {}, user=user),
                ):
                    self.assertEqual(response.status_code, 403)
                    if user == self.bob:
                        self.assertEqual(
                            response.json(), {"detail": "Only owners and managers can do this."}
                        )
        self.assertEqual(self.state(message), MessageState.FAILED)

    def test_charlie_gets_a_plain_404(self) -> None:
        message = self.failed()
        self.assert_hidden_from_charlie("get", f"{URL}/{message.pk}")
        self.assert_hidden_from_charlie("post", f"{URL}/{message.pk}/retry", {})
        self.assert_hidden_from_charlie("post", f"{URL}/{message.pk}/mark-sent", {})
        body = self.assert_status(self.get(URL, user=self.charlie), 200)
        self.assertEqual(body["count"], 0)

    def test_retry_sends_a_stuck_email_again(self) -> None:
        message = self.uncertain()
        with self.captureOnCommitCallbacks(execute=True):
            body = self.assert_status(self.post(f"{URL}/{message.pk}/retry", {}), 200)
        self.assertEqual(body["state"], "queued")
        self.assertEqual(self.state(message), MessageState.SENT)
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("message.send_again", self.audit_actions())

    def test_retry_refuses_an_email_that_is_not_stuck(self) -> None:
        message = self.queue()
        body = self.assert_status(self.post(f"{URL}/{message.pk}/retry", {}), 422)
        self.assertIn("only a failed, uncertain or waiting email", body["detail"][0]["msg"])

    def test_mark_sent_records_it(self) -> None:
        message = self.failed()
        body = self.assert_status(self.post(f"{URL}/{message.pk}/mark-sent", {}), 200)
        self.assertEqual(body["state"], "sent")
        self.assertEqual(OutboundMessage.objects.get().state, MessageState.SENT)
        self.assertEqual(mail.outbox, [])
