"""The JSON API for goals."""

from __future__ import annotations

from keepwarm.clients.models import Client, Goal
from keepwarm.clients.services import client_create, goal_create
from keepwarm.lib.tests.api_case import ApiTestCase

URL = "/api/goals"


class GoalApiTests(ApiTestCase):
    client_row: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.client_row = client_create(membership=cls.alice_m, name="Harbor Dental")

    def make(self, text: str, **fields: object) -> Goal:
        return goal_create(membership=self.alice_m, client=self.client_row, text=text, **fields)

    def test_it_creates_reads_updates_and_deletes_a_goal(self) -> None:
        body = self.assert_status(
            self.post(URL, {"client_id": self.client_row.pk, "text": "More bookings"}), 201
        )
        self.assertEqual(body["priority"], 2)
        self.assertEqual(body["status"], "active")
        url = f"{URL}/{body['id']}"
        self.assertEqual(self.assert_status(self.get(url), 200)["text"], "More bookings")
        body = self.assert_status(self.patch(url, {"priority": 1, "status": "achieved"}), 200)
        self.assertEqual((body["priority"], body["status"]), (1, "achieved"))
        self.assertEqual(self.delete(url).status_code, 204)
        self.assertFalse(Goal.objects.exists())
        self.assertEqual(self.audit_actions()[-3:], ["goal.create", "goal.update", "goal.delete"])

    def test_it_answers_bad_input_with_field_errors(self) -> None:
        goal = self.make("More bookings")
        url = f"{URL}/{goal.pk}"
        self.assert_field_error(self.patch(url, {"priority": 7}), "body", "priority")
        self.assert_field_error(self.patch(url, {"priority": True}), "body", "priority")
        self.assert_field_error(self.patch(url, {"text": ""}), "body", "text")
        self.assert_field_error(self.patch(url, {"status": "won"}), "body", "status")

    def test_it_lists_goals_most_important_first(self) -> None:
        other = client_create(membership=self.alice_m, name="Zephyr Studio")
        self.make("Low", priority=3)
        self.make("High", priority=1)
        self.make("Dropped", status="dropped")
        goal_create(membership=self.alice_m, client=other, text="Elsewhere")
        body = self.assert_status(self.get(URL, {"client_id": self.client_row.pk}), 200)
        self.assertEqual([r["text"] for r in body["results"]], ["High", "Dropped", "Low"])
        body = self.assert_status(self.get(URL, {"status": "dropped"}), 200)
        self.assertEqual([r["text"] for r in body["results"]], ["Dropped"])

    def test_it_lists_in_a_fixed_number_of_queries(self) -> None:
        for n in range(3):
            self.make(f"Goal {n}")
        params = {"client_id": self.client_row.pk}
        self.assertEqual(self.assert_list_queries(URL, 5, params)["count"], 3)
        for n in range(3, 30):
            self.make(f"Goal {n}")
        self.assertEqual(len(self.assert_list_queries(URL, 5, params)["results"]), 30)

    def test_it_hides_alice_goals_from_charlie(self) -> None:
        goal = self.make("More bookings")
        url = f"{URL}/{goal.pk}"
        self.assert_hidden_from_charlie("get", url)
        self.assert_hidden_from_charlie("patch", url, {"text": "Mine"})
        self.assert_hidden_from_charlie("delete", url)
        self.assert_hidden_from_charlie("post", URL, {"client_id": self.client_row.pk, "text": "X"})
        self.assert_hidden_from_charlie("get", URL, {"client_id": self.client_row.pk})

    def test_it_refuses_every_write_by_a_viewer(self) -> None:
        goal = self.make("More bookings")
        url = f"{URL}/{goal.pk}"
        self.assert_refused_to_viewer("post", URL, {"client_id": self.client_row.pk, "text": "X"})
        self.assert_refused_to_viewer("patch", url, {"text": "X"})
        self.assert_refused_to_viewer("delete", url)
        self.assert_status(self.get(url, user=self.victor), 200)
