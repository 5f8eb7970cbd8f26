"""The client portal: the link, the headers, what the client sees and sends."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from keepwarm.feedback.models import FeedbackResponse
from keepwarm.interactions.models import Interaction
from keepwarm.portal import services
from keepwarm.portal.models import Concern, GoalComment, PortalToken, ReportRead
from keepwarm.portal.tests.helpers import make_portal_client, open_portal
from keepwarm.reports.models import StatusReport
from keepwarm.testing import BaseTestCase


class PortalTests(BaseTestCase):
    def setUp(self) -> None:
        self.harbor, self.secret = make_portal_client(self, "Harbor Dental")

    def test_the_link_becomes_a_cookie_and_the_secret_leaves_the_address(self) -> None:
        response = open_portal(self, self.secret)
        self.assertRedirects(response, reverse("portal_home"), fetch_redirect_response=False)
        self.assertNotIn(self.secret, response["Location"])
        cookie = response.cookies["kw_portal"]
        self.assertEqual(cookie["path"], "/portal/")
        self.assertTrue(cookie["httponly"])
        self.assertNotIn(self.secret, cookie.value)
        home = self.client.get(response["Location"])
        self.assertContains(home, "Hello, Harbor Dental")
        self.assertContains(home, "Alice&#x27;s Studio")
        self.assertNotIn(self.secret, home.content.decode())
        for page in (response, home):
            self.assertEqual(page["Cache-Control"], "no-store")
            self.assertEqual(page["Referrer-Policy"], "no-referrer")
            self.assertIn("noindex", page["X-Robots-Tag"])
            self.assertIn("frame-ancestors 'none'", page["Content-Security-Policy"])

    def test_only_the_hash_of_the_secret_is_stored(self) -> None:
        link = PortalToken.objects.get(client=self.harbor)
        self.assertGreaterEqual(len(self.secret), 43)  # 256 random bits, base64
        self.assertNotIn(self.secret, link.token_hash)

    def test_without_the_cookie_the_portal_is_a_404(self) -> None:
        response = self.client.get(reverse("portal_home"))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response["Cache-Control"], "no-store")

    def test_revoked_and_expired_links_are_404_also_for_an_open_session(self) -> None:
        open_portal(self, self.secret)
        link = PortalToken.objects.get(client=self.harbor)
        services.portal_link_revoke(membership=self.alice_m, link=link)
        self.assertEqual(open_portal(self, self.secret).status_code, 404)
        self.assertEqual(self.client.get(reverse("portal_home")).status_code, 404)
        _, secret = services.portal_link_create(
            membership=self.alice_m,
            client=self.harbor,
            expires_on=timezone.localdate() + dt.timedelta(days=2),
        )
        self.assertEqual(open_portal(self, secret).status_code, 302)
        self.assertEqual(self.client.get(reverse("portal_home")).status_code, 200)
        with time_machine.travel(timezone.now() + dt.timedelta(days=3)):
            self.assertEqual(self.client.get(reverse("portal_home")).status_code, 404)
            self.assertEqual(open_portal(self, secret).status_code, 404)

    def test_rotating_the_link_stops_the_old_one(self) -> None:
        _, fresh = services.portal_link_create(membership=self.alice_m, client=self.harbor)
        self.assertEqual(open_portal(self, self.secret).status_code, 404)
        self.assertEqual(open_portal(self, fresh).status_code, 302)

    def test_the_home_page_shows_reports_promises_goals_and_nothing_internal(self) -> None:
        open_portal(self, self.secret)
        home = self.client.get(reverse("portal_home")).content.decode()
        self.assertIn("Weekly update for Harbor Dental", home)
        self.assertNotIn("DRAFT for", home)
        self.assertIn("Late: it was due 3 days ago and is not done yet", home)
        self.assertIn("More bookings for Harbor Dental", home)
        self.assertNotIn("SECRET NOTE", home)
        self.assertNotIn("PRIVATE FACT", home)
        self.assertNotIn("Person at", home)

    def test_a_visit_is_logged_once_an_hour_without_personal_data(self) -> None:
        open_portal(self, self.secret)
        self.client.get(reverse("portal_home"))
        self.client.get(reverse("portal_home"))
        visits = Interaction.objects.filter(client=self.harbor, channel="portal")
        self.assertEqual(visits.count(), 1)
        visit = visits.get()
        self.assertEqual((visit.direction, visit.body), ("internal", ""))
        self.assertEqual(visit.contacts.count(), 0)
        with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
            self.client.get(reverse("portal_home"))
        self.assertEqual(visits.count(), 2)

    def test_reading_a_report_marks_it_read(self) -> None:
        open_portal(self, self.secret)
        report = StatusReport.objects.get(client=self.harbor, state="sent")
        page = self.client.get(reverse("portal_report", args=[report.pk]))
        self.assertContains(page, "<strong>Done</strong> for Harbor Dental.", html=True)
        self.client.get(reverse("portal_report", args=[report.pk]))
        self.assertEqual(ReportRead.objects.filter(report=report).count(), 1)
        self.assertContains(self.client.get(reverse("portal_home")), "you read it")
        draft = StatusReport.objects.get(client=self.harbor, state="draft")
        self.assertEqual(
            self.client.get(reverse("portal_report", args=[draft.pk])).status_code, 404
        )

    def test_the_team_sees_when_the_client_read_a_report(self) -> None:
        from django.template import Context, Template

        report = StatusReport.objects.get(client=self.harbor, state="sent")
        note = Template("{% load portal_tags %}{% report_read_note report %}")
        self.assertEqual(note.render(Context({"report": report})), "")
        open_portal(self, self.secret)
        self.client.get(reverse("portal_report", args=[report.pk]))
        report = StatusReport.objects.get(pk=report.pk)
        self.assertIn("Read by the client on", note.render(Context({"report": report})))

    def test_a_concern_needs_a_reply_and_tells_the_owner(self) -> None:
        open_portal(self, self.secret)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("portal_concern"), {"text": "Nobody called back about the invoice."}
            )
        self.assertEqual(response.status_code, 302)
        concern = Concern.objects.get()
        self.assertTrue(concern.interaction.needs_reply)
        self.assertEqual(concern.interaction.direction, "inbound")
        self.assertEqual(mail.outbox[-1].to, ["alice@example.org"])
        self.assertIn("Harbor Dental raised a concern", mail.outbox[-1].subject)
        home = self.client.get(response["Location"])
        self.assertContains(home, "Waiting for our reply.")
        self.assertContains(home, "Nobody called back about the invoice.")

    def test_an_empty_concern_is_refused_with_a_message(self) -> None:
        open_portal(self, self.secret)
        response = self.client.post(reverse("portal_concern"), {"text": "  "})
        self.assertContains(response, "Write a few words", status_code=400)
        self.assertFalse(Concern.objects.exists())

    def test_the_client_comments_on_a_goal(self) -> None:
        open_portal(self, self.secret)
        goal = self.harbor.goals.get()
        response = self.client.post(
            reverse("portal_goal_comment"),
            {"goal": goal.pk, "text": "Not quite: we care more about fewer no-shows."},
        )
        self.assertEqual(response.status_code, 302)
        comment = GoalComment.objects.get()
        self.assertTrue(comment.interaction.needs_reply)
        self.assertContains(self.client.get(reverse("portal_home")), "fewer no-shows")

    def test_the_client_gives_feedback_on_the_portal(self) -> None:
        open_portal(self, self.secret)
        self.client.post(reverse("portal_feedback"), {"score": 4, "comment": "Slow replies."})
        answer = FeedbackResponse.objects.get()
        self.assertEqual((answer.kind, answer.score, answer.source), ("nps", 4, "portal"))
        self.assertTrue(answer.unhappy)

    def test_every_portal_form_is_rate_limited(self) -> None:
        open_portal(self, self.secret)
        goal = self.harbor.goals.get()
        for url, data in (
            (reverse("portal_concern"), {"text": "x"}),
            (reverse("portal_feedback"), {"score": 9}),
            (reverse("portal_goal_comment"), {"goal": goal.pk, "text": "x"}),
        ):
            from keepwarm.feedback.models import PostThrottle

            PostThrottle.objects.all().delete()
            for _ in range(10):
                self.client.post(url, {})
            response = self.client.post(url, data)
            self.assertEqual(response.status_code, 429, url)
            self.assertContains(response, "Please wait a little", status_code=429)

    def test_only_the_owner_or_a_manager_manages_the_link(self) -> None:
        url = reverse("portal_link", args=[self.harbor.pk])
        self.login(self.bob)
        self.assertEqual(self.client.post(url).status_code, 403)
        self.login(self.alice)
        response = self.client.post(url, {"expires_on": ""})
        self.assertContains(response, "/p/")
        self.assertEqual(response["Cache-Control"], "no-store")
        page = self.client.get(reverse("client_detail", args=[self.harbor.pk]))
        self.assertContains(page, "Client portal")
        self.assertContains(page, "Replace or turn off the link")
