from __future__ import annotations

import datetime as dt
import json
from typing import Any

import time_machine
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from keepwarm.accounts.models import Membership, User
from keepwarm.clients.models import Client, Contact, Goal, GoalStatus
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.commitments.services import commitment_create, commitment_mark
from keepwarm.commitments.views import RECENTLY_CLOSED, day_label, due_words, promises_context
from keepwarm.testing import BaseTestCase

HTMX = {"HX-Request": "true"}
TODAY = dt.date(2025, 6, 11)
# Midday UTC on TODAY, so the day is the same in every time zone the tests use.
NOON = dt.datetime(2025, 6, 11, 12, 0, tzinfo=dt.UTC)


@time_machine.travel(NOON, tick=False)
class PromisesTestCase(BaseTestCase):
    client_a: Client
    lena: Contact
    goal: Goal
    old_goal: Goal
    other_client: Client
    stranger: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        ws = cls.workspace
        cls.client_a = Client.objects.create(workspace=ws, name="Harbor Dental")
        cls.lena = Contact.objects.create(workspace=ws, client=cls.client_a, name="Lena Ortiz")
        cls.goal = Goal.objects.create(workspace=ws, client=cls.client_a, text="More bookings")
        cls.old_goal = Goal.objects.create(
            workspace=ws, client=cls.client_a, text="Old website", status=GoalStatus.ACHIEVED
        )
        cls.other_client = Client.objects.create(workspace=ws, name="Bakery Bloom")
        cls.stranger = Contact.objects.create(workspace=ws, client=cls.other_client, name="Ann")

    def promise(self, what: str = "Send the revised quote", **fields: Any) -> Commitment:
        data: dict[str, Any] = {"what": what, "due_on": TODAY}
        data.update(fields)
        return commitment_create(membership=self.alice_m, client=self.client_a, **data)

    def member_request(self, membership: Membership) -> Any:
        request: Any = RequestFactory().get("/")
        request.user = User.objects.get(pk=membership.user_id)
        request.membership = Membership.objects.select_related("workspace").get(pk=membership.pk)
        request.htmx = False
        return request

    def render(self, membership: Membership) -> str:
        request = self.member_request(membership)
        context = promises_context(request, self.client_a)
        return render_to_string("commitments/_promises.html", context, request=request)

    def toast(self, response: Any) -> str:
        return json.loads(response["HX-Trigger"])["toast"]

    def flash(self, response: Any) -> list[str]:
        return [str(m) for m in get_messages(response.wsgi_request)]

    def client_page(self) -> str:
        return reverse("client_detail", args=[self.client_a.pk]) + "#promises"


class DueWordsTests(BaseTestCase):
    def test_it_states_the_due_date_in_words(self) -> None:
        cases = {
            -5: ("overdue 5 days", "badge-overdue"),
            -1: ("overdue 1 day", "badge-overdue"),
            0: ("due today", "badge-due"),
            1: ("due tomorrow", "badge-due"),
            6: ("due in 6 days", ""),
            30: ("due in 30 days", ""),
        }
        for offset, expected in cases.items():
            with self.subTest(offset=offset):
                self.assertEqual(due_words(TODAY + dt.timedelta(days=offset), TODAY), expected)

    def test_it_adds_the_year_only_when_it_is_not_this_year(self) -> None:
        self.assertEqual(day_label(dt.date(2025, 7, 1), TODAY), "Tue 1 Jul")
        self.assertEqual(day_label(dt.date(2026, 1, 2), TODAY), "Fri 2 Jan 2026")


class PromisesFragmentTests(PromisesTestCase):
    def test_it_lists_open_promises_by_due_date_then_recently_closed(self) -> None:
        self.promise("Later one", due_on=TODAY + dt.timedelta(days=6))
        self.promise("Overdue one", due_on=TODAY - dt.timedelta(days=5), promised_to=self.lena)
        self.promise("Today one")
        kept = self.promise("Kept one", due_on=TODAY - dt.timedelta(days=9))
        commitment_mark(membership=self.alice_m, commitment=kept, status="kept")

        html = self.render(self.alice_m)

        order = [html.index(w) for w in ("Overdue one", "Today one", "Later one", "Kept one")]
        self.assertEqual(order, sorted(order))
        self.assertIn('<span class="badge badge-overdue">Overdue 5 days</span>', html)
        self.assertIn('<span class="badge badge-due">Due today</span>', html)
        self.assertIn("Due in 6 days", html)
        self.assertIn("(3 open, 1 overdue)", html)
        self.assertIn("Recently closed", html)
        self.assertIn('<span class="badge badge-ok">Kept on 11 Jun 2025</span>', html)
        self.assertIn("To Lena Ortiz", html)
        self.assertIn("Alice Archer keeps it", html)
        self.assertIn("Mark kept", html)
        self.assertIn("Kept late", html)
        self.assertIn("Broken", html)
        self.assertIn("Renegotiate the date", html)
        self.assertIn("Reopen", html)
        self.assertIn("Add a promise", html)
        self.assertIn('id="promises"', html)

    def test_it_shows_only_the_last_ten_closed(self) -> None:
        for n in range(RECENTLY_CLOSED + 3):
            promise = self.promise(f"Closed {n:02d}")
            commitment_mark(membership=self.alice_m, commitment=promise, status="broken")

        context = promises_context(self.member_request(self.alice_m), self.client_a)

        self.assertEqual(len(context["promises_closed"]), RECENTLY_CLOSED)

    def test_it_tells_a_new_user_what_to_do(self) -> None:
        html = self.render(self.alice_m)
        self.assertIn("No open promises", html)
        self.assertIn("add it below", html)

    def test_it_shows_viewers_no_write_controls(self) -> None:
        self.promise()
        done = self.promise("Done")
        commitment_mark(membership=self.alice_m, commitment=done, status="kept")

        html = self.render(self.victor_m)

        self.assertIn("Send the revised quote", html)
        for control in ("Mark kept", "Reopen", "Renegotiate", "Add a promise", "Edit", "<form"):
            self.assertNotIn(control, html)

    def test_it_offers_this_clients_people_active_goals_and_team_members(self) -> None:
        form = promises_context(self.member_request(self.bob_m), self.client_a)["promise_form"]

        self.assertEqual(
            [label for _, label in form.fields["promised_to"].choices],
            ["No one in particular", "Lena Ortiz"],
        )
        self.assertEqual(
            [label for _, label in form.fields["goal"].choices], ["None", "More bookings"]
        )
        owners = dict(form.fields["owner"].choices)
        self.assertEqual(set(owners.values()), {"Alice Archer", "Bob Baker (you)"})
        self.assertEqual(form.initial["owner"], str(self.bob.pk))

    def test_it_counts_days_in_the_users_time_zone(self) -> None:
        self.promise(due_on=TODAY + dt.timedelta(days=1))
        User.objects.filter(pk=self.alice.pk).update(time_zone="Pacific/Kiritimati")  # UTC+14
        with time_machine.travel(dt.datetime(2025, 6, 11, 12, 0, tzinfo=dt.UTC), tick=False):
            html = self.render(self.alice_m)
        self.assertIn("Due today", html)

    def test_it_uses_a_fixed_number_of_queries(self) -> None:
        def count_for(total: int) -> int:
            Commitment.objects.all().delete()
            for n in range(total):
                promise = self.promise(
                    f"Promise {n}",
                    due_on=TODAY + dt.timedelta(days=n - 3),
                    promised_to=self.lena,
                    goal=self.goal,
                    owner=self.bob,
                )
                if n % 3 == 0:
                    commitment_mark(membership=self.alice_m, commitment=promise, status="late")
            request = self.member_request(self.alice_m)
            client = Client.objects.get(pk=self.client_a.pk)
            # Open, closed, the client's people, team members, goals.
            with self.assertNumQueries(5) as ctx:
                context = promises_context(request, client)
                render_to_string("commitments/_promises.html", context)
            return len(ctx.captured_queries)

        self.assertEqual(count_for(3), count_for(30))

    def test_it_reuses_the_client_pages_prefetches(self) -> None:
        self.promise()
        client = Client.objects.prefetch_related("contacts", "goals").get(pk=self.client_a.pk)
        request = self.member_request(self.alice_m)
        with self.assertNumQueries(3):
            context = promises_context(request, client)
            render_to_string("commitments/_promises.html", context)


class CommitmentCreateTests(PromisesTestCase):
    def setUp(self) -> None:
        self.login(self.alice)
        self.url = reverse("commitment_create", args=[self.client_a.pk])

    def data(self, **fields: Any) -> dict[str, Any]:
        data = {
            "what": "Fix the booking form",
            "due_on": "2025-06-14",
            "promised_to": str(self.lena.pk),
            "owner": str(self.bob.pk),
            "goal": str(self.goal.pk),
        }
        data.update(fields)
        return data

    def test_it_adds_in_place(self) -> None:
        response = self.client.post(self.url, self.data(), headers=HTMX)

        self.assertEqual(self.toast(response), "Promise added.")
        promise = Commitment.objects.get()
        self.assertEqual(promise.what, "Fix the booking form")
        self.assertEqual(promise.due_on, dt.date(2025, 6, 14))
        self.assertEqual(promise.promised_to, self.lena)
        self.assertEqual(promise.owner, self.bob)
        self.assertEqual(promise.goal, self.goal)
        html = response.content.decode()
        self.assertIn('<h2 id="promises-heading">', html)
        self.assertNotIn('<section id="promises"', html)
        self.assertIn("Due in 3 days", html)
        self.assertNotIn('value="Fix the booking form"', html)

    def test_it_redirects_a_plain_post(self) -> None:
        response = self.client.post(self.url, self.data(promised_to="", goal=""))

        self.assertRedirects(response, self.client_page(), fetch_redirect_response=False)
        self.assertEqual(self.flash(response), ["Promise added."])
        promise = Commitment.objects.get()
        self.assertIsNone(promise.promised_to)
        self.assertIsNone(promise.goal)

    def test_it_keeps_the_input_on_an_error(self) -> None:
        response = self.client.post(
            self.url, self.data(due_on="", what="Typed <kept>"), headers=HTMX
        )

        html = response.content.decode()
        self.assertIn("There is a problem", html)
        self.assertIn('id="promise-due_on_error"', html)
        self.assertIn('value="Typed &lt;kept&gt;"', html)
        self.assertIn('<details id="promise-add" open>', html)
        self.assertFalse(Commitment.objects.exists())

    def test_it_shows_a_page_with_errors_for_a_plain_post(self) -> None:
        response = self.client.post(self.url, self.data(what=""))

        self.assertContains(response, "<title>Add a promise · Harbor Dental · Keepwarm")
        self.assertContains(response, "This field is required.")
        self.assertContains(response, 'value="2025-06-14"')

    def test_it_refuses_someone_elses_people_and_owners(self) -> None:
        for field, value in (
            ("promised_to", self.stranger.pk),
            ("owner", self.victor.pk),
            ("owner", self.charlie.pk),
            ("goal", self.old_goal.pk),
        ):
            with self.subTest(field=field, value=value):
                response = self.client.post(
                    self.url, self.data(**{field: str(value)}), headers=HTMX
                )
                self.assertContains(response, "Select a valid choice.")
        self.assertFalse(Commitment.objects.exists())

    def test_it_refuses_a_viewer(self) -> None:
        self.login(self.victor)
        self.assertEqual(self.client.post(self.url, self.data(), headers=HTMX).status_code, 403)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertFalse(Commitment.objects.exists())


class CommitmentMarkTests(PromisesTestCase):
    def setUp(self) -> None:
        self.login(self.bob)
        self.commitment = self.promise(due_on=TODAY - dt.timedelta(days=2))
        self.url = reverse("commitment_mark", args=[self.commitment.pk])

    def test_it_marks_in_one_click_and_updates_the_ledger_in_place(self) -> None:
        for status, toast, badge in (
            ("kept", "Promise marked kept.", "Kept on 11 Jun 2025"),
            ("late", "Promise marked kept late.", "Kept late on 11 Jun 2025"),
            ("broken", "Promise marked broken.", "Broken on 11 Jun 2025"),
        ):
            with self.subTest(status=status):
                self.commitment.status = CommitmentStatus.OPEN
                self.commitment.save(update_fields=["status"])

                response = self.client.post(self.url, {"status": status}, headers=HTMX)

                self.assertEqual(self.toast(response), toast)
                self.assertContains(response, badge)
                self.commitment.refresh_from_db()
                self.assertEqual(self.commitment.status, status)

    def test_it_redirects_a_plain_post(self) -> None:
        response = self.client.post(self.url, {"status": "late"})

        self.assertRedirects(response, self.client_page(), fetch_redirect_response=False)
        self.assertEqual(self.flash(response), ["Promise marked kept late."])

    def test_it_refuses_an_unknown_status(self) -> None:
        response = self.client.post(self.url, {"status": "forgotten"}, headers=HTMX)

        self.assertEqual(self.toast(response), "Choose kept, late or broken.")
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.status, CommitmentStatus.OPEN)

    def test_it_only_accepts_posts(self) -> None:
        self.assertEqual(self.client.get(self.url).status_code, 405)

    def test_it_refuses_a_viewer(self) -> None:
        self.login(self.victor)
        self.assertEqual(
            self.client.post(self.url, {"status": "kept"}, headers=HTMX).status_code, 403
        )
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.status, CommitmentStatus.OPEN)


class CommitmentReopenTests(PromisesTestCase):
    def setUp(self) -> None:
        self.login(self.alice)
        self.commitment = self.promise()
        commitment_mark(membership=self.alice_m, commitment=self.commitment, status="broken")
        self.url = reverse("commitment_reopen", args=[self.commitment.pk])

    def test_it_reopens_in_place(self) -> None:
        response = self.client.post(self.url, headers=HTMX)

        self.assertEqual(self.toast(response), "Promise reopened.")
        self.assertContains(response, "Due today")
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.status, CommitmentStatus.OPEN)

    def test_it_redirects_a_plain_post_and_explains_a_refusal(self) -> None:
        self.client.post(self.url)
        response = self.client.post(self.url)

        self.assertRedirects(response, self.client_page(), fetch_redirect_response=False)
        self.assertEqual(
            self.flash(response),
            ["Promise reopened.", "Only a kept, late or broken promise can be reopened."],
        )

    def test_it_refuses_a_viewer(self) -> None:
        self.login(self.victor)
        self.assertEqual(self.client.post(self.url).status_code, 403)


class CommitmentRenegotiateTests(PromisesTestCase):
    def setUp(self) -> None:
        self.login(self.alice)
        self.commitment = self.promise(due_on=TODAY - dt.timedelta(days=1))
        self.url = reverse("commitment_renegotiate", args=[self.commitment.pk])

    def test_it_agrees_a_new_date_in_place(self) -> None:
        response = self.client.post(
            self.url, {"due_on": "2025-06-20", "what": "Send the final quote"}, headers=HTMX
        )

        self.assertEqual(self.toast(response), "New date agreed: due 20 Jun 2025.")
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.status, CommitmentStatus.RENEGOTIATED)
        replacement = Commitment.objects.get(status=CommitmentStatus.OPEN)
        self.assertEqual(replacement.what, "Send the final quote")
        html = response.content.decode()
        self.assertIn("moved from 10 Jun", html)
        self.assertIn("Renegotiated on 11 Jun 2025", html)

    def test_it_keeps_the_row_form_open_with_the_error(self) -> None:
        response = self.client.post(
            self.url, {"due_on": "2025-06-01", "what": "Kept"}, headers=HTMX
        )

        html = response.content.decode()
        self.assertIn("Choose a date after the current due date.", html)
        self.assertIn("<details open>", html)
        self.assertIn('value="2025-06-01"', html)
        self.assertIn('value="Kept"', html)
        self.assertEqual(Commitment.objects.count(), 1)

    def test_it_works_as_a_page_without_javascript(self) -> None:
        page = self.client.get(self.url)
        self.assertContains(page, "Agree a new date")

        error = self.client.post(self.url, {"due_on": ""})
        self.assertContains(error, "This field is required.")

        done = self.client.post(self.url, {"due_on": "2025-06-20"})
        self.assertRedirects(done, self.client_page(), fetch_redirect_response=False)
        self.assertEqual(Commitment.objects.filter(status=CommitmentStatus.OPEN).count(), 1)

    def test_it_refuses_a_viewer(self) -> None:
        self.login(self.victor)
        self.assertEqual(self.client.post(self.url, {"due_on": "2025-06-20"}).status_code, 403)
        self.assertEqual(Commitment.objects.count(), 1)


class CommitmentEditDeleteTests(PromisesTestCase):
    def setUp(self) -> None:
        self.login(self.alice)
        self.commitment = self.promise(promised_to=self.lena)

    def test_it_edits_a_promise(self) -> None:
        url = reverse("commitment_edit", args=[self.commitment.pk])
        page = self.client.get(url)
        self.assertContains(page, 'value="Send the revised quote"')
        self.assertContains(page, 'value="2025-06-11"')

        response = self.client.post(
            url,
            {"what": "Send the quote", "due_on": "2025-06-12", "owner": str(self.bob.pk)},
        )

        self.assertRedirects(response, self.client_page(), fetch_redirect_response=False)
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.what, "Send the quote")
        self.assertEqual(self.commitment.owner, self.bob)
        self.assertIsNone(self.commitment.promised_to)

    def test_it_keeps_the_input_on_an_edit_error(self) -> None:
        url = reverse("commitment_edit", args=[self.commitment.pk])
        response = self.client.post(url, {"what": "New words", "due_on": "someday"})
        self.assertContains(response, "Enter a valid date.")
        self.assertContains(response, 'value="New words"')

    def test_it_asks_before_deleting_and_says_what_will_be_lost(self) -> None:
        url = reverse("commitment_delete", args=[self.commitment.pk])
        page = self.client.get(url)
        self.assertContains(page, "Delete this promise?")
        self.assertContains(page, "Lena Ortiz")
        self.assertContains(page, "This cannot be undone.")

        response = self.client.post(url)

        self.assertRedirects(response, self.client_page(), fetch_redirect_response=False)
        self.assertFalse(Commitment.objects.exists())

    def test_it_refuses_a_viewer(self) -> None:
        self.login(self.victor)
        for name in ("commitment_edit", "commitment_delete"):
            url = reverse(name, args=[self.commitment.pk])
            self.assertEqual(self.client.get(url).status_code, 403)
            self.assertEqual(self.client.post(url).status_code, 403)
        self.assertTrue(Commitment.objects.exists())


class PromisesIsolationTests(PromisesTestCase):
    def test_it_answers_charlie_404_on_every_view(self) -> None:
        promise = self.promise()
        self.login(self.charlie)
        gets = [
            reverse("commitment_create", args=[self.client_a.pk]),
            reverse("commitment_edit", args=[promise.pk]),
            reverse("commitment_delete", args=[promise.pk]),
            reverse("commitment_renegotiate", args=[promise.pk]),
        ]
        posts = [
            *gets,
            reverse("commitment_mark", args=[promise.pk]),
            reverse("commitment_reopen", args=[promise.pk]),
        ]
        data = {"what": "x", "due_on": "2025-07-01", "status": "kept"}
        for url in gets:
            with self.subTest(get=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        for url in posts:
            with self.subTest(post=url):
                self.assertEqual(self.client.post(url, data, headers=HTMX).status_code, 404)
        self.assertEqual(
            self.client.post(reverse("commitment_mark", args=[999999]), data).status_code, 404
        )
        promise.refresh_from_db()
        self.assertEqual(promise.status, CommitmentStatus.OPEN)
        self.assertEqual(Commitment.objects.count(), 1)
