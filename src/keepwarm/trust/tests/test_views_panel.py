from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from keepwarm.accounts.models import AuditEvent, Membership, Role, User
from keepwarm.clients import services as clients
from keepwarm.clients.models import Client
from keepwarm.interactions.services import interaction_log
from keepwarm.testing import PASSWORD, BaseTestCase
from keepwarm.trust.models import FeltCloseness, TrustSnapshot
from keepwarm.trust.services import felt_closeness_set, workspace_today

# A client with one outbound call today scores contact recency 100 (weight 20) and personal
# touch 0 (weight 15): 2000 / 35 = 57.1, Warming with the default thresholds.
WARMING_TOTAL = "57"


def called(membership: Membership, client: Client, *, days_ago: int = 0) -> None:
    """Log an outbound call with the client `days_ago` days ago."""
    interaction_log(
        membership=membership,
        client=client,
        channel="call",
        direction="outbound",
        subject="Catch-up call",
        occurred_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def snapshot(client: Client, days_ago: int, total: float | None, band: str = "") -> None:
    """Store a past daily score for the client."""
    TrustSnapshot.objects.create(
        workspace=client.workspace,
        client=client,
        day=workspace_today(client.workspace) - dt.timedelta(days=days_ago),
        total=total,
        band=band,
    )


def trust_panel(html: str) -> str:
    found = re.search(r'<section id="trust".*?</section>', html, re.S)
    assert found is not None, "no trust panel on the page"
    return found.group(0)


class ClientPanelTests(BaseTestCase):
    harbor: Client
    quiet: Client
    fresh: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        m = cls.alice_m
        cls.harbor = clients.client_create(membership=m, name="Harbor Dental", owner=cls.alice)
        called(m, cls.harbor)
        cls.quiet = clients.client_create(
            membership=m, name="Quiet Ltd", owner=cls.bob, check_in_every_days=14
        )
        called(m, cls.quiet, days_ago=40)
        cls.fresh = clients.client_create(membership=m, name="Fresh Start")

    def page(self, client: Client, user: User | None = None) -> str:
        self.login(user or self.alice)
        response = self.client.get(f"/clients/{client.pk}/")
        self.assertEqual(response.status_code, 200)
        return trust_panel(response.text)

    def test_it_shows_the_total_the_band_and_why(self) -> None:
        panel = self.page(self.harbor)
        self.assertIn(f'<span class="trust-total">{WARMING_TOTAL}</span>', panel)
        self.assertIn('<span class="chip chip-band-warming">Warming</span>', panel)
        self.assertIn("Why Warming?", panel)
        self.assertRegex(panel, r"<details class=\"trust-why\" open>")
        self.assertIn("Contact recency <span", panel)
        self.assertIn("100/100", panel)
        self.assertIn("Counts for 57% of the score.", panel)
        self.assertIn("Personal touch and value-add", panel)
        self.assertIn("0/100", panel)
        self.assertIn("Counts for 43% of the score.", panel)
        self.assertIn("We last got in touch today", panel)
        self.assertIn("What would raise it:", panel)
        self.assertIn(f'href="/clients/{self.harbor.pk}/#timeline"', panel)
        self.assertIn("Timeline of Harbor Dental", panel)
        # Parts without data are not shown at all.
        self.assertNotIn("Responsiveness", panel)
        self.assertNotIn("Promise reliability", panel)

    def test_it_says_when_there_is_not_enough_history(self) -> None:
        panel = self.page(self.fresh)
        self.assertIn("Not enough history yet", panel)
        self.assertIn("Log a conversation or add a promise to begin.", panel)
        self.assertNotIn("trust-total", panel)
        self.assertNotIn("<svg", panel)
        self.assertNotIn("trust-why", panel)

    def test_it_draws_the_trend_from_stored_scores(self) -> None:
        snapshot(self.harbor, 150, 42.0, "warming")
        snapshot(self.harbor, 30, None)
        snapshot(self.harbor, 200, 99.0, "close")  # older than 180 days: left out
        panel = self.page(self.harbor)
        svg = re.search(r'<svg class="sparkline".*?</svg>', panel, re.S)
        assert svg is not None
        title = f"Score 42 → {WARMING_TOTAL} over the last 180 days"
        self.assertIn(f'aria-label="{title}"', svg.group(0))
        self.assertIn(f"<title>{title}</title>", svg.group(0))
        self.assertIn('role="img"', svg.group(0))
        points = re.search(r'<polyline points="([^"]+)"', svg.group(0))
        assert points is not None
        self.assertEqual(len(points.group(1).split()), 2)
        self.assertNotIn("<script", panel)

    def test_it_explains_a_missing_trend(self) -> None:
        panel = self.page(self.harbor)
        self.assertNotIn("<svg", panel)
        self.assertIn(
            "The trend line appears once Keepwarm has stored a second day's score.", panel
        )

    def test_it_lets_owners_and_the_clients_owner_say_how_close_it_feels(self) -> None:
        form = 'action="/clients/{}/closeness/"'
        self.assertIn(form.format(self.harbor.pk), self.page(self.harbor, self.alice))
        # bob is a member: he may record it for his own client only.
        self.assertIn(form.format(self.quiet.pk), self.page(self.quiet, self.bob))
        bobs_view = self.page(self.harbor, self.bob)
        self.assertNotIn(form.format(self.harbor.pk), bobs_view)
        self.assertIn(
            "Nobody has recorded it yet. Alice Archer, an owner or a manager can.", bobs_view
        )
        victors_view = self.page(self.quiet, self.victor)
        self.assertNotIn("closeness/", victors_view)

    def test_it_shows_the_felt_band_read_only(self) -> None:
        felt_closeness_set(
            membership=self.alice_m, client=self.harbor, band="warm", note="Lena is lovely"
        )
        panel = self.page(self.harbor, self.victor)
        self.assertIn('<span class="chip chip-band-warm">Warm</span>', panel)
        self.assertIn("recorded by Alice Archer", panel)
        self.assertIn("“Lena is lovely”", panel)

    def test_it_offers_the_five_words_with_the_current_one_chosen(self) -> None:
        felt_closeness_set(membership=self.alice_m, client=self.harbor, band="warm")
        panel = self.page(self.harbor)
        for word in ("Cold", "Cool", "Warming", "Warm", "Close"):
            self.assertRegex(panel, rf'<label class="chip chip-band-{word.lower()}"[^>]*><input')
        self.assertRegex(panel, r'<input type="radio" name="felt-band" value="warm"[^>]*checked')
        self.assertIn("Clear it", panel)

    def test_it_flags_felt_and_computed_two_bands_apart(self) -> None:
        felt_closeness_set(membership=self.alice_m, client=self.harbor, band="close")
        panel = self.page(self.harbor)
        self.assertIn(
            "You feel this is Close; the record says Warming — worth a conversation?", panel
        )

    def test_it_does_not_flag_one_band_apart(self) -> None:
        felt_closeness_set(membership=self.alice_m, client=self.harbor, band="warm")
        self.assertNotIn("worth a conversation", self.page(self.harbor))
        felt_closeness_set(membership=self.alice_m, client=self.fresh, band="cold")
        self.assertNotIn("worth a conversation", self.page(self.fresh))

    def test_it_flags_a_cold_record_that_feels_warm(self) -> None:
        felt_closeness_set(membership=self.bob_m, client=self.quiet, band="warm")
        panel = self.page(self.quiet)
        self.assertIn('<span class="chip chip-band-cold">Cold</span>', panel)
        self.assertIn("You feel this is Warm; the record says Cold — worth a conversation?", panel)

    def test_it_keeps_the_query_count_whatever_the_history(self) -> None:
        self.login(self.alice)
        url = f"/clients/{self.harbor.pk}/"
        self.client.get(url)
        with CaptureQueriesContext(connection) as small:
            self.client.get(url)
        count = len(small.captured_queries)
        for day in range(1, 170):
            snapshot(self.harbor, day, 50.0 + day % 7, "warming")
        felt_closeness_set(membership=self.alice_m, client=self.harbor, band="close")
        for days_ago in range(1, 6):
            called(self.alice_m, self.harbor, days_ago=days_ago)
        self.client.get(url)
        with self.assertNumQueries(count):
            response = self.client.get(url)
        self.assertIn("worth a conversation", response.text)


class FeltClosenessTests(BaseTestCase):
    harbor: Client
    bobs: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.harbor = clients.client_create(
            membership=cls.alice_m, name="Harbor Dental", owner=cls.alice
        )
        called(cls.alice_m, cls.harbor)
        cls.bobs = clients.client_create(membership=cls.alice_m, name="Bob's Bakery", owner=cls.bob)

    def post(self, client: Client, data: dict[str, str], **headers: str) -> Any:
        return self.client.post(f"/clients/{client.pk}/closeness/", data, headers=headers)

    def test_it_records_how_close_it_feels_and_goes_back(self) -> None:
        self.login(self.alice)
        response = self.post(self.harbor, {"felt-band": "close", "felt-note": " Old friends "})
        self.assertRedirects(
            response, f"/clients/{self.harbor.pk}/#trust", fetch_redirect_response=False
        )
        felt = FeltCloseness.objects.get(client=self.harbor)
        self.assertEqual(
            (felt.band, felt.note, felt.recorded_by), ("close", "Old friends", self.alice)
        )
        self.assertTrue(AuditEvent.objects.filter(action="felt_closeness.set").exists())
        page = self.client.get(f"/clients/{self.harbor.pk}/").text
        self.assertIn("Saved how it feels.", page)
        self.assertIn("worth a conversation?", page)

    def test_it_swaps_the_panel_in_place_for_htmx(self) -> None:
        self.login(self.alice)
        response = self.post(self.harbor, {"felt-band": "close"}, HX_Request="true")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertTrue(html.lstrip().startswith('<section id="trust"'), html[:200])
        self.assertNotIn("<html", html)
        self.assertIn("Saved how it feels.", response["HX-Trigger"])
        self.assertIn("You feel this is Close; the record says Warming", html)

    def test_it_clears_it(self) -> None:
        felt_closeness_set(membership=self.alice_m, client=self.harbor, band="warm")
        self.login(self.alice)
        response = self.post(self.harbor, {"felt-band": "warm", "clear": "1"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(FeltCloseness.objects.filter(client=self.harbor).exists())

    def test_it_asks_for_a_word_and_keeps_the_note(self) -> None:
        self.login(self.alice)
        response = self.post(self.harbor, {"felt-note": "Hard to say"})
        self.assertEqual(response.status_code, 400)
        html = response.content.decode()
        self.assertIn("There is a problem", html)
        self.assertIn("Choose the word that fits how close it feels.", html)
        self.assertIn('value="Hard to say"', html)
        self.assertFalse(FeltCloseness.objects.exists())

    def test_it_shows_the_error_in_the_panel_for_htmx(self) -> None:
        self.login(self.alice)
        response = self.post(self.harbor, {"felt-band": "lukewarm"}, HX_Request="true")
        html = response.content.decode()
        self.assertTrue(html.lstrip().startswith('<section id="trust"'))
        self.assertIn("Select a valid choice.", html)
        self.assertNotIn("HX-Trigger", response)

    def test_it_lets_a_member_record_it_for_their_own_client_only(self) -> None:
        self.login(self.bob)
        self.assertEqual(self.post(self.bobs, {"felt-band": "warm"}).status_code, 302)
        self.assertEqual(self.post(self.harbor, {"felt-band": "warm"}).status_code, 403)
        self.assertEqual(FeltCloseness.objects.get().client, self.bobs)

    def test_it_lets_a_manager_record_it_for_any_client(self) -> None:
        manager = User.objects.create_user("mia@example.org", PASSWORD, name="Mia Manager")
        Membership.objects.create(user=manager, workspace=self.workspace, role=Role.MANAGER)
        self.login(manager)
        self.assertEqual(self.post(self.harbor, {"felt-band": "cool"}).status_code, 302)

    def test_it_refuses_viewers_and_hides_other_workspaces(self) -> None:
        self.login(self.victor)
        self.assertEqual(self.post(self.bobs, {"felt-band": "warm"}).status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.post(self.harbor, {"felt-band": "warm"}).status_code, 404)
        self.assertFalse(FeltCloseness.objects.exists())

    def test_it_only_takes_posts(self) -> None:
        self.login(self.alice)
        response = self.client.get(f"/clients/{self.harbor.pk}/closeness/")
        self.assertEqual(response.status_code, 405)
