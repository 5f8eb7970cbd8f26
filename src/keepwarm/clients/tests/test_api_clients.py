"""The JSON API for clients."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from keepwarm.clients.models import Client
from keepwarm.clients.services import client_create, contact_create
from keepwarm.interactions.services import interaction_log
from keepwarm.lib.tests.api_case import ApiTestCase

URL = "/api/clients"


class ClientApiTests(ApiTestCase):
    def make(self, name: str, **fields: object) -> Client:
        return client_create(membership=self.alice_m, name=name, **fields)

    def test_it_creates_a_client(self) -> None:
        body = self.assert_status(
            self.post(
                URL,
                {
                    "name": "Harbor Dental",
                    "status": "prospect",
                    "website": "https://harbor.example",
                    "owner_id": self.bob.pk,
                    "annual_value": "12000.5",
                    "report_time": "09:30",
                    "report_time_zone": "Europe/Dublin",
                    "report_weekday": 0,
                },
            ),
            201,
        )
        client = Client.objects.get(pk=body["id"])
        self.assertEqual(client.workspace, self.workspace)
        self.assertEqual(client.owner, self.bob)
        self.assertEqual(client.report_time, dt.time(9, 30))
        self.assertEqual(body["owner_name"], "Bob Baker")
        self.assertEqual(body["annual_value"], "12000.50")
        self.assertEqual(body["report_time"], "09:30")
        self.assertIsNone(body["last_contact_at"])
        self.assertIsNone(body["days_since_contact"])
        self.assertEqual(self.audit_actions(), ["client.create"])

    def test_it_reads_a_client_with_days_since_contact(self) -> None:
        client = self.make("Harbor Dental")
        with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC), tick=False):
            interaction_log(
                membership=self.alice_m, client=client, channel="call", direction="outbound"
            )
            # Internal notes do not reset the clock.
            interaction_log(
                membership=self.alice_m, client=client, channel="call", direction="internal"
            )
        with time_machine.travel(dt.datetime(2026, 3, 12, 9, tzinfo=dt.UTC), tick=False):
            body = self.assert_status(self.get(f"{URL}/{client.pk}"), 200)
        self.assertEqual(body["id"], client.pk)
        self.assertEqual(body["days_since_contact"], 10)
        self.assertEqual(body["last_contact_at"], "2026-03-02T10:00:00Z")

    def test_it_updates_only_the_fields_sent(self) -> None:
        client = self.make("Harbor Dental", industry="Dentistry", owner=self.alice)
        body = self.assert_status(
            self.patch(f"{URL}/{client.pk}", {"status": "paused", "owner_id": None}), 200
        )
        client.refresh_from_db()
        self.assertEqual(client.status, "paused")
        self.assertIsNone(client.owner)
        self.assertEqual(client.industry, "Dentistry")
        self.assertEqual(body["status"], "paused")
        self.assertEqual(self.audit_actions(), ["client.create", "client.update"])

    def test_it_refuses_null_for_a_field_that_cannot_be_empty(self) -> None:
        client = self.make("Harbor Dental")
        self.assert_field_error(self.patch(f"{URL}/{client.pk}", {"name": None}), "body", "name")
        self.assert_field_error(self.patch(f"{URL}/{client.pk}", {"name": ""}), "body", "name")

    def test_it_deletes_a_client(self) -> None:
        client = self.make("Harbor Dental")
        response = self.delete(f"{URL}/{client.pk}")
        self.assertEqual(response.status_code, 204)
        self.assertFalse(Client.objects.filter(pk=client.pk).exists())
        self.assertEqual(self.audit_actions(), ["client.create", "client.delete"])

    def test_it_links_a_referrer(self) -> None:
        referrer = self.make("Old Friend Ltd")
        body = self.assert_status(
            self.post(URL, {"name": "New Co", "referred_by_id": referrer.pk}), 201
        )
        self.assertEqual(body["referred_by_id"], referrer.pk)
        self.assert_field_error(
            self.patch(f"{URL}/{body['id']}", {"referred_by_id": body["id"]}),
            "body",
            "referred_by_id",
        )

    def test_it_answers_bad_input_with_field_errors(self) -> None:
        response = self.post(
            URL,
            {
                "name": "x" * 201,
                "status": "gone",
                "report_time": "25:00",
                "report_time_zone": "Mars/Olympus",
                "response_target_hours": True,
                "annual_value": 0.5,
                "nickname": "extra",
            },
        )
        body = self.assert_status(response, 422)
        locs = {tuple(error["loc"]) for error in body["detail"]}
        for field in (
            "name",
            "status",
            "report_time",
            "report_time_zone",
            "response_target_hours",
            "annual_value",
            "nickname",
        ):
            self.assertIn(("body", field), locs)
        self.assertEqual(Client.objects.count(), 0)

    def test_it_reports_service_errors_in_the_same_shape(self) -> None:
        # The URL passes the schema but not the model's validator.
        response = self.post(URL, {"name": "Harbor", "website": "not a url"})
        body = self.assert_status(response, 422)
        self.assertEqual(body["detail"][0]["loc"], ["body", "website"])
        self.assertEqual(body["detail"][0]["type"], "invalid")

    def test_it_refuses_nul_characters(self) -> None:
        self.assert_field_error(self.post(URL, {"name": "Harbor\x00"}), "body", "name")

    def test_it_searches_filters_and_sorts(self) -> None:
        harbor = self.make("Harbor Dental", status="active", owner=self.bob)
        contact_create(
            membership=self.alice_m, client=harbor, name="Lena Ortiz", email="lena@h.example"
        )
        self.make("Zephyr Studio", status="paused", owner=self.alice)
        self.make("Acme", status="active")

        def names(params: dict[str, object]) -> list[str]:
            body = self.assert_status(self.get(URL, params), 200)
            return [row["name"] for row in body["results"]]

        self.assertEqual(names({}), ["Acme", "Harbor Dental", "Zephyr Studio"])
        self.assertEqual(names({"q": "lena"}), ["Harbor Dental"])
        self.assertEqual(names({"status": "paused"}), ["Zephyr Studio"])
        self.assertEqual(names({"owner_id": self.bob.pk}), ["Harbor Dental"])
        self.assertEqual(names({"sort": "-name"}), ["Zephyr Studio", "Harbor Dental", "Acme"])

    def test_it_sorts_by_silence(self) -> None:
        recent = self.make("Recent")
        older = self.make("Older")
        self.make("Never")
        interaction_log(
            membership=self.alice_m,
            client=older,
            channel="call",
            direction="inbound",
            occurred_at=timezone.now() - dt.timedelta(days=30),
        )
        interaction_log(membership=self.alice_m, client=recent, channel="call", direction="inbound")
        body = self.assert_status(self.get(URL, {"sort": "-quiet"}), 200)
        self.assertEqual([r["name"] for r in body["results"]], ["Never", "Older", "Recent"])
        self.assertEqual([r["days_since_contact"] for r in body["results"]], [None, 30, 0])

    def test_it_paginates(self) -> None:
        for n in range(5):
            self.make(f"Client {n}")
        first = self.assert_status(self.get(URL, {"page_size": 2, "status": "active"}), 200)
        self.assertEqual(first["count"], 5)
        self.assertEqual([r["name"] for r in first["results"]], ["Client 0", "Client 1"])
        self.assertIsNone(first["previous"])
        self.assertEqual(
            first["next"], "http://testserver/api/clients?page_size=2&status=active&page=2"
        )
        last = self.assert_status(self.get(first["next"].replace("page=2", "page=3")), 200)
        self.assertEqual([r["name"] for r in last["results"]], ["Client 4"])
        self.assertIsNone(last["next"])
        self.assertTrue(last["previous"].endswith("page=2"))

    def test_it_lists_in_a_fixed_number_of_queries(self) -> None:
        for n in range(3):
            self.make(f"Client {n}", owner=self.bob)
        params = {"q": "client", "owner_id": self.bob.pk, "sort": "-quiet"}
        body = self.assert_list_queries(URL, 5, params)
        self.assertEqual(body["count"], 3)
        for n in range(3, 30):
            self.make(f"Client {n}", owner=self.bob)
        body = self.assert_list_queries(URL, 5, params)
        self.assertEqual(len(body["results"]), 30)

    def test_it_hides_alice_clients_from_charlie(self) -> None:
        client = self.make("Harbor Dental")
        url = f"{URL}/{client.pk}"
        self.assert_hidden_from_charlie("get", url)
        self.assert_hidden_from_charlie("patch", url, {"name": "Mine now"})
        self.assert_hidden_from_charlie("delete", url)
        self.assert_hidden_from_charlie("post", URL, {"name": "X", "referred_by_id": client.pk})
        self.assert_hidden_from_charlie("post", URL, {"name": "X", "owner_id": self.alice.pk})
        self.assert_hidden_from_charlie("get", URL, {"owner_id": self.alice.pk})
        body = self.assert_status(self.get(URL, user=self.charlie), 200)
        self.assertEqual(body["count"], 0)
        self.assertEqual(Client.objects.get(pk=client.pk).name, "Harbor Dental")

    def test_it_treats_foreign_related_ids_as_missing(self) -> None:
        theirs = client_create(membership=self.charlie_m, name="Charlie's client")
        client = self.make("Harbor Dental")
        for data in ({"referred_by_id": theirs.pk}, {"owner_id": self.charlie.pk}):
            self.assert_not_found(self.patch(f"{URL}/{client.pk}", data))
            self.assert_not_found(self.post(URL, {"name": "New", **data}))
        self.assert_not_found(self.get(URL, {"owner_id": self.charlie.pk}))
        self.assert_not_found(self.get(f"{URL}/987654321"))

    def test_it_refuses_every_write_by_a_viewer(self) -> None:
        client = self.make("Harbor Dental")
        self.assert_refused_to_viewer("post", URL, {"name": "Nope"})
        self.assert_refused_to_viewer("patch", f"{URL}/{client.pk}", {"name": "Nope"})
        self.assert_refused_to_viewer("delete", f"{URL}/{client.pk}")
        self.assert_status(self.get(f"{URL}/{client.pk}", user=self.victor), 200)
        self.assertEqual(self.assert_status(self.get(URL, user=self.victor), 200)["count"], 1)

    def test_it_lets_a_member_write(self) -> None:
        self.assert_status(self.post(URL, {"name": "Bob's lead"}, user=self.bob), 201)
