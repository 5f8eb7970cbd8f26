from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from keepwarm.clients import services as clients
from keepwarm.clients.models import Client
from keepwarm.lib.tests.api_case import ApiTestCase
from keepwarm.trust.models import TrustSnapshot
from keepwarm.trust.services import felt_closeness_set, workspace_today
from keepwarm.trust.tests.test_views_insights import promised
from keepwarm.trust.tests.test_views_panel import called, snapshot

COMPONENT_KEYS = {"key", "label", "score", "weight", "explanation", "advice", "evidence"}


class ScoreListApiTests(ApiTestCase):
    warm: Client
    cold: Client
    fresh: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        m = cls.alice_m
        cls.warm = clients.client_create(membership=m, name="Apple Dental")
        called(m, cls.warm)  # 57.1, Warming
        cls.cold = clients.client_create(membership=m, name="Birch Law")
        called(m, cls.cold, days_ago=40)  # 4.1, Cold
        cls.fresh = clients.client_create(membership=m, name="Cedar Cafe")
        secret = clients.client_create(membership=cls.charlie_m, name="Secret Co")
        called(cls.charlie_m, secret)

    def names(self, params: dict[str, object] | None = None) -> list[str]:
        body = self.assert_status(self.get("/api/scores", params), 200)
        return [row["client_name"] for row in body["results"]]

    def test_it_lists_todays_scores_brought_up_to_date(self) -> None:
        body = self.assert_status(self.get("/api/scores"), 200)
        self.assertEqual(body["count"], 3)
        self.assertIsNone(body["next"])
        first = body["results"][0]
        self.assertEqual(
            set(first), {"client_id", "client_name", "day", "total", "band", "computed_at"}
        )
        self.assertEqual(first["client_id"], self.warm.pk)
        self.assertEqual(first["day"], workspace_today(self.workspace).isoformat())
        self.assertEqual((first["total"], first["band"]), (57.1, "warming"))
        last = body["results"][2]
        self.assertEqual(
            (last["client_name"], last["total"], last["band"]), ("Cedar Cafe", None, None)
        )
        self.assertEqual(TrustSnapshot.objects.filter(workspace=self.workspace).count(), 3)

    def test_it_filters_by_band_score_and_client(self) -> None:
        self.assertEqual(self.names({"band": "cold"}), ["Birch Law"])
        self.assertEqual(self.names({"min_score": 50}), ["Apple Dental"])
        self.assertEqual(self.names({"max_score": "10.5"}), ["Birch Law"])
        self.assertEqual(
            self.names({"min_score": 0, "max_score": 100}), ["Apple Dental", "Birch Law"]
        )
        self.assertEqual(self.names({"client_id": self.fresh.pk}), ["Cedar Cafe"])

    def test_it_refuses_bad_filters(self) -> None:
        self.assert_field_error(self.get("/api/scores", {"band": "lukewarm"}), "query", "band")
        self.assert_field_error(self.get("/api/scores", {"min_score": 101}), "query", "min_score")
        self.assert_field_error(self.get("/api/scores", {"max_score": "nan"}), "query", "max_score")
        self.assert_field_error(self.get("/api/scores", {"bands": "cold"}), "query", "bands")

    def test_it_answers_another_workspaces_client_with_a_404(self) -> None:
        self.assert_not_found(
            self.get("/api/scores", {"client_id": self.warm.pk}, user=self.charlie)
        )
        self.assert_not_found(self.get("/api/scores", {"client_id": 987654321}))
        charlies = self.assert_status(self.get("/api/scores", user=self.charlie), 200)
        self.assertEqual([r["client_name"] for r in charlies["results"]], ["Secret Co"])

    def test_it_lets_viewers_read_and_refuses_strangers(self) -> None:
        self.assertEqual(len(self.names()), 3)
        self.assert_status(self.get("/api/scores", user=self.victor), 200)
        response = self.client.get("/api/scores")
        self.assertEqual(response.status_code, 401)

    def test_it_pages_like_the_other_lists(self) -> None:
        body = self.assert_status(self.get("/api/scores", {"page_size": 2}), 200)
        self.assertEqual(len(body["results"]), 2)
        self.assertTrue(body["next"].endswith("/api/scores?page_size=2&page=2"))
        body = self.assert_status(self.get("/api/scores", {"page_size": 2, "page": 2}), 200)
        self.assertEqual([r["client_name"] for r in body["results"]], ["Cedar Cafe"])

    def test_it_asks_the_same_number_of_queries_for_3_and_30_clients(self) -> None:
        self.get("/api/scores")  # stores today's snapshots
        small = self.assert_list_queries("/api/scores", 5, {"band": "warming"})
        self.assertEqual(small["count"], 1)
        for i in range(27):
            client = clients.client_create(membership=self.alice_m, name=f"Client {i:02}")
            called(self.alice_m, client)
        self.get("/api/scores")
        body = self.assert_list_queries("/api/scores", 5, {"band": "warming"})
        self.assertEqual(body["count"], 28)


class ClientScoreApiTests(ApiTestCase):
    harbor: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        m = cls.alice_m
        cls.harbor = clients.client_create(membership=m, name="Harbor Dental")
        called(m, cls.harbor)
        promised(m, cls.harbor, "open", owner=cls.alice)  # overdue by 10 days

    def url(self, client: Client | None = None) -> str:
        return f"/api/clients/{(client or self.harbor).pk}/score"

    def test_it_explains_the_score_part_by_part(self) -> None:
        body = self.assert_status(self.get(self.url()), 200)
        self.assertEqual(body["client_id"], self.harbor.pk)
        self.assertEqual(body["client_name"], "Harbor Dental")
        self.assertEqual(body["day"], workspace_today(self.workspace).isoformat())
        self.assertIsNone(body["felt_band"])
        keys = [part["key"] for part in body["components"]]
        self.assertEqual(keys, ["promise_reliability", "contact_recency", "personal_touch"])
        for part in body["components"]:
            self.assertEqual(set(part), COMPONENT_KEYS)
        promises = body["components"][0]
        self.assertEqual(promises["label"], "Promise reliability")
        self.assertEqual(promises["score"], 50.0)
        self.assertAlmostEqual(sum(p["weight"] for p in body["components"]), 100, delta=0.2)
        self.assertIn("1 promise is overdue", promises["advice"])
        evidence = promises["evidence"]
        self.assertTrue(evidence[0]["url"].startswith("http://testserver/promises/"))
        self.assertEqual(
            evidence[-1],
            {
                "label": "All promises to Harbor Dental",
                "url": f"http://testserver/clients/{self.harbor.pk}/#promises",
            },
        )
        total = (50 * 25 + 100 * 20 + 0 * 15) / 60
        self.assertEqual(body["total"], round(total, 1))
        self.assertEqual(body["band"], "warming")

    def test_it_gives_the_stored_history_then_today(self) -> None:
        snapshot(self.harbor, 200, 10.0, "cold")  # older than 180 days
        snapshot(self.harbor, 100, 80.0, "close")
        snapshot(self.harbor, 2, None)
        body = self.assert_status(self.get(self.url()), 200)
        history = body["history"]
        today = workspace_today(self.workspace)
        self.assertEqual(len(history), 3)
        self.assertEqual(history[0]["total"], 80.0)
        self.assertEqual(history[0]["band"], "close")
        self.assertEqual((history[1]["total"], history[1]["band"]), (None, None))
        self.assertEqual(
            history[2], {"day": today.isoformat(), "total": body["total"], "band": "warming"}
        )

    def test_it_gives_the_felt_band(self) -> None:
        felt_closeness_set(membership=self.alice_m, client=self.harbor, band="close")
        body = self.assert_status(self.get(self.url()), 200)
        self.assertEqual(body["felt_band"], "close")

    def test_it_says_when_there_is_not_enough_history(self) -> None:
        fresh = clients.client_create(membership=self.alice_m, name="Fresh Start")
        body = self.assert_status(self.get(self.url(fresh)), 200)
        self.assertEqual((body["total"], body["band"], body["components"]), (None, None, []))
        self.assertEqual(len(body["history"]), 1)

    def test_it_hides_the_client_from_charlie_like_a_missing_one(self) -> None:
        self.assert_not_found(self.get(self.url(), user=self.charlie))
        self.assert_not_found(self.get("/api/clients/987654321/score"))
        self.assertEqual(self.client.get(self.url()).status_code, 401)
        self.assert_status(self.get(self.url(), user=self.victor), 200)

    def test_it_asks_a_fixed_number_of_queries(self) -> None:
        self.get(self.url())
        with CaptureQueriesContext(connection) as small:
            self.get(self.url())
        count = len(small.captured_queries)
        for day in range(1, 120):
            snapshot(self.harbor, day, 50.0, "warming")
        for days_ago in range(1, 8):
            called(self.alice_m, self.harbor, days_ago=days_ago)
            promised(self.alice_m, self.harbor, "kept", owner=self.bob, days_ago=days_ago)
        with self.assertNumQueries(count):
            body = self.assert_status(self.get(self.url()), 200)
        self.assertEqual(len(body["history"]), 120)
