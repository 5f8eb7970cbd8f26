"""The client's answer page: one link per score, a GET records nothing, a POST records once."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core import mail
from django.urls import reverse

from keepwarm.feedback import services
from keepwarm.feedback.models import FeedbackResponse
from keepwarm.feedback.tests.helpers import answer_links, make_client
from keepwarm.testing import BaseTestCase


class FeedbackAnswerTests(BaseTestCase):
    def setUp(self) -> None:
        client = make_client(self)
        with self.captureOnCommitCallbacks(execute=True):
            self.request = services.feedback_request_create(
                membership=self.alice_m, client=client, contact=client.contacts.get(), kind="nps"
            )
        self.token = answer_links(mail.outbox[0].body)[0][0]
        self.url = reverse("feedback_answer", args=[self.token, 4])

    def test_a_get_shows_the_score_chosen_and_records_nothing(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, 'value="4" required id="id_score_4" checked')
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertEqual(response["Referrer-Policy"], "no-referrer")
        self.assertIn("noindex", response["X-Robots-Tag"])
        self.assertIn("default-src 'none'", response["Content-Security-Policy"])
        self.assertFalse(FeedbackResponse.objects.exists())
        self.request.refresh_from_db()
        self.assertIsNone(self.request.answered_at)

    def test_a_post_records_the_answer_on_the_timeline(self) -> None:
        response = self.client.post(self.url, {"score": 4, "comment": "Too slow, frustrating."})
        self.assertContains(response, "Thank you")
        answer = FeedbackResponse.objects.get()
        self.assertEqual((answer.score, answer.kind, answer.source), (4, "nps", "email"))
        self.assertTrue(answer.unhappy)
        self.assertLess(answer.sentiment or 0, 0)
        entry = answer.interaction
        assert entry is not None
        self.assertEqual((entry.direction, entry.channel), ("inbound", "email"))
        self.assertTrue(entry.needs_reply)
        self.assertEqual(list(entry.contacts.all()), [self.request.contact])

    def test_the_client_may_change_the_score_before_sending(self) -> None:
        self.client.post(self.url, {"score": 9})
        answer = FeedbackResponse.objects.get()
        self.assertEqual(answer.score, 9)
        self.assertFalse(answer.unhappy)

    def test_a_second_answer_is_refused(self) -> None:
        self.client.post(self.url, {"score": 9})
        again = self.client.post(self.url, {"score": 1})
        self.assertContains(again, "We already have your answer")
        self.assertEqual(FeedbackResponse.objects.get().score, 9)

    def test_an_expired_request_records_nothing(self) -> None:
        with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=31)):
            response = self.client.post(self.url, {"score": 9})
        self.assertContains(response, "This question has closed")
        self.assertFalse(FeedbackResponse.objects.exists())

    def test_a_wrong_token_or_score_is_a_plain_404(self) -> None:
        wrong = self.client.get(reverse("feedback_answer", args=["x" * 43, 4]))
        self.assertEqual(wrong.status_code, 404)
        self.assertEqual(wrong["Cache-Control"], "no-store")
        self.assertEqual(
            self.client.get(reverse("feedback_answer", args=[self.token, 11])).status_code, 404
        )

    def test_posting_too_often_answers_429(self) -> None:
        for _ in range(10):
            self.client.post(self.url, {"score": 99})
        response = self.client.post(self.url, {"score": 9})
        self.assertEqual(response.status_code, 429)
        self.assertFalse(FeedbackResponse.objects.exists())
