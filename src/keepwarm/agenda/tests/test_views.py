from __future__ import annotations

import datetime as dt
import json

import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keepwarm.agenda.models import AgendaAction
from keepwarm.agenda.tests.helpers import NOW, TODAY, AgendaTestCase, days_ago
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.trust.jobs import store_snapshots
from keepwarm.trust.models import TrustSnapshot

HTMX = {"HX-Request": "true"}


def toast(response: object) -> str:
    return str(json.loads(response["HX-Trigger"])["toast"])  # type: ignore[index]


@time_machine.travel(NOW, tick=False)
class TodayPageTests(AgendaTestCase):
    def test_it_needs_a_signed_in_member(self) -> None:
        response = self.client.get("/today/")
        self.assertRedirects(response, "/login/?next=/today/", fetch_redirect_response=False)

    def test_home_is_today_for_members(self) -> None:
        self.login(self.alice)
        self.assertRedirects(self.client.get("/"), "/today/")

    def test_it_reads_as_sentences_with_why_and_actions(self) -> None:
        client = self.make_client()
        lena = self.make_contact(client)
        self.band(client, TODAY, "cool")
        self.log(client, at=days_ago(3))
        self.log(
            client,
            at=days_ago(2),
            direction="inbound",
            subject="Invoice",
            needs_reply=True,
            contacts=(lena,),
        )
        promise = self.promise(client, due_on=TODAY - dt.timedelta(days=1))
        self.login(self.alice)
        response = self.client.get("/today/")
        self.assertContains(response, "<title>Today · Keepwarm</title>", html=False)
        self.assertContains(response, 'aria-current="page">Today</a>')
        self.assertContains(
            response,
            "Reply to Lena Ortiz (Harbor Dental) about “Invoice” — waiting 2 days, target 1 day",
        )
        self.assertContains(response, "Keep the promise to Harbor Dental: “Send the revised quote”")
        self.assertContains(response, '<span class="chip chip-band-cool">Cool</span>')
        # The order explained: in the title on hover, and in words (shown on phones).
        self.assertContains(response, 'title="Overdue 1 day; Harbor Dental is Cool; last contact')
        self.assertContains(
            response, "Overdue 1 day; Harbor Dental is Cool; last contact 3 days ago."
        )
        self.assertContains(response, "2 things need you")
        self.assertContains(
            response, reverse("agenda_promise_mark", args=[f"promise:{promise.pk}"])
        )
        self.assertContains(response, "Mark kept")
        self.assertContains(response, "Snooze")
        self.assertContains(response, "Dismiss")
        self.assertContains(response, f'href="/clients/{client.pk}/#promise-{promise.pk}"')

    def test_a_workspace_without_clients_starts_with_one(self) -> None:
        self.login(self.alice)
        response = self.client.get("/today/")
        self.assertContains(response, "Add your first client")
        self.assertNotContains(response, "agenda-filters")

    def test_an_empty_agenda_says_what_to_do_next(self) -> None:
        self.make_client()
        self.login(self.alice)
        response = self.client.get("/today/")
        self.assertContains(response, "Nothing needs you today")
        self.assertContains(response, "share something useful")
        self.assertContains(response, "See the whole team's agenda")

    def test_it_filters_mine_team_kind_and_client(self) -> None:
        mine, bobs = self.make_client("Mine"), self.make_client("Bob's", owner=self.bob)
        for client in (mine, bobs):
            self.promise(client, due_on=TODAY, what=f"Promise to {client.name}")
            self.log(client, at=days_ago(2), direction="inbound", needs_reply=True)
        self.login(self.alice)
        page = self.client.get("/today/")
        self.assertContains(page, "Promise to Mine")
        self.assertNotContains(page, "Promise to Bob")
        team = self.client.get("/today/?who=team")
        self.assertContains(team, "Promise to Bob")
        self.assertContains(team, "4 things need the team")
        kind = self.client.get("/today/?who=team&kind=promise")
        self.assertNotContains(kind, "Reply to")
        self.assertContains(kind, "Showing 2 of 4 things")
        self.assertContains(kind, '<option value="promise" selected>Promises (2)</option>')
        one = self.client.get(f"/today/?who=team&client={bobs.pk}")
        self.assertContains(one, "Promise to Bob")
        self.assertNotContains(one, "Promise to Mine")
        none = self.client.get("/today/?kind=check_in")
        self.assertContains(none, "Nothing of this kind right now")
        # Unknown values are ignored, never an error.
        self.assertEqual(self.client.get("/today/?kind=x&client=abc&who=y").status_code, 200)

    def test_htmx_gets_only_the_list(self) -> None:
        self.promise(self.make_client(), due_on=TODAY)
        self.login(self.alice)
        response = self.client.get("/today/", headers=HTMX)
        self.assertNotContains(response, "<html")
        self.assertContains(response, "agenda-list")

    def test_a_viewer_sees_the_agenda_without_actions(self) -> None:
        self.promise(self.make_client(owner=None), due_on=TODAY)
        self.login(self.victor)
        response = self.client.get("/today/")
        self.assertContains(response, "Keep the promise to Harbor Dental")
        self.assertNotContains(response, "Mark kept")
        self.assertNotContains(response, "Dismiss")

    def test_it_only_reads_bands_the_hourly_job_stored(self) -> None:
        client = self.make_client(created_at=days_ago(60))
        self.log(client, at=days_ago(3))
        self.promise(client, due_on=TODAY)
        self.login(self.alice)
        self.assertEqual(self.client.get("/today/").status_code, 200)
        self.assertFalse(TrustSnapshot.objects.exists())  # a GET writes nothing
        store_snapshots(now=NOW)
        band = TrustSnapshot.objects.get(client=client, day=TODAY).band
        self.assertTrue(band)
        response = self.client.get("/today/")
        self.assertContains(response, f'<span class="chip chip-band-{band}">')

    def test_the_page_takes_the_same_queries_whatever_the_number_of_clients(self) -> None:
        self.login(self.alice)
        counts = []
        for batch in (3, 12):
            for index in range(batch):
                client = self.make_client(f"Client {batch}-{index}")
                self.promise(client, due_on=TODAY)
                self.log(client, at=days_ago(2), direction="inbound", needs_reply=True)
            self.client.get("/today/")  # warm up: the first visit may do once-only work
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get("/today/").status_code, 200)
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])


@time_machine.travel(NOW, tick=False)
class TodayActionTests(AgendaTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.harbor = self.make_client(check_in_every_days=7, created_at=days_ago(60))
        self.log(self.harbor, at=days_ago(10))
        self.kept = self.promise(self.harbor, due_on=TODAY, what="Send the quote")
        self.login(self.alice)

    def test_mark_a_promise_kept_with_htmx(self) -> None:
        url = reverse("agenda_promise_mark", args=[f"promise:{self.kept.pk}"])
        response = self.client.post(url, {"status": "kept", "who": "mine"}, headers=HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(toast(response), "Promise marked kept.")
        self.assertNotContains(response, "Send the quote")
        self.assertContains(response, "Check in with Harbor Dental")
        self.kept.refresh_from_db()
        self.assertEqual(self.kept.status, CommitmentStatus.KEPT)

    def test_mark_a_promise_broken_without_javascript(self) -> None:
        url = reverse("agenda_promise_mark", args=[f"promise:{self.kept.pk}"])
        response = self.client.post(url, {"status": "broken", "who": "team", "kind": "promise"})
        self.assertRedirects(
            response, "/today/?who=team&kind=promise", fetch_redirect_response=False
        )
        self.assertEqual(
            [str(m) for m in get_messages(response.wsgi_request)], ["Promise marked broken."]
        )
        self.kept.refresh_from_db()
        self.assertEqual(self.kept.status, CommitmentStatus.BROKEN)

    def test_a_bad_mark_is_refused_in_words(self) -> None:
        url = reverse("agenda_promise_mark", args=[f"promise:{self.kept.pk}"])
        response = self.client.post(url, {"status": "maybe"}, headers=HTMX)
        self.assertEqual(toast(response), "Choose kept, late or broken.")
        self.assertContains(response, "Send the quote")

    def test_renegotiate_a_promise(self) -> None:
        url = reverse("agenda_promise_renegotiate", args=[f"promise:{self.kept.pk}"])
        response = self.client.post(url, {"due_on": "2026-03-20"}, headers=HTMX)
        self.assertEqual(toast(response), "New date agreed: due Fri 20 Mar.")
        self.assertNotContains(response, "Send the quote")
        replacement = Commitment.objects.get(renegotiated_from=self.kept)
        self.assertEqual(replacement.due_on, dt.date(2026, 3, 20))
        refused = self.client.post(
            reverse("agenda_promise_renegotiate", args=[f"promise:{replacement.pk}"]),
            {"due_on": ""},
            headers=HTMX,
        )
        self.assertEqual(toast(refused), "Choose the new date you agreed with them.")

    def test_snooze_a_check_in_until_a_quick_choice(self) -> None:
        key = f"check_in:{self.harbor.pk}"
        response = self.client.post(
            reverse("agenda_item_snooze", args=[key]), {"until": "2026-03-12"}, headers=HTMX
        )
        self.assertEqual(toast(response), "Snoozed until Thu 12 Mar.")
        self.assertNotContains(response, "Check in with Harbor Dental")
        self.assertContains(response, "Send the quote")
        self.assertEqual(AgendaAction.objects.get().snooze_until, dt.date(2026, 3, 12))

    def test_snooze_needs_a_day_after_today(self) -> None:
        key = f"check_in:{self.harbor.pk}"
        for until in ("", "2026-03-11", "soon"):
            response = self.client.post(reverse("agenda_item_snooze", args=[key]), {"until": until})
            self.assertRedirects(response, "/today/", fetch_redirect_response=False)
        self.assertFalse(AgendaAction.objects.exists())

    def test_done_on_a_check_in_says_to_log_it(self) -> None:
        key = f"check_in:{self.harbor.pk}"
        response = self.client.post(reverse("agenda_item_done", args=[key]), headers=HTMX)
        self.assertIn("Check-in marked done", toast(response))
        self.assertNotContains(response, "Check in with Harbor Dental")

    def test_dismiss_needs_a_reason(self) -> None:
        key = f"check_in:{self.harbor.pk}"
        url = reverse("agenda_item_dismiss", args=[key])
        refused = self.client.post(url, {"reason": ""}, headers=HTMX)
        self.assertEqual(toast(refused), "Say why this does not need doing, in a few words.")
        self.assertContains(refused, "Check in with Harbor Dental")
        response = self.client.post(url, {"reason": "They are closed for March"}, headers=HTMX)
        self.assertEqual(toast(response), "Dismissed. It comes back only if something changes.")
        self.assertNotContains(response, "Check in with Harbor Dental")
        self.assertEqual(AgendaAction.objects.get().reason, "They are closed for March")

    def test_an_item_already_done_answers_in_words(self) -> None:
        key = f"promise:{self.kept.pk}"
        self.client.post(reverse("agenda_item_done", args=[key]), headers=HTMX)
        again = self.client.post(reverse("agenda_item_done", args=[key]), headers=HTMX)
        self.assertIn("not on the agenda now", toast(again))

    def test_writes_need_a_post_and_a_writer_and_a_key_from_here(self) -> None:
        key = f"promise:{self.kept.pk}"
        for name in ("agenda_item_done", "agenda_item_snooze", "agenda_item_dismiss"):
            self.assertEqual(self.client.get(reverse(name, args=[key])).status_code, 405)
        self.login(self.victor)
        for name in ("agenda_item_done", "agenda_promise_mark", "agenda_item_dismiss"):
            self.assertEqual(self.client.post(reverse(name, args=[key])).status_code, 403)
        self.login(self.charlie)
        for name in ("agenda_item_done", "agenda_promise_mark", "agenda_promise_renegotiate"):
            self.assertEqual(self.client.post(reverse(name, args=[key])).status_code, 404)
        self.kept.refresh_from_db()
        self.assertEqual(self.kept.status, CommitmentStatus.OPEN)
