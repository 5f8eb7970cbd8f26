"""GET /api/search: the same hits as the page, as JSON, for the token's workspace only."""

from __future__ import annotations

from keepwarm.clients.models import Goal
from keepwarm.search.tests.helpers import SearchTestCase
from keepwarm.search.tests.test_selectors import HOSTILE

URL = "/api/search"


class SearchApiTests(SearchTestCase):
    def test_it_answers_ranked_typed_hits(self) -> None:
        response = self.client.get(URL, {"q": "harbor"}, headers=self.api_headers(self.alice))
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["count"], 2)
        self.assertEqual(body["counts"], {"client": 1, "contact": 1})
        self.assertIsNone(body["next"])
        first = body["results"][0]
        self.assertEqual(first["kind"], "client")
        self.assertEqual(first["type"], "Client")
        self.assertEqual(first["id"], self.harbor.pk)
        self.assertEqual(first["title_html"], "<mark>Harbor</mark> Dental")
        self.assertEqual(first["url"], f"/clients/{self.harbor.pk}/")
        self.assertEqual(body["results"][1]["client_name"], "Harbor Dental")

    def test_it_escapes_snippets(self) -> None:
        body = self.client.get(URL, {"q": "arrived"}, headers=self.api_headers(self.bob)).json()
        [hit] = body["results"]
        self.assertIn("&lt;b&gt;invoice&lt;/b&gt; <mark>arrived</mark> &amp;", hit["snippet_html"])
        self.assertEqual(hit["type"], "Email")
        self.assertIsNotNone(hit["happened_at"])

    def test_it_filters_by_kind_and_pages(self) -> None:
        Goal.objects.bulk_create(
            Goal(workspace=self.workspace, client=self.harbor, text=f"Harbor goal {n}")
            for n in range(5)
        )
        headers = self.api_headers(self.victor)
        body = self.client.get(
            URL, {"q": "harbor", "kind": "goal", "page_size": "2"}, headers=headers
        ).json()
        self.assertEqual(body["count"], 5)
        self.assertEqual(body["counts"]["goal"], 5)
        self.assertEqual([h["kind"] for h in body["results"]], ["goal", "goal"])
        self.assertIn("page=2", body["next"])
        last = self.client.get(
            URL, {"q": "harbor", "kind": "goal", "page_size": "2", "page": "3"}, headers=headers
        ).json()
        self.assertEqual(len(last["results"]), 1)

    def test_it_refuses_bad_input(self) -> None:
        headers = self.api_headers(self.alice)
        self.assertEqual(self.client.get(URL, headers=headers).status_code, 422)
        self.assertEqual(self.client.get(URL, {"q": ""}, headers=headers).status_code, 422)
        self.assertEqual(self.client.get(URL, {"q": "x" * 201}, headers=headers).status_code, 422)
        self.assertEqual(
            self.client.get(URL, {"q": "x", "kind": "deal"}, headers=headers).status_code, 422
        )
        self.assertEqual(
            self.client.get(URL, {"q": "x", "sort": "new"}, headers=headers).status_code, 422
        )
        self.assertEqual(self.client.get(URL, {"q": "harbor"}).status_code, 401)

    def test_it_never_errors_on_hostile_queries(self) -> None:
        headers = self.api_headers(self.alice)
        for q in HOSTILE:
            response = self.client.get(URL, {"q": q[:200]}, headers=headers)
            self.assertIn(response.status_code, (200, 422), repr(q))
            if q.strip("\x00"):
                self.assertEqual(response.status_code, 200, repr(q))

    def test_it_shows_charlie_only_his_own(self) -> None:
        headers = self.api_headers(self.charlie)
        for q in ("harbor", "invoice", "tyrone", "ortiz", "bookings", "lunch"):
            body = self.client.get(URL, {"q": q}, headers=headers).json()
            ids = {(h["kind"], h["id"]) for h in body["results"]}
            self.assertLessEqual(ids, {("client", self.charlies_client.pk)}, q)

    def test_it_runs_a_fixed_number_of_queries(self) -> None:
        Goal.objects.bulk_create(
            Goal(workspace=self.workspace, client=self.harbor, text=f"Harbor goal {n}")
            for n in range(30)
        )
        headers = self.api_headers(self.alice)
        with self.assertNumQueries(API_QUERIES):
            body = self.client.get(URL, {"q": "harbor"}, headers=headers).json()
        self.assertEqual(len(body["results"]), 32)


# The token, its membership, its last-used mark, then the counts and one page.
API_QUERIES = 5
