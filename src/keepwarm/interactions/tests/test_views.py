from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from typing import Any

from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from keepwarm.accounts.models import Membership, User
from keepwarm.clients.models import Client, Contact
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.interactions.services import interaction_log
from keepwarm.interactions.views import TIMELINE_PAGE_SIZE, timeline_context
from keepwarm.testing import BaseTestCase

HTMX = {"HX-Request": "true"}


class TimelineTestCase(BaseTestCase):
    client_a: Client
    lena: Contact
    sam: Contact
    other_client: Client
    stranger: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        ws = cls.workspace
        cls.client_a = Client.objects.create(workspace=ws, name="Harbor Dental")
        cls.lena = Contact.objects.create(
            workspace=ws, client=cls.client_a, name="Lena Ortiz", role="Practice manager"
        )
        cls.sam = Contact.objects.create(workspace=ws, client=cls.client_a, name="Sam Reed")
        cls.other_client = Client.objects.create(workspace=ws, name="Bakery Bloom")
        cls.stranger = Contact.objects.create(workspace=ws, client=cls.other_client, name="Ann")

    def log(self, **fields: Any) -> Interaction:
        data: dict[str, Any] = {
            "channel": Channel.EMAIL,
            "direction": Direction.INBOUND,
            "subject": "Question about the invoice",
            "occurred_at": timezone.now() - dt.timedelta(hours=1),
        }
        data.update(fields)
        client = data.pop("client", self.client_a)
        return interaction_log(membership=self.alice_m, client=client, **data)

    def form_data(self, **fields: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "channel": "call",
            "direction": "outbound",
            "occurred_at": (timezone.now() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "contacts": [str(self.lena.pk)],
            "subject": "Walked through the new booking page",
            "body": "She liked it.\nWants a tweak to the colours.",
            "kinds": ["progress", "value_add"],
        }
        data.update(fields)
        return {k: v for k, v in data.items() if v is not None}

    def member_request(self, membership: Membership) -> Any:
        request: Any = RequestFactory().get("/")
        request.user = User.objects.get(pk=membership.user_id)
        request.membership = Membership.objects.select_related("workspace").get(pk=membership.pk)
        request.htmx = False
        return request

    def toast(self, response: Any) -> str:
        return json.loads(response["HX-Trigger"])["toast"]

    def flash(self, response: Any) -> list[str]:
        return [str(m) for m in get_messages(response.wsgi_request)]


class TimelineFragmentTests(TimelineTestCase):
    def render(self, membership: Membership) -> str:
        request = self.member_request(membership)
        context = timeline_context(request, self.client_a)
        return render_to_string("interactions/_timeline.html", context, request=request)

    def test_it_shows_interactions_newest_first_with_their_details(self) -> None:
        now = timezone.now()
        self.log(subject="Older call", channel=Channel.CALL, occurred_at=now - dt.timedelta(days=3))
        self.log(
            subject="Angry email",
            contacts=[self.lena],
            body="Line one\nLine <two>",
            needs_reply=True,
            is_problem=True,
            occurred_at=now - dt.timedelta(days=2),
        )
        self.log(
            subject="Note to self",
            direction=Direction.INTERNAL,
            occurred_at=now - dt.timedelta(hours=1),
        )

        html = self.render(self.alice_m)

        self.assertLess(html.index("Note to self"), html.index("Angry email"))
        self.assertLess(html.index("Angry email"), html.index("Older call"))
        self.assertIn('id="timeline"', html)
        self.assertIn("From the client", html)
        self.assertIn("Internal note", html)
        self.assertIn("logged by Alice Archer", html)
        self.assertIn("With Lena Ortiz", html)
        self.assertIn("Line one<br>Line &lt;two&gt;", html)
        self.assertIn('<span class="badge">Problem</span>', html)
        self.assertIn("Needs a reply · waiting 2\xa0days", html)
        self.assertIn("badge-overdue", html)  # past the 24-hour target
        self.assertIn("Mark answered", html)
        self.assertIn("Log an interaction", html)
        self.assertIn('type="datetime-local"', html)
        self.assertIn('title="', html)

    def test_it_tells_a_new_user_what_to_do(self) -> None:
        html = self.render(self.alice_m)
        self.assertIn("Nothing logged yet", html)
        self.assertIn("Log your last call", html)

    def test_it_shows_viewers_no_write_controls(self) -> None:
        self.log(needs_reply=True)

        html = self.render(self.victor_m)

        self.assertIn("Question about the invoice", html)
        for control in ("Log an interaction", "Mark answered", "Edit", "Delete", "<form"):
            self.assertNotIn(control, html)

    def test_it_offers_only_this_clients_people(self) -> None:
        html = self.render(self.alice_m)
        self.assertIn("Lena Ortiz (Practice manager)", html)
        self.assertNotIn("Ann", html)

    def test_it_defaults_when_to_now_in_the_users_time_zone(self) -> None:
        User.objects.filter(pk=self.alice.pk).update(time_zone="Asia/Tokyo")
        request = self.member_request(self.alice_m)

        form = timeline_context(request, self.client_a)["timeline_form"]

        local_now = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo("Asia/Tokyo"))
        shown = form.initial["occurred_at"]
        self.assertLess(abs(shown - local_now.replace(tzinfo=None)), dt.timedelta(minutes=2))
        self.assertIn("Asia/Tokyo", form.fields["occurred_at"].help_text)

    def test_it_uses_a_fixed_number_of_queries(self) -> None:
        def count_for(total: int) -> int:
            Interaction.objects.all().delete()
            start = timezone.now() - dt.timedelta(days=60)
            for n in range(total):
                self.log(
                    subject=f"Interaction {n}",
                    contacts=[self.lena, self.sam],
                    occurred_at=start + dt.timedelta(hours=n),
                    needs_reply=n % 2 == 0,
                )
            request = self.member_request(self.alice_m)
            client = Client.objects.get(pk=self.client_a.pk)
            with self.assertNumQueries(3) as ctx:
                context = timeline_context(request, client)
                render_to_string("interactions/_timeline.html", context)
            return len(ctx.captured_queries)

        self.assertEqual(count_for(3), count_for(TIMELINE_PAGE_SIZE + 5))

    def test_it_reuses_the_client_pages_prefetched_people(self) -> None:
        self.log(contacts=[self.lena])
        request = self.member_request(self.alice_m)
        client = Client.objects.prefetch_related("contacts").get(pk=self.client_a.pk)

        # The page of interactions, and their people.
        with self.assertNumQueries(2):
            context = timeline_context(request, client)
            render_to_string("interactions/_timeline.html", context)


class TimelineListTests(TimelineTestCase):
    def setUp(self) -> None:
        start = timezone.now() - dt.timedelta(days=30)
        for n in range(TIMELINE_PAGE_SIZE + 5):
            self.log(subject=f"Interaction {n:02d}", occurred_at=start + dt.timedelta(hours=n))
        self.login(self.alice)

    def test_it_pages_older_interactions_twenty_at_a_time(self) -> None:
        request = self.member_request(self.alice_m)
        context = timeline_context(request, self.client_a)
        self.assertEqual(len(context["timeline_items"]), TIMELINE_PAGE_SIZE)
        self.assertEqual(context["timeline_items"][0].interaction.subject, "Interaction 24")
        older_url = context["timeline_older_url"]
        self.assertTrue(older_url.startswith(reverse("interaction_list", args=[self.client_a.pk])))

        self.client.get(
            older_url, headers=HTMX
        )  # The first request stores the workspace in the session.
        # Session, user, membership, client, the page, its people, the workspace switcher.
        with self.assertNumQueries(7):
            response = self.client.get(older_url, headers=HTMX)

        html = response.content.decode()
        self.assertEqual(html.count('<li id="interaction-'), 5)
        self.assertIn("Interaction 04", html)
        self.assertNotIn("Interaction 05", html)
        self.assertIn('hx-swap-oob="true"', html)
        self.assertNotIn("Show older", html)
        self.assertNotIn("<html", html)

    def test_it_shows_older_interactions_as_a_page_without_javascript(self) -> None:
        request = self.member_request(self.alice_m)
        older_url = timeline_context(request, self.client_a)["timeline_older_url"]

        response = self.client.get(older_url)

        self.assertContains(response, "<title>Timeline · Harbor Dental · Keepwarm</title>")
        self.assertContains(response, "Interaction 00")
        self.assertNotContains(response, "Interaction 20")

    def test_it_ignores_a_garbled_cursor(self) -> None:
        url = reverse("interaction_list", args=[self.client_a.pk]) + "?before=nonsense"
        response = self.client.get(url, headers=HTMX)
        self.assertContains(response, "Interaction 24")

    def test_it_keeps_the_same_query_count_for_a_longer_history(self) -> None:
        url = reverse("interaction_list", args=[self.client_a.pk])
        self.client.get(url, headers=HTMX)  # The first request stores the workspace in the session.
        with self.assertNumQueries(7):
            self.client.get(url, headers=HTMX)
        for n in range(30):
            self.log(subject=f"More {n}", contacts=[self.lena, self.sam])
        with self.assertNumQueries(7):
            self.client.get(url, headers=HTMX)


class InteractionCreateTests(TimelineTestCase):
    def setUp(self) -> None:
        self.login(self.alice)
        self.url = reverse("interaction_create", args=[self.client_a.pk])

    def test_it_logs_in_place_and_resets_the_form(self) -> None:
        response = self.client.post(self.url, self.form_data(), headers=HTMX)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.toast(response), "Interaction logged.")
        interaction = Interaction.objects.get()
        self.assertEqual(interaction.channel, "call")
        self.assertEqual(interaction.logged_by, self.alice)
        self.assertEqual(list(interaction.contacts.all()), [self.lena])
        self.assertEqual(interaction.kinds, ["progress", "value_add"])
        html = response.content.decode()
        self.assertTrue(html.lstrip().startswith('<section id="timeline"'))
        self.assertIn(f'id="interaction-{interaction.pk}"', html)
        self.assertIn("She liked it.<br>Wants a tweak", html)
        # A fresh form: the subject field is empty again.
        self.assertNotIn('value="Walked through the new booking page"', html)

    def test_it_redirects_a_plain_post_to_the_client_page(self) -> None:
        response = self.client.post(self.url, self.form_data())

        self.assertRedirects(
            response,
            reverse("client_detail", args=[self.client_a.pk]) + "#timeline",
            fetch_redirect_response=False,
        )
        self.assertEqual(self.flash(response), ["Interaction logged."])
        self.assertEqual(Interaction.objects.count(), 1)

    def test_it_reads_when_in_the_users_time_zone(self) -> None:
        User.objects.filter(pk=self.alice.pk).update(time_zone="America/New_York")

        self.client.post(self.url, self.form_data(occurred_at="2025-01-15T09:30"), headers=HTMX)

        expected = dt.datetime(2025, 1, 15, 14, 30, tzinfo=dt.UTC)
        self.assertEqual(Interaction.objects.get().occurred_at, expected)

    def test_it_falls_back_to_the_workspace_time_zone(self) -> None:
        User.objects.filter(pk=self.alice.pk).update(time_zone="Nowhere/Atlantis")
        self.workspace.time_zone = "Europe/Berlin"
        self.workspace.save(update_fields=["time_zone"])

        self.client.post(self.url, self.form_data(occurred_at="2025-01-15T09:30"), headers=HTMX)

        expected = dt.datetime(2025, 1, 15, 8, 30, tzinfo=dt.UTC)
        self.assertEqual(Interaction.objects.get().occurred_at, expected)

    def test_it_returns_only_the_form_with_errors_and_keeps_the_input(self) -> None:
        data = self.form_data(direction="outbound", needs_reply="on", subject="Typed & kept")

        response = self.client.post(self.url, data, headers=HTMX)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["HX-Retarget"], "#timeline-log")
        self.assertEqual(response["HX-Reswap"], "innerHTML")
        html = response.content.decode()
        self.assertTrue(html.lstrip().startswith("<summary>"))
        self.assertIn("There is a problem", html)
        self.assertIn("Only a message from the client can need a reply.", html)
        self.assertIn('id="timeline-needs_reply_error"', html)
        self.assertIn('value="Typed &amp; kept"', html)
        self.assertIn("Wants a tweak to the colours.</textarea>", html)
        self.assertIn(f'value="{self.lena.pk}" id="timeline-contacts_0" checked', html)
        self.assertIn('value="value_add"', html)
        self.assertFalse(Interaction.objects.exists())

    def test_it_shows_field_errors_on_a_page_for_a_plain_post(self) -> None:
        data = self.form_data(occurred_at="", subject="Still here")

        response = self.client.post(self.url, data)

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<title>Log an interaction · Harbor Dental · Keepwarm")
        self.assertContains(response, "This field is required.")
        self.assertContains(response, 'value="Still here"')
        self.assertFalse(Interaction.objects.exists())

    def test_it_refuses_a_time_in_the_future(self) -> None:
        later = (timezone.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")

        response = self.client.post(self.url, self.form_data(occurred_at=later), headers=HTMX)

        self.assertContains(response, "An interaction cannot be in the future.")
        self.assertFalse(Interaction.objects.exists())

    def test_it_refuses_people_of_another_client(self) -> None:
        response = self.client.post(
            self.url, self.form_data(contacts=[str(self.stranger.pk)]), headers=HTMX
        )
        self.assertContains(response, "is not one of the available choices")
        self.assertFalse(Interaction.objects.exists())

    def test_it_shows_the_form_as_a_page(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "Log an interaction with Harbor Dental")
        self.assertContains(response, 'type="datetime-local"')

    def test_it_refuses_a_viewer(self) -> None:
        self.login(self.victor)
        self.assertEqual(
            self.client.post(self.url, self.form_data(), headers=HTMX).status_code, 403
        )
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertFalse(Interaction.objects.exists())

    def test_it_lets_a_member_log(self) -> None:
        self.login(self.bob)
        response = self.client.post(self.url, self.form_data(), headers=HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Interaction.objects.get().logged_by, self.bob)

    def test_it_sends_strangers_to_sign_in(self) -> None:
        self.client.logout()
        response = self.client.post(self.url, self.form_data())
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])
        self.assertFalse(Interaction.objects.exists())


class InteractionEditTests(TimelineTestCase):
    def setUp(self) -> None:
        self.login(self.alice)
        self.interaction = self.log(
            contacts=[self.lena],
            occurred_at=dt.datetime(2025, 3, 10, 15, 45, tzinfo=dt.UTC),
            is_problem=True,
        )
        self.url = reverse("interaction_edit", args=[self.interaction.pk])

    def test_it_shows_what_was_logged_in_the_users_time_zone(self) -> None:
        User.objects.filter(pk=self.alice.pk).update(time_zone="Europe/Berlin")

        response = self.client.get(self.url)

        self.assertContains(response, "<title>Edit interaction · Harbor Dental")
        self.assertContains(response, 'value="2025-03-10T16:45"')
        self.assertContains(response, 'value="Question about the invoice"')
        self.assertContains(response, f'value="{self.lena.pk}" id="edit-contacts_0" checked')
        self.assertContains(response, 'value="problem" id="edit-kinds_1" checked')

    def test_it_saves_changes_and_goes_back_to_the_client_page(self) -> None:
        data = self.form_data(
            direction="inbound",
            contacts=[str(self.sam.pk)],
            subject="Invoice question, answered",
            kinds=["problem"],
        )

        response = self.client.post(self.url, data)

        self.assertRedirects(
            response,
            reverse("client_detail", args=[self.client_a.pk]) + "#timeline",
            fetch_redirect_response=False,
        )
        self.interaction.refresh_from_db()
        self.assertEqual(self.interaction.subject, "Invoice question, answered")
        self.assertEqual(self.interaction.channel, "call")
        self.assertEqual(list(self.interaction.contacts.all()), [self.sam])
        self.assertEqual(self.flash(response), ["Interaction updated."])

    def test_it_keeps_the_input_on_an_error(self) -> None:
        data = self.form_data(direction="internal", needs_reply="on", subject="Half typed")

        response = self.client.post(self.url, data)

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Only a message from the client can need a reply.")
        self.assertContains(response, 'value="Half typed"')
        self.interaction.refresh_from_db()
        self.assertEqual(self.interaction.subject, "Question about the invoice")

    def test_it_refuses_a_viewer(self) -> None:
        self.login(self.victor)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url, self.form_data()).status_code, 403)


class InteractionDeleteTests(TimelineTestCase):
    def setUp(self) -> None:
        self.login(self.alice)
        self.interaction = self.log(contacts=[self.lena], body="Three words here")
        self.url = reverse("interaction_delete", args=[self.interaction.pk])

    def test_it_asks_first_and_says_what_will_be_lost(self) -> None:
        response = self.client.get(self.url)

        self.assertContains(response, "Delete this interaction?")
        self.assertContains(response, "Lena Ortiz")
        self.assertContains(response, "3 words")
        self.assertContains(response, "This cannot be undone.")
        self.assertTrue(Interaction.objects.exists())

    def test_it_deletes_and_goes_back_to_the_client_page(self) -> None:
        response = self.client.post(self.url)

        self.assertRedirects(
            response,
            reverse("client_detail", args=[self.client_a.pk]) + "#timeline",
            fetch_redirect_response=False,
        )
        self.assertFalse(Interaction.objects.exists())
        self.assertEqual(self.flash(response), ["Interaction deleted."])

    def test_it_returns_the_timeline_to_htmx(self) -> None:
        response = self.client.post(self.url, headers=HTMX)

        self.assertEqual(self.toast(response), "Interaction deleted.")
        self.assertContains(response, "Nothing logged yet")
        self.assertFalse(Interaction.objects.exists())

    def test_it_refuses_a_viewer(self) -> None:
        self.login(self.victor)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertTrue(Interaction.objects.exists())


class InteractionMarkRepliedTests(TimelineTestCase):
    def setUp(self) -> None:
        self.login(self.alice)
        asked = timezone.now() - dt.timedelta(hours=6)
        self.question = self.log(needs_reply=True, occurred_at=asked)
        self.url = reverse("interaction_mark_replied", args=[self.question.pk])
        self.asked = asked

    def test_it_marks_answered_in_place_using_our_first_reply(self) -> None:
        self.log(direction=Direction.OUTBOUND, occurred_at=self.asked - dt.timedelta(hours=1))
        reply = self.log(
            direction=Direction.OUTBOUND, occurred_at=self.asked + dt.timedelta(hours=2)
        )
        self.log(direction=Direction.OUTBOUND, occurred_at=self.asked + dt.timedelta(hours=4))

        response = self.client.post(self.url, headers=HTMX)

        self.assertEqual(self.toast(response), "Marked as answered.")
        html = response.content.decode()
        self.assertTrue(html.lstrip().startswith(f'<li id="interaction-{self.question.pk}"'))
        self.assertNotIn("Needs a reply", html)
        self.assertNotIn("Mark answered", html)
        self.assertIn("Answered in 2\xa0hours", html)
        self.question.refresh_from_db()
        self.assertFalse(self.question.needs_reply)
        self.assertEqual(self.question.replied_by, reply)
        self.assertEqual(self.question.first_response_seconds, 2 * 3600)

    def test_it_marks_answered_without_a_logged_reply(self) -> None:
        response = self.client.post(self.url)

        self.assertRedirects(
            response,
            reverse("client_detail", args=[self.client_a.pk]) + "#timeline",
            fetch_redirect_response=False,
        )
        self.assertEqual(self.flash(response), ["Marked as answered."])
        self.question.refresh_from_db()
        self.assertFalse(self.question.needs_reply)
        self.assertIsNone(self.question.first_response_seconds)

    def test_it_explains_why_our_own_message_cannot_be_answered(self) -> None:
        ours = self.log(direction=Direction.OUTBOUND)
        url = reverse("interaction_mark_replied", args=[ours.pk])

        htmx_response = self.client.post(url, headers=HTMX)
        plain_response = self.client.post(url)

        self.assertEqual(htmx_response.status_code, 204)
        self.assertEqual(
            self.toast(htmx_response), "Only a message from the client can be answered."
        )
        self.assertEqual(
            self.flash(plain_response), ["Only a message from the client can be answered."]
        )

    def test_it_only_accepts_posts(self) -> None:
        self.assertEqual(self.client.get(self.url).status_code, 405)

    def test_it_refuses_a_viewer(self) -> None:
        self.login(self.victor)
        self.assertEqual(self.client.post(self.url, headers=HTMX).status_code, 403)
        self.question.refresh_from_db()
        self.assertTrue(self.question.needs_reply)


class TimelineIsolationTests(TimelineTestCase):
    def test_it_answers_charlie_404_on_every_view(self) -> None:
        interaction = self.log(needs_reply=True)
        self.login(self.charlie)
        gets = [
            reverse("interaction_list", args=[self.client_a.pk]),
            reverse("interaction_create", args=[self.client_a.pk]),
            reverse("interaction_edit", args=[interaction.pk]),
            reverse("interaction_delete", args=[interaction.pk]),
        ]
        posts = [
            reverse("interaction_create", args=[self.client_a.pk]),
            reverse("interaction_edit", args=[interaction.pk]),
            reverse("interaction_delete", args=[interaction.pk]),
            reverse("interaction_mark_replied", args=[interaction.pk]),
        ]
        missing = reverse("interaction_edit", args=[999999])
        for url in gets:
            with self.subTest(get=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        for url in posts:
            with self.subTest(post=url):
                self.assertEqual(
                    self.client.post(url, self.form_data(), headers=HTMX).status_code, 404
                )
        self.assertEqual(self.client.get(missing).status_code, 404)
        interaction.refresh_from_db()
        self.assertTrue(interaction.needs_reply)
        self.assertEqual(Interaction.objects.count(), 1)
