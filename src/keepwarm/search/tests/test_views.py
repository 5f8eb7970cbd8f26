"""The search page: results, kinds, pages, empty states, htmx, and nothing of charlie's."""

from __future__ import annotations

from django.urls import reverse

from keepwarm.clients.models import Goal
from keepwarm.search.tests.helpers import SearchTestCase
from keepwarm.search.tests.test_selectors import HOSTILE

URL = reverse("search")


class SearchPageTests(SearchTestCase):
    def test_it_lists_typed_hits_linking_to_their_pages(self) -> None:
        self.login(self.alice)
        response = self.client.get(URL, {"q": "harbor"})
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        self.assertIn("2 results for “harbor”", content)
        self.assertIn(f'href="{reverse("client_detail", args=[self.harbor.pk])}"', content)
        self.assertIn(f'href="{reverse("contact_detail", args=[self.lena.pk])}"', content)
        self.assertIn("<mark>Harbor</mark> Dental", content)
        self.assertIn('<span class="badge">Person</span>', content)
        self.assertNotIn("Plumbing", content)

    def test_it_links_each_kind_to_where_it_is_shown(self) -> None:
        self.login(self.alice)
        content = self.client.get(URL, {"q": "tyrone"}).content.decode()
        self.assertIn(
            reverse("contact_detail", args=[self.lena.pk]) + f"#fact-{self.fact.pk}", content
        )
        self.assertIn("Personal fact · Family", content)
        content = self.client.get(URL, {"q": "bookings"}).content.decode()
        self.assertIn(
            reverse("client_detail", args=[self.harbor.pk]) + f"#goal-{self.goal.pk}", content
        )
        content = self.client.get(URL, {"q": "invoice"}).content.decode()
        self.assertIn('<span class="badge">Email</span>', content)
        # The link opens the timeline at the page that starts with this email.
        href = content.split(reverse("interaction_list", args=[self.harbor.pk]))[1].split('"')[0]
        self.assertIn(f"#interaction-{self.email.pk}", href)
        timeline = self.client.get(
            reverse("interaction_list", args=[self.harbor.pk]) + href.split("#")[0]
        )
        self.assertContains(timeline, f'id="interaction-{self.email.pk}"')

    def test_it_escapes_what_it_shows(self) -> None:
        self.login(self.alice)
        content = self.client.get(URL, {"q": "arrived"}).content.decode()
        self.assertIn("the &lt;b&gt;invoice&lt;/b&gt; <mark>arrived</mark> &amp; looks", content)
        self.assertNotIn("<b>invoice</b>", content)

    def test_it_filters_by_kind_and_counts_each(self) -> None:
        self.login(self.alice)
        response = self.client.get(URL, {"q": "harbor", "kind": "contact"})
        content = response.content.decode()
        self.assertIn("1 result for “harbor”", content)
        self.assertIn("Lena Ortiz", content)
        self.assertNotIn(f'href="{reverse("client_detail", args=[self.harbor.pk])}"', content)
        self.assertIn('All <span class="badge">2</span>', content)

    def test_it_pages_through_many_hits(self) -> None:
        Goal.objects.bulk_create(
            Goal(workspace=self.workspace, client=self.harbor, text=f"Referral target {n}")
            for n in range(25)
        )
        self.login(self.alice)
        first = self.client.get(URL, {"q": "referral"}).content.decode()
        self.assertIn("25 results for “referral”, page 1 of 2", first)
        second = self.client.get(URL, {"q": "referral", "page": "2"}).content.decode()
        self.assertIn("page 2 of 2", second)
        self.assertEqual(second.count('class="search-hit"'), 5)

    def test_it_says_what_to_try_when_nothing_matches(self) -> None:
        self.login(self.alice)
        self.assertContains(self.client.get(URL), "Search your whole workspace")
        self.assertContains(self.client.get(URL, {"q": "zebra"}), "Nothing matched “zebra”")
        self.assertContains(self.client.get(URL, {"q": "***"}), "Type a word to search for")

    def test_it_never_errors_on_hostile_queries(self) -> None:
        self.login(self.alice)
        for q in HOSTILE:
            response = self.client.get(URL, {"q": q})
            self.assertEqual(response.status_code, 200, repr(q))
            response = self.client.get(URL, {"q": q, "kind": "<script>", "page": "x"})
            self.assertEqual(response.status_code, 200, repr(q))

    def test_it_swaps_only_the_results_for_its_own_box(self) -> None:
        self.login(self.alice)
        headers = {"HX-Request": "true", "HX-Target": "search-results"}
        response = self.client.get(URL, {"q": "harbor"}, headers=headers)
        content = response.content.decode()
        self.assertTrue(content.startswith('<div id="search-results"'))
        self.assertNotIn("<html", content)
        # The top bar's box asks for the whole page and picks #main out of it.
        response = self.client.get(
            URL, {"q": "harbor"}, headers={"HX-Request": "true", "HX-Target": "main"}
        )
        self.assertContains(response, '<main id="main"')

    def test_it_points_the_top_bar_box_here(self) -> None:
        self.login(self.alice)
        response = self.client.get(reverse("client_list"))
        self.assertContains(response, f'<form class="nav-search" action="{URL}"')

    def test_it_shows_charlie_only_his_own(self) -> None:
        self.login(self.charlie)
        for q in ("harbor", "invoice", "tyrone", "ortiz", "bookings", "lunch"):
            content = self.client.get(URL, {"q": q}).content.decode()
            self.assertNotIn(reverse("client_detail", args=[self.harbor.pk]), content, q)
            self.assertNotIn("Ortiz", content, q)
            self.assertNotIn("Tyrone", content, q)
            self.assertNotIn("March", content, q)
        self.assertContains(self.client.get(URL, {"q": "harbor"}), "<mark>Harbor</mark> Plumbing")

    def test_it_lets_a_viewer_search(self) -> None:
        self.login(self.victor)
        self.assertContains(self.client.get(URL, {"q": "ortiz"}), "Lena <mark>Ortiz</mark>")

    def test_it_refuses_a_post(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.post(URL, {"q": "harbor"}).status_code, 405)

    def test_it_runs_a_fixed_number_of_queries(self) -> None:
        Goal.objects.bulk_create(
            Goal(workspace=self.workspace, client=self.harbor, text=f"Harbor goal {n}")
            for n in range(30)
        )
        self.login(self.alice)
        self.client.get(URL, {"q": "harbor"})
        with self.assertNumQueries(PAGE_QUERIES):
            response = self.client.get(URL, {"q": "harbor"})
        self.assertEqual(response.content.decode().count('class="search-hit"'), 20)
        with self.assertNumQueries(PAGE_QUERIES - 1):
            self.client.get(URL, {"q": "zebra"})


# Session, user, membership and the member's workspaces, then the counts and one page.
PAGE_QUERIES = 6
