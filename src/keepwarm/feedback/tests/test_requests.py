"""Asking a client for feedback: the service, the page and the API."""

from __future__ import annotations

import datetime as dt
import json

import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from keepwarm.feedback import services
from keepwarm.feedback.models import FeedbackRequest, FeedbackSettings
from keepwarm.feedback.tests.helpers import answer_links, make_client
from keepwarm.messaging.models import OutboundMessage
from keepwarm.testing import BaseTestCase

NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


class FeedbackRequestTests(BaseTestCase):
    def setUp(self) -> None:
        self.client_row = make_client(self)
        self.contact = self.client_row.contacts.get()

    def _ask(self, kind: str = "nps", **kwargs: object) -> FeedbackRequest:
        return services.feedback_request_create(
            membership=self.alice_m,
            client=self.client_row,
            contact=self.contact,
            kind=kind,
            **kwargs,  # type: ignore[arg-type]
        )

    def test_it_queues_one_email_with_a_link_per_score(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            request = self._ask()
        message = OutboundMessage.objects.get(key=f"feedback:{request.pk}")
        self.assertEqual(request.outbound_message, message)
        self.assertEqual(message.to, [self.contact.email])
        self.assertEqual(len(mail.outbox), 1)
        links = answer_links(mail.outbox[0].body)
        self.assertEqual([score for _, score in links], list(range(0, 11)))
        self.assertEqual(len({token for token, _ in links}), 1)
        # Only the hash of the token is stored.
        self.assertNotIn(links[0][0], request.token_hash)
        self.assertEqual(len(links[0][0]), 43)  # 32 random bytes

    def test_it_asks_csat_from_one_to_five(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self._ask("csat")
        scores = [score for _, score in answer_links(mail.outbox[0].body)]
        self.assertEqual(scores, [1, 2, 3, 4, 5])

    def test_it_refuses_a_second_open_request_to_the_same_person(self) -> None:
        FeedbackSettings.objects.create(workspace=self.workspace, quiet_days=0)
        self._ask()
        with self.assertRaises(ValidationError) as refused:
            self._ask()
        self.assertIn("one open request per person", str(refused.exception))

    def test_it_respects_the_quiet_period(self) -> None:
        with time_machine.travel(NOW, tick=False):
            request = self._ask()
            services.feedback_answer(request=request, score=9)
        with time_machine.travel(NOW + dt.timedelta(days=29), tick=False):
            with self.assertRaises(ValidationError) as refused:
                self._ask()
            self.assertIn("quiet period is 30 days", str(refused.exception))
        with time_machine.travel(NOW + dt.timedelta(days=31), tick=False):
            self._ask()

    def test_it_refuses_a_contact_of_another_client_or_without_email(self) -> None:
        other = make_client(self, name="Brightside Bakery")
        with self.assertRaises(ValidationError):
            services.feedback_request_create(
                membership=self.alice_m,
                client=self.client_row,
                contact=other.contacts.get(),
                kind="nps",
            )
        self.contact.email = ""
        self.contact.save()
        with self.assertRaises(ValidationError):
            self._ask()

    def test_a_viewer_cannot_ask(self) -> None:
        from django.core.exceptions import PermissionDenied

        with self.assertRaises(PermissionDenied):
            services.feedback_request_create(
                membership=self.victor_m, client=self.client_row, contact=self.contact, kind="nps"
            )

    def test_the_page_asks_and_shows_the_request(self) -> None:
        self.login(self.bob)
        url = reverse("feedback_request_create", args=[self.client_row.pk])
        self.assertContains(self.client.get(url), self.contact.name)
        response = self.client.post(
            url, {"via": "email", "contact": self.contact.pk, "kind": "nps"}
        )
        self.assertRedirects(
            response,
            reverse("client_detail", args=[self.client_row.pk]) + "#feedback",
            fetch_redirect_response=False,
        )
        page = self.client.get(reverse("client_detail", args=[self.client_row.pk]))
        self.assertContains(page, "Waiting for Lena at Harbor Dental to answer")
        again = self.client.post(url, {"via": "email", "contact": self.contact.pk, "kind": "nps"})
        self.assertContains(again, "one open request per person")

    def test_email_needs_a_person_the_portal_does_not(self) -> None:
        with self.assertRaises(ValidationError):
            services.feedback_request_create(
                membership=self.alice_m, client=self.client_row, contact=None, kind="nps"
            )
        with self.captureOnCommitCallbacks(execute=True):
            asked = services.feedback_request_create(
                membership=self.alice_m,
                client=self.client_row,
                contact=None,
                kind="csat",
                via="portal",
            )
        self.assertEqual(
            (asked.via, asked.token_hash, asked.outbound_message), ("portal", "", None)
        )
        self.assertEqual(mail.outbox, [])

    def test_a_portal_request_is_asked_on_the_portal_and_answered_there(self) -> None:
        from keepwarm.feedback.models import FeedbackResponse
        from keepwarm.portal.services import portal_link_create

        _, secret = portal_link_create(membership=self.alice_m, client=self.client_row)
        self.login(self.alice)
        response = self.client.post(
            reverse("feedback_request_create", args=[self.client_row.pk]),
            {"via": "portal", "contact": "", "kind": "csat"},
        )
        self.assertEqual(response.status_code, 302)
        self.client.get(reverse("portal_open", args=[secret]))
        home = self.client.get(reverse("portal_home"))
        self.assertContains(home, "We asked you this on")
        self.assertContains(home, "How happy are you with the work")
        self.client.post(reverse("portal_feedback"), {"score": 5})
        answer = FeedbackResponse.objects.get()
        self.assertEqual((answer.kind, answer.score), ("csat", 5))
        self.assertIsNotNone(FeedbackRequest.objects.get().answered_at)

    def test_an_unhappy_answer_offers_a_recovery_case(self) -> None:
        request = self._ask()
        services.feedback_answer(request=request, score=3, comment="We feel ignored.")
        self.login(self.alice)
        page = self.client.get(reverse("client_detail", args=[self.client_row.pk]))
        self.assertContains(page, "Open a recovery case")
        self.assertContains(page, "signal=low_feedback")
        self.assertContains(page, "Recommend 3 of 10")

    def test_the_quiet_period_is_set_by_managers(self) -> None:
        url = reverse("feedback_settings")
        self.login(self.bob)
        self.assertEqual(self.client.post(url, {"quiet_days": 10}).status_code, 403)
        self.login(self.alice)
        self.client.post(url, {"quiet_days": 10})
        self.assertEqual(FeedbackSettings.objects.get(workspace=self.workspace).quiet_days, 10)

    def test_the_api_creates_and_lists(self) -> None:
        headers = self.api_headers(self.alice)
        body = {"client_id": self.client_row.pk, "contact_id": self.contact.pk, "kind": "csat"}
        created = self.client.post(
            "/api/feedback/requests",
            json.dumps(body),
            content_type="application/json",
            headers=headers,
        )
        self.assertEqual(created.status_code, 201, created.content)
        self.assertEqual(created.json()["kind"], "csat")
        again = self.client.post(
            "/api/feedback/requests",
            json.dumps(body),
            content_type="application/json",
            headers=headers,
        )
        self.assertEqual(again.status_code, 422)
        with self.assertNumQueries(5):
            listed = self.client.get(
                f"/api/feedback/requests?client_id={self.client_row.pk}", headers=headers
            )
        self.assertEqual(listed.json()["count"], 1)
        request = FeedbackRequest.objects.get()
        services.feedback_answer(request=request, score=2, comment="Slow and confusing.")
        responses = self.client.get("/api/feedback/responses?kind=csat", headers=headers).json()
        self.assertEqual(responses["count"], 1)
        self.assertTrue(responses["results"][0]["unhappy"])

    def test_charlie_cannot_ask_alices_clients(self) -> None:
        body = {"client_id": self.client_row.pk, "contact_id": self.contact.pk, "kind": "nps"}
        response = self.client.post(
            "/api/feedback/requests",
            json.dumps(body),
            content_type="application/json",
            headers=self.api_headers(self.charlie),
        )
        self.assertEqual(response.status_code, 404)
        listed = self.client.get("/api/feedback/responses", headers=self.api_headers(self.charlie))
        self.assertEqual(listed.json()["count"], 0)
