"""Tests for the outbox pages."""

from __future__ import annotations

import time_machine
from django.core import mail

from keepwarm.accounts.models import AuditEvent
from keepwarm.messaging.models import MessageState, OutboundMessage
from keepwarm.messaging.tests.test_delivery import NOW
from keepwarm.messaging.tests.test_outbox_actions import StuckMessageTestCase


@time_machine.travel(NOW, tick=False)
class OutboxPageTests(StuckMessageTestCase):
    def test_it_lists_emails_newest_first_with_their_state_in_words(self) -> None:
        self.queue("report:1", subject="The older one")
        failed = self.failed("report:2")
        self.login(self.alice)
        response = self.client.get("/outbox/")
        self.assertContains(response, "2 emails")
        self.assertContains(response, "1 email needs you.")
        self.assertContains(response, "Waiting to send")
        self.assertContains(response, "550 No such user")
        rows = list(response.context["page"].object_list)
        self.assertEqual(rows[0], failed)
        self.assertContains(response, f'href="/outbox/{failed.pk}/send-again/"')
        self.assertContains(response, f'href="/outbox/{failed.pk}/mark-sent/"')

    def test_it_filters_by_state(self) -> None:
        self.queue("report:1")
        self.failed("report:2")
        uncertain = self.uncertain("report:3")
        self.login(self.alice)
        response = self.client.get("/outbox/", {"state": "attention"})
        self.assertEqual(response.context["page"].paginator.count, 2)
        self.assertContains(response, "2 emails match the filter")
        response = self.client.get("/outbox/", {"state": "uncertain"})
        self.assertEqual(list(response.context["page"].object_list), [uncertain])
        self.assertContains(response, "Delivery uncertain")
        response = self.client.get("/outbox/", {"state": "sent"})
        self.assertContains(response, "No emails match this filter")
        # htmx gets only the results.
        response = self.client.get("/outbox/", {"state": "sent"}, headers={"HX-Request": "true"})
        self.assertContains(response, 'id="outbox-results"')
        self.assertNotContains(response, "<html")

    def test_it_paginates_in_a_fixed_number_of_queries(self) -> None:
        for n in range(60):
            self.queue(f"report:{n}")
        self.login(self.alice)
        self.client.get("/outbox/")
        # session, user, membership, my memberships, attention count, count, page
        with self.assertNumQueries(7):
            response = self.client.get("/outbox/")
        self.assertEqual(len(response.context["page"].object_list), 50)
        self.assertContains(response, "60 emails")
        response = self.client.get("/outbox/", {"page": 2})
        self.assertEqual(len(response.context["page"].object_list), 10)

    def test_it_shows_an_empty_state(self) -> None:
        self.login(self.alice)
        self.assertContains(self.client.get("/outbox/"), "sent any email for this workspace yet")

    def test_it_is_for_owners_and_managers(self) -> None:
        message = self.failed()
        for user in (self.bob, self.victor):
            self.login(user)
            with self.subTest(user.email):
                self.assertEqual(self.client.get("/outbox/").status_code, 403)
                self.assertEqual(self.client.get(f"/outbox/{message.pk}/").status_code, 403)
                response = self.client.post(f"/outbox/{message.pk}/send-again/")
                self.assertEqual(response.status_code, 403)
        self.login(self.alice)
        self.assertContains(self.client.get("/outbox/"), "Outbox")

    def test_the_menu_links_the_outbox_for_managers_only(self) -> None:
        self.login(self.alice)
        self.assertContains(self.client.get("/clients/"), 'href="/outbox/"')
        self.login(self.bob)
        self.assertNotContains(self.client.get("/clients/"), 'href="/outbox/"')

    def test_it_shows_one_email(self) -> None:
        message = self.uncertain()
        self.login(self.alice)
        response = self.client.get(f"/outbox/{message.pk}/")
        self.assertContains(response, "Your weekly update")
        self.assertContains(response, "We finished the booking page.")
        self.assertContains(response, message.message_id.replace("<", "&lt;").replace(">", "&gt;"))
        self.assertContains(response, "tell whether the mail server accepted it")

    def test_send_again_confirms_then_sends(self) -> None:
        message = self.uncertain()
        self.login(self.alice)
        response = self.client.get(f"/outbox/{message.pk}/send-again/")
        self.assertContains(response, "gets it twice")
        self.assertEqual(mail.outbox, [])
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"/outbox/{message.pk}/send-again/", follow=True)
        self.assertContains(response, "will be sent again")
        self.assertEqual(self.state(message), MessageState.SENT)
        self.assertEqual(len(mail.outbox), 1)
        self.assertTrue(AuditEvent.objects.filter(action="message.send_again").exists())

    def test_mark_sent_confirms_then_records(self) -> None:
        message = self.failed()
        self.login(self.alice)
        self.assertContains(self.client.get(f"/outbox/{message.pk}/mark-sent/"), "Mark as sent")
        response = self.client.post(f"/outbox/{message.pk}/mark-sent/", follow=True)
        self.assertContains(response, "is marked as sent")
        self.assertEqual(self.state(message), MessageState.SENT)
        self.assertEqual(mail.outbox, [])

    def test_it_explains_a_refusal(self) -> None:
        message = self.queue()
        self.login(self.alice)
        response = self.client.post(f"/outbox/{message.pk}/mark-sent/", follow=True)
        self.assertContains(response, "only a failed or uncertain email can be marked as sent")
        self.assertEqual(self.state(message), MessageState.QUEUED)

    def test_charlie_gets_a_plain_404(self) -> None:
        message = self.failed()
        self.login(self.charlie)
        for url in ("/outbox/{}/", "/outbox/{}/send-again/", "/outbox/{}/mark-sent/"):
            self.assertEqual(self.client.get(url.format(message.pk)).status_code, 404)
        self.assertEqual(self.client.post(f"/outbox/{message.pk}/mark-sent/").status_code, 404)
        self.assertEqual(OutboundMessage.objects.get().state, MessageState.FAILED)
        self.assertContains(self.client.get("/outbox/"), "sent any email for this workspace yet")
