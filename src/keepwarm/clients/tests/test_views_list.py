"""The clients list: search, filters, sort, pages, empty states and query counts."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from keepwarm.clients import services
from keepwarm.clients.models import Client, Contact
from keepwarm.interactions.services import interaction_log
from keepwarm.testing import BaseTestCase


def _names(html: str) -> list[str]:
    return re.findall(r'<td><a href="/clients/\d+/">([^<]+)</a>', html)


class ClientListTests(BaseTestCase):
    harbor: Client
    lena: Contact
    bakery: Client
    law: Client
    secret: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        m = cls.alice_m
        now = timezone.now()
        cls.harbor = services.client_create(
            membership=m, name="Harbor Dental", industry="Dental practice", owner=cls.alice
        )
        cls.lena = services.contact_create(
            membership=m, client=cls.harbor, name="Lena Ortiz", email="lena@harbor.example"
        )
        services.contact_create(membership=m, client=cls.harbor, name="Sam Lee")
        interaction_log(
            membership=m,
            client=cls.harbor,
            channel="call",
            direction="outbound",
            occurred_at=now - dt.timedelta(days=12),
        )
        # An internal note is not talking to the client: it must not reset the clock.
        interaction_log(
            membership=m, client=cls.harbor, channel="call", direction="internal", occurred_at=now
        )
        cls.bakery = services.client_create(
            membership=m, name="Bakery Bloom", status="prospect", owner=cls.bob
        )
        interaction_log(
            membership=m, client=cls.bakery, channel="email", direction="inbound", occurred_at=now
        )
        cls.law = services.client_create(
            membership=m, name="City Law", status="paused", industry="Law"
        )
        cls.secret = services.client_create(membership=cls.charlie_m, name="Secret Harbor Co")

    def get(self, query: str = "", **headers: str):  # type: ignore[no-untyped-def]
        self.login(self.alice)
        return self.client.get(f"/clients/{query}", headers=headers)

    def test_it_lists_only_this_workspaces_clients_by_name(self) -> None:
        response = self.get()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(_names(response.text), ["Bakery Bloom", "City Law", "Harbor Dental"])
        self.assertNotContains(response, "Secret Harbor Co")
        self.assertEqual(response.context["nav"], "clients")
        self.assertContains(response, "<title>Clients · Keepwarm</title>", html=False)

    def test_it_shows_the_row_count_status_chips_and_columns(self) -> None:
        response = self.get()
        self.assertContains(response, '<p class="table-count">3 clients</p>', html=True)
        self.assertContains(response, '<span class="chip chip-status-prospect">Prospect</span>')
        self.assertContains(response, '<span class="chip chip-status-paused">Paused</span>')
        self.assertContains(response, "Dental practice")
        self.assertContains(response, "Alice Archer")
        self.assertContains(response, "Bob Baker")

    def test_it_shows_days_since_we_last_spoke(self) -> None:
        html = self.get().text
        rows = {
            name: re.search(rf">{name}</a>.*?</tr>", html, re.S).group(0)  # type: ignore[union-attr]
            for name in ("Harbor Dental", "Bakery Bloom", "City Law")
        }
        self.assertIn(">12 days</span>", rows["Harbor Dental"])
        self.assertIn(">today</span>", rows["Bakery Bloom"])
        self.assertIn(">never</td>", rows["City Law"])

    def test_it_counts_each_clients_people(self) -> None:
        html = self.get().text
        harbor_row = re.search(r">Harbor Dental</a>.*?</tr>", html, re.S).group(0)  # type: ignore[union-attr]
        self.assertIn('<td class="num" data-label="People">2</td>', harbor_row)
        law_row = re.search(r">City Law</a>.*?</tr>", html, re.S).group(0)  # type: ignore[union-attr]
        self.assertIn('<td class="num" data-label="People">0</td>', law_row)

    def test_it_searches_names_people_and_emails(self) -> None:
        self.assertEqual(_names(self.get("?q=bakery").text), ["Bakery Bloom"])
        self.assertEqual(_names(self.get("?q=lena").text), ["Harbor Dental"])
        self.assertEqual(_names(self.get("?q=harbor.example").text), ["Harbor Dental"])
        response = self.get("?q=harbor")
        self.assertContains(response, "1 client matches")
        self.assertNotContains(response, "Secret Harbor Co")

    def test_it_filters_by_status_and_owner(self) -> None:
        self.assertEqual(_names(self.get("?status=paused").text), ["City Law"])
        self.assertEqual(_names(self.get(f"?owner={self.bob.pk}").text), ["Bakery Bloom"])
        both = self.get(f"?status=active&owner={self.alice.pk}")
        self.assertEqual(_names(both.text), ["Harbor Dental"])

    def test_it_offers_only_workspace_members_as_owners(self) -> None:
        response = self.get()
        self.assertContains(response, f'<option value="{self.bob.pk}">Bob Baker</option>')
        self.assertNotContains(response, "Charlie Chen")

    def test_it_ignores_an_owner_from_another_workspace(self) -> None:
        response = self.get(f"?owner={self.charlie.pk}")
        self.assertEqual(len(_names(response.text)), 3)

    def test_it_sorts_by_name_both_ways_with_a_marker(self) -> None:
        response = self.get("?sort=-name")
        self.assertEqual(_names(response.text), ["Harbor Dental", "City Law", "Bakery Bloom"])
        self.assertContains(response, 'aria-sort="descending"')
        self.assertContains(response, 'href="?sort=name"')
        ascending = self.get()
        self.assertContains(ascending, 'aria-sort="ascending"', count=1)

    def test_it_sorts_by_days_since_we_last_spoke(self) -> None:
        longest = self.get("?sort=-quiet")
        self.assertEqual(_names(longest.text), ["City Law", "Harbor Dental", "Bakery Bloom"])
        self.assertContains(longest, 'aria-sort="descending"')
        recent = self.get("?sort=quiet")
        self.assertEqual(_names(recent.text), ["Bakery Bloom", "Harbor Dental", "City Law"])
        self.assertContains(recent, 'aria-sort="ascending"')

    def test_it_keeps_filters_in_sort_links(self) -> None:
        response = self.get("?q=a&status=active&page=1")
        self.assertContains(response, 'href="?q=a&amp;status=active&amp;sort=-name"')
        self.assertContains(response, 'href="?q=a&amp;status=active&amp;sort=-quiet"')

    def test_it_shows_25_clients_a_page(self) -> None:
        for i in range(27):
            services.client_create(membership=self.alice_m, name=f"Zed {i:02d}")
        first = self.get()
        self.assertEqual(len(_names(first.text)), 25)
        self.assertContains(first, "30 clients")
        self.assertContains(first, 'class="pagination"')
        second = self.get("?page=2")
        self.assertEqual(_names(second.text), ["Zed 22", "Zed 23", "Zed 24", "Zed 25", "Zed 26"])
        # A page past the end shows the last page rather than an error.
        self.assertEqual(_names(self.get("?page=99").text), _names(second.text))

    def test_it_explains_what_matched_nothing_and_offers_to_clear(self) -> None:
        response = self.get("?q=zebra&status=former")
        self.assertContains(response, "No clients match")
        self.assertContains(response, "Nothing matched “zebra” among former clients")
        self.assertContains(response, "Clear search and filters")
        self.assertNotContains(response, "Add your first client")

    def test_it_invites_adding_the_first_client_in_an_empty_workspace(self) -> None:
        Client.objects.filter(workspace=self.workspace).delete()
        response = self.get()
        self.assertContains(response, "Add your first client", count=2)
        self.assertContains(response, 'href="/clients/new/"')
        self.assertNotContains(response, 'id="client-filter"')

    def test_it_tells_a_viewer_of_an_empty_workspace_who_can_add_clients(self) -> None:
        Client.objects.filter(workspace=self.workspace).delete()
        self.login(self.victor)
        response = self.client.get("/clients/")
        self.assertContains(response, "Ask an owner to add the first client")
        self.assertNotContains(response, 'href="/clients/new/"')

    def test_it_hides_the_add_button_from_a_viewer(self) -> None:
        self.login(self.victor)
        response = self.client.get("/clients/")
        self.assertEqual(len(_names(response.text)), 3)
        self.assertNotContains(response, 'href="/clients/new/"')

    def test_it_renders_only_the_results_for_htmx(self) -> None:
        response = self.get("?q=law", **{"HX-Request": "true"})
        self.assertTrue(response.text.lstrip().startswith('<div id="client-results">'))
        self.assertNotContains(response, "<html")
        self.assertEqual(_names(response.text), ["City Law"])
        self.assertTemplateUsed(response, "clients/_client_results.html")
        self.assertTemplateNotUsed(response, "clients/client_list.html")

    def test_it_wires_the_filter_form_for_htmx_and_plain_gets(self) -> None:
        html = self.get().text
        form = re.search(r'<form id="client-filter".*?>', html, re.S).group(0)  # type: ignore[union-attr]
        self.assertIn('method="get"', form)
        self.assertIn('action="/clients/"', form)
        self.assertIn('hx-get="/clients/"', form)
        self.assertIn('hx-target="#client-results"', form)
        self.assertIn('hx-push-url="true"', form)
        self.assertIn('<input type="hidden" name="sort" value="name" form="client-filter">', html)

    def test_it_asks_the_same_number_of_queries_for_3_and_30_clients(self) -> None:
        self.login(self.alice)
        self.client.get("/clients/")  # the first request after signing in also saves the session
        with CaptureQueriesContext(connection) as small:
            self.client.get("/clients/")
        # Read the count now: every request empties the connection's query log.
        small_count = len(small.captured_queries)
        for i in range(27):
            client = services.client_create(
                membership=self.alice_m, name=f"Client {i}", owner=self.bob
            )
            services.contact_create(membership=self.alice_m, client=client, name=f"P {i}")
            interaction_log(
                membership=self.alice_m, client=client, channel="call", direction="outbound"
            )
        # The first look after the changes stores the new clients' scores for today; the
        # trust tests count that refresh on its own.
        self.client.get("/clients/")
        with self.assertNumQueries(small_count):
            response = self.client.get("/clients/")
        self.assertEqual(len(_names(response.text)), 25)
