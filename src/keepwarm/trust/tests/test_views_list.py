from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from keepwarm.clients import services as clients
from keepwarm.clients.models import Client
from keepwarm.testing import BaseTestCase
from keepwarm.trust.models import TrustSnapshot
from keepwarm.trust.services import workspace_today
from keepwarm.trust.tests.test_views_panel import called


def _rows(html: str) -> list[tuple[str, str, str]]:
    """Return (name, band word, score) of each row of the clients table."""
    return re.findall(
        r'<td><a href="/clients/\d+/">([^<]+)</a>.*?<td data-label="Band">'
        r'<span class="chip[^"]*">([^<]+)</span></td>\s*'
        r'<td class="num" data-label="Score">([^<]+)</td>',
        html,
        re.S,
    )


class ClientListScoreTests(BaseTestCase):
    warm: Client
    cold: Client
    fresh: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        m = cls.alice_m
        cls.warm = clients.client_create(membership=m, name="Apple Dental")
        called(m, cls.warm)  # 57, Warming
        cls.cold = clients.client_create(membership=m, name="Birch Law")
        called(m, cls.cold, days_ago=40)  # 4, Cold
        cls.fresh = clients.client_create(membership=m, name="Cedar Cafe")  # no score yet

    def get(self, query: str = "") -> str:
        self.login(self.alice)
        response = self.client.get(f"/clients/{query}")
        self.assertEqual(response.status_code, 200)
        return response.text

    def test_it_shows_band_and_score_columns(self) -> None:
        html = self.get()
        self.assertIn('<th scope="col">Band</th>', html)
        self.assertRegex(
            html, r'<th scope="col" class="num sortable"[^>]*>\s*<a class="sort"[^>]*>Score</a>'
        )
        self.assertEqual(
            _rows(html),
            [
                ("Apple Dental", "Warming", "57"),
                ("Birch Law", "Cold", "4"),
                ("Cedar Cafe", "Not enough history", "—"),
            ],
        )

    def test_it_stores_todays_snapshots_on_the_way(self) -> None:
        self.get()
        day = workspace_today(self.workspace)
        stored = dict(TrustSnapshot.objects.filter(day=day).values_list("client__name", "band"))
        self.assertEqual(stored, {"Apple Dental": "warming", "Birch Law": "cold", "Cedar Cafe": ""})

    def test_it_sorts_by_score_both_ways_unscored_last(self) -> None:
        lowest_first = [name for name, _, _ in _rows(self.get("?sort=score"))]
        self.assertEqual(lowest_first, ["Birch Law", "Apple Dental", "Cedar Cafe"])
        highest_first = [name for name, _, _ in _rows(self.get("?sort=-score"))]
        self.assertEqual(highest_first, ["Apple Dental", "Birch Law", "Cedar Cafe"])

    def test_it_marks_the_score_sort_and_links_the_other_way(self) -> None:
        html = self.get("?sort=score")
        header = re.search(
            r'<th scope="col" class="num sortable"[^>]*>\s*'
            r'<a class="sort" href="([^"]+)"[^>]*>Score',
            html,
        )
        assert header is not None
        self.assertIn('aria-sort="ascending"', header.group(0))
        self.assertEqual(header.group(1), "?sort=-score")
        # Unsorted, the first click puts the lowest scores (who need attention) first.
        self.assertIn('href="?sort=score"', self.get())

    def test_it_filters_by_band(self) -> None:
        self.assertEqual([r[0] for r in _rows(self.get("?band=cold"))], ["Birch Law"])
        self.assertEqual([r[0] for r in _rows(self.get("?band=none"))], ["Cedar Cafe"])
        html = self.get("?band=close")
        self.assertEqual(_rows(html), [])
        self.assertIn("No clients match", html)
        self.assertIn("in the band “Close”", html)
        self.assertIn('<option value="close" selected>Close</option>', html)

    def test_it_ignores_an_unknown_band(self) -> None:
        self.assertEqual(len(_rows(self.get("?band=lukewarm"))), 3)

    def test_it_asks_the_same_number_of_queries_for_3_and_30_clients(self) -> None:
        self.login(self.alice)
        self.client.get("/clients/?sort=score&band=cold")
        with CaptureQueriesContext(connection) as small:
            self.client.get("/clients/?sort=score&band=cold")
        fresh_count = len(small.captured_queries)
        for i in range(27):
            client = clients.client_create(membership=self.alice_m, name=f"Client {i}")
            called(self.alice_m, client, days_ago=40 + i % 3)
        # Every new client is stale: the refresh scores them all in the same few queries.
        with CaptureQueriesContext(connection) as stale:
            response = self.client.get("/clients/?sort=score&band=cold")
        self.assertGreater(len(stale.captured_queries), fresh_count)
        stale_count = len(stale.captured_queries)
        self.assertEqual(len(_rows(response.text)), 25)
        with self.assertNumQueries(fresh_count):
            self.client.get("/clients/?sort=score&band=cold")
        # A change to one client makes just that one stale: the same queries again.
        called(self.alice_m, self.cold, days_ago=41)
        with self.assertNumQueries(stale_count):
            self.client.get("/clients/?sort=score&band=cold")
