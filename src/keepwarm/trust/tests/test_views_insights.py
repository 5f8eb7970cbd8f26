from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from keepwarm.accounts.models import Membership, User
from keepwarm.clients import services as clients
from keepwarm.clients.models import Client
from keepwarm.commitments.services import commitment_create, commitment_mark, commitment_renegotiate
from keepwarm.interactions.services import interaction_log, interaction_mark_replied
from keepwarm.testing import BaseTestCase
from keepwarm.trust.selectors import month_starts
from keepwarm.trust.services import felt_closeness_set, workspace_today
from keepwarm.trust.tests.test_views_panel import called, snapshot


def answered(membership: Membership, client: Client, *, hours: float, days_ago: int = 5) -> None:
    """Log a client's message that needed a reply, and our reply `hours` later."""
    received = timezone.now() - dt.timedelta(days=days_ago)
    message = interaction_log(
        membership=membership,
        client=client,
        channel="email",
        direction="inbound",
        subject="Question",
        needs_reply=True,
        occurred_at=received,
    )
    reply = interaction_log(
        membership=membership,
        client=client,
        channel="email",
        direction="outbound",
        subject="Re: Question",
        occurred_at=received + dt.timedelta(hours=hours),
    )
    interaction_mark_replied(membership=membership, interaction=message, reply=reply)


def promised(
    membership: Membership, client: Client, status: str, *, owner: User, days_ago: int = 10
) -> None:
    """Add a promise due `days_ago` days ago, closed as `status` ("open" leaves it open)."""
    due = workspace_today(client.workspace) - dt.timedelta(days=days_ago)
    promise = commitment_create(
        membership=membership, client=client, what=f"Promise {status}", due_on=due, owner=owner
    )
    if status != "open":
        commitment_mark(membership=membership, commitment=promise, status=status)


def section(html: str, heading_id: str) -> str:
    found = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert found is not None, heading_id
    return found.group(0)


def table_rows(html: str) -> list[list[str]]:
    """Return each body row's cells as plain text."""
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells])
    return rows


class InsightsEmptyTests(BaseTestCase):
    def test_it_explains_what_will_appear_in_a_new_workspace(self) -> None:
        self.login(self.charlie)
        response = self.client.get("/insights/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Insights appear once you have clients")
        self.assertContains(response, 'href="/clients/new/"')
        self.assertNotContains(response, "<svg role=")
        self.assertContains(response, '<a href="/insights/" aria-current="page">Insights</a>')

    def test_it_explains_each_empty_section_before_there_is_history(self) -> None:
        clients.client_create(membership=self.alice_m, name="Fresh Start")
        self.login(self.alice)
        html = self.client.get("/insights/").text
        self.assertIn("No client has a band yet", html)
        self.assertIn("1 client has too little so far", html)
        self.assertIn("No client's score fell in the last 30 days", html)
        self.assertIn("No promises fell due in the last 180 days", html)
        self.assertIn("No replies recorded in the last 90 days", html)
        self.assertIn("Nobody has recorded how close a relationship feels yet", html)
        self.assertNotIn("<svg role=", html)

    def test_it_needs_a_member(self) -> None:
        response = self.client.get("/insights/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/login/", response["Location"])


class InsightsTests(BaseTestCase):
    warm: Client
    cold: Client
    fresh: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        m = cls.alice_m
        cls.warm = clients.client_create(membership=m, name="Apple Dental", owner=cls.alice)
        called(m, cls.warm)  # 57: Warming
        cls.cold = clients.client_create(membership=m, name="Birch Law", owner=cls.bob)
        called(m, cls.cold, days_ago=40)  # 4: Cold
        cls.fresh = clients.client_create(membership=m, name="Cedar Cafe")

    def get(self, user: User | None = None) -> str:
        self.login(user or self.alice)
        response = self.client.get("/insights/")
        self.assertEqual(response.status_code, 200)
        return response.text

    def test_it_counts_the_clients_in_each_band_today(self) -> None:
        html = section(self.get(), "bands-heading")
        rows = table_rows(html.split("Clients in each band today</caption>")[1])
        self.assertIn(["Cold", "1"], rows)
        self.assertIn(["Warming", "1"], rows)
        self.assertIn(["Close", "0"], rows)
        self.assertIn(["Not enough history yet", "1"], rows)
        self.assertIn(["All clients", "3"], rows)
        chart = re.search(r'<figure class="chart"><svg role="img".*?</svg></figure>', html, re.S)
        assert chart is not None
        self.assertIn("Clients in each band today", chart.group(0))
        self.assertNotIn("<script", html)
        self.assertIsNone(re.search(r"""src=["']https?://""", html))

    def test_it_stacks_the_last_six_months_from_month_end_snapshots(self) -> None:
        today = workspace_today(self.workspace)
        this_month = month_starts(today)[-1]
        # Scores were last stored two days before the end of last month: that day counts,
        # an earlier day that month does not.
        last_stored = (today - this_month).days + 3
        snapshot(self.warm, last_stored, 85.0, "close")
        snapshot(self.cold, last_stored, 25.0, "cool")
        snapshot(self.warm, last_stored + 5, 30.0, "cool")
        snapshot(self.cold, last_stored + 5, 30.0, "cool")
        # Three months ago: one stored day.
        snapshot(self.cold, last_stored + 70, 45.0, "warming")
        html = section(self.get(), "bands-heading")
        self.assertIn("Clients in each band, month by month", html)
        numbers = html.split("that scores were stored</caption>")[1]
        rows = table_rows(numbers)
        self.assertEqual(
            rows[0], ["Month", "Cold", "Cool", "Warming", "Warm", "Close", "Not enough history"]
        )
        self.assertEqual(len(rows), 7)
        previous = rows[-2]
        self.assertEqual(previous[1:], ["0", "1", "0", "0", "1", "0"])
        current = rows[-1]
        self.assertEqual(current[1:], ["1", "0", "1", "0", "0", "1"])
        counted = sum(1 for row in rows[1:] if row[1:] != ["0"] * 6)
        self.assertEqual(counted, 3)

    def test_it_waits_for_a_second_month_before_the_stacked_chart(self) -> None:
        html = section(self.get(), "bands-heading")
        self.assertIn("The last six months need more than one month of scores", html)
        self.assertIn("so far there is only this month", html)
        self.assertNotIn("month by month", html)

    def test_it_lists_the_steepest_falls_in_30_days(self) -> None:
        snapshot(self.warm, 30, 80.0, "close")
        snapshot(self.warm, 10, 70.0, "warm")
        snapshot(self.cold, 20, 10.0, "cold")
        snapshot(self.cold, 45, 95.0, "close")  # before the window
        snapshot(self.fresh, 30, 50.0, "warming")  # no score today: left out
        html = section(self.get(), "falls-heading")
        rows = table_rows(html)[1:]
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[0][0], "Apple Dental")
        self.assertIn("80 Close", rows[0][1])
        self.assertIn("57 Warming", rows[0][1])
        self.assertEqual(rows[0][2], "\N{MINUS SIGN}23 points")
        self.assertEqual(rows[1][0], "Birch Law")
        self.assertEqual(rows[1][2], "\N{MINUS SIGN}6 points")

    def test_it_tallies_promises_per_client_and_per_teammate(self) -> None:
        m = self.alice_m
        promised(m, self.warm, "kept", owner=self.alice)
        promised(m, self.warm, "late", owner=self.alice)
        promised(m, self.warm, "broken", owner=self.bob)
        promised(m, self.cold, "open", owner=self.bob)  # overdue
        promised(m, self.cold, "open", owner=self.bob, days_ago=-3)  # not due yet
        promised(m, self.cold, "kept", owner=self.bob, days_ago=200)  # before the window
        old = commitment_create(
            membership=m,
            client=self.cold,
            what="Moved",
            owner=self.bob,
            due_on=workspace_today(self.workspace) - dt.timedelta(days=2),
        )
        commitment_renegotiate(
            membership=m,
            commitment=old,
            due_on=workspace_today(self.workspace) + dt.timedelta(days=9),
        )
        html = section(self.get(), "promises-heading")
        by_client, by_member = html.split("By teammate")
        rows = table_rows(by_client)[1:]
        # Least reliable first; "in the score" is the smoothed component of today's snapshot.
        self.assertEqual(rows[0], ["Birch Law", "0", "0", "0", "1", "0%", "50"])
        self.assertEqual(rows[1], ["Apple Dental", "1", "1", "1", "0", "50%", "60"])
        rows = table_rows(by_member)[1:]
        self.assertEqual(rows[0], ["Bob Baker", "0", "0", "1", "1", "0%"])
        self.assertEqual(rows[1], ["Alice Archer", "1", "1", "0", "0", "75%"])

    def test_it_shows_the_reply_time_distribution_and_each_clients_p75(self) -> None:
        m = self.alice_m
        answered(m, self.warm, hours=0.5)
        answered(m, self.warm, hours=2)
        answered(m, self.warm, hours=30)
        answered(m, self.warm, hours=100)
        answered(m, self.cold, hours=3)
        answered(m, self.cold, hours=3, days_ago=120)  # before the window
        html = section(self.get(), "replies-heading")
        self.assertIn("First replies, last 90 days", html)
        self.assertIn("<svg role=", html)
        rows = table_rows(html)
        self.assertIn(["Under 1 hour", "1"], rows)
        self.assertIn(["1 to 4 hours", "2"], rows)
        self.assertIn(["4 to 24 hours", "0"], rows)
        self.assertIn(["1 to 3 days", "1"], rows)
        self.assertIn(["Over 3 days", "1"], rows)
        self.assertIn(["All answered", "5"], rows)
        # Apple Dental: 3 of 4 replies within 30 hours against a 24-hour target.
        self.assertIn(["Apple Dental", "4", "30 hours", "24 hours", "1.2 times the target"], rows)
        self.assertIn(["Birch Law", "1", "3 hours", "24 hours", "On target"], rows)

    def test_it_lists_felt_and_computed_two_bands_apart(self) -> None:
        felt_closeness_set(membership=self.alice_m, client=self.cold, band="warming")
        felt_closeness_set(membership=self.alice_m, client=self.warm, band="warm")
        felt_closeness_set(membership=self.alice_m, client=self.fresh, band="close")
        html = section(self.get(), "felt-heading")
        rows = table_rows(html)[1:]
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][:3], ["Birch Law", "Warming", "Cold"])
        self.assertIn("Alice Archer", rows[0][3])

    def test_it_says_when_felt_and_computed_agree(self) -> None:
        felt_closeness_set(membership=self.alice_m, client=self.warm, band="warm")
        html = section(self.get(), "felt-heading")
        self.assertIn("No disagreements: on all 1 client where someone recorded", html)

    def test_it_shows_viewers_the_same_and_charlie_nothing_of_alice(self) -> None:
        felt_closeness_set(membership=self.alice_m, client=self.cold, band="close")
        self.assertIn("Birch Law", self.get(self.victor))
        self.assertNotIn("Change how scores are weighed", self.get(self.victor))
        self.assertIn("Change how scores are weighed", self.get(self.alice))
        charlies = self.get(self.charlie)
        self.assertNotIn("Birch Law", charlies)
        self.assertIn("Insights appear once you have clients", charlies)

    def _fill(self, n: int) -> None:
        m = self.alice_m
        for i in range(n):
            client = clients.client_create(membership=m, name=f"Client {i:03}", owner=self.bob)
            called(m, client, days_ago=i % 30)
            answered(m, client, hours=1 + i % 50)
            promised(m, client, "kept" if i % 2 else "broken", owner=self.alice)
            snapshot(client, 30, 90.0, "close")
            snapshot(client, 60, 70.0, "warm")
            felt_closeness_set(membership=m, client=client, band="close")

    def test_it_asks_the_same_number_of_queries_for_few_and_many_clients(self) -> None:
        self._fill(2)
        self.login(self.alice)
        self.client.get("/insights/")
        with CaptureQueriesContext(connection) as small:
            self.client.get("/insights/")
        count = len(small.captured_queries)
        self._fill(25)
        self.client.get("/insights/")
        with self.assertNumQueries(count):
            response = self.client.get("/insights/")
        self.assertIn("Client 024", response.text)
