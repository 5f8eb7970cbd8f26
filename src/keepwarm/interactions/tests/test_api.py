"""The JSON API for the interaction log."""

from __future__ import annotations

import datetime as dt
from typing import Any, get_args

from django.utils import timezone

from keepwarm.clients.models import Client, Contact
from keepwarm.clients.services import client_create, contact_create
from keepwarm.interactions.api import Kind
from keepwarm.interactions.models import INTERACTION_KINDS, Interaction
from keepwarm.interactions.services import interaction_log
from keepwarm.lib.tests.api_case import ApiTestCase

URL = "/api/interactions"
NOON = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)


class InteractionApiTests(ApiTestCase):
    client_row: Client
    lena: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.client_row = client_create(membership=cls.alice_m, name="Harbor Dental")
        cls.lena = contact_create(membership=cls.alice_m, client=cls.client_row, name="Lena")

    def make(self, client: Client | None = None, **fields: Any) -> Interaction:
        fields = {"channel": "email", "direction": "inbound", **fields}
        return interaction_log(membership=self.alice_m, client=client or self.client_row, **fields)

    def test_it_names_every_kind_the_model_knows(self) -> None:
        self.assertEqual(set(get_args(Kind)), set(INTERACTION_KINDS))

    def test_it_logs_an_interaction(self) -> None:
        body = self.assert_status(
            self.post(
                URL,
                {
                    "client_id": self.client_row.pk,
                    "contact_ids": [self.lena.pk],
                    "channel": "call",
                    "direction": "outbound",
                    "occurred_at": "2026-03-02T13:00:00+01:00",
                    "subject": "Quarterly check-in",
                    "kinds": ["progress", "value_add"],
                },
            ),
            201,
        )
        interaction = Interaction.objects.get(pk=body["id"])
        self.assertEqual(interaction.occurred_at, NOON)
        self.assertTrue(interaction.is_progress and interaction.is_value_add)
        self.assertFalse(interaction.is_problem)
        self.assertEqual(interaction.logged_by, self.alice)
        self.assertEqual(body["contact_ids"], [self.lena.pk])
        self.assertEqual(body["kinds"], ["progress", "value_add"])
        self.assertEqual(body["occurred_at"], "2026-03-02T12:00:00Z")
        self.assertEqual(
            self.audit_actions(), ["client.create", "contact.create", "interaction.create"]
        )

    def test_it_logs_now_when_no_time_is_given(self) -> None:
        before = timezone.now()
        body = self.assert_status(
            self.post(
                URL, {"client_id": self.client_row.pk, "channel": "email", "direction": "inbound"}
            ),
            201,
        )
        self.assertGreaterEqual(Interaction.objects.get(pk=body["id"]).occurred_at, before)
        self.assertEqual(body["contact_ids"], [])

    def test_it_reads_updates_and_deletes_an_interaction(self) -> None:
        interaction = self.make(is_problem=True, contacts=[self.lena])
        url = f"{URL}/{interaction.pk}"
        body = self.assert_status(self.get(url), 200)
        self.assertEqual((body["kinds"], body["contact_ids"]), (["problem"], [self.lena.pk]))
        body = self.assert_status(
            self.patch(url, {"kinds": ["personal_touch"], "contact_ids": [], "subject": "Hi"}), 200
        )
        self.assertEqual(body["kinds"], ["personal_touch"])
        self.assertEqual(body["contact_ids"], [])
        self.assertEqual(body["subject"], "Hi")
        self.assertEqual(self.delete(url).status_code, 204)
        self.assertFalse(Interaction.objects.exists())
        self.assertEqual(
            self.audit_actions()[-4:],
            [
                "interaction.create",
                "interaction.update",
                "interaction.update",
                "interaction.delete",
            ],
        )

    def test_it_answers_bad_input_with_field_errors(self) -> None:
        base = {"client_id": self.client_row.pk, "channel": "email", "direction": "inbound"}
        self.assert_field_error(self.post(URL, {**base, "channel": "fax"}), "body", "channel")
        self.assert_field_error(self.post(URL, {**base, "kinds": ["gossip"]}), "body", "kinds", 0)
        self.assert_field_error(self.post(URL, {**base, "needs_reply": 1}), "body", "needs_reply")
        # A time without an offset is ambiguous.
        naive = {**base, "occurred_at": "2026-03-02T12:00:00"}
        self.assert_field_error(self.post(URL, naive), "body", "occurred_at")
        # Rules only the service knows come back in the same shape.
        future = {**base, "occurred_at": (timezone.now() + dt.timedelta(days=2)).isoformat()}
        self.assert_field_error(self.post(URL, future), "body", "occurred_at")
        outbound = {**base, "direction": "outbound", "needs_reply": True}
        self.assert_field_error(self.post(URL, outbound), "body", "needs_reply")
        other = client_create(membership=self.alice_m, name="Zephyr Studio")
        mia = contact_create(membership=self.alice_m, client=other, name="Mia")
        self.assert_field_error(
            self.post(URL, {**base, "contact_ids": [mia.pk]}), "body", "contact_ids"
        )
        self.assertFalse(Interaction.objects.exists())

    def test_it_marks_a_message_replied(self) -> None:
        message = self.make(needs_reply=True, occurred_at=NOON)
        reply = self.make(direction="outbound", occurred_at=NOON + dt.timedelta(hours=2))
        body = self.assert_status(
            self.post(f"{URL}/{message.pk}/mark-replied", {"reply_id": reply.pk}), 200
        )
        self.assertFalse(body["needs_reply"])
        self.assertEqual(body["replied_by_id"], reply.pk)
        self.assertEqual(body["first_response_seconds"], 7200)
        self.assertEqual(self.audit_actions()[-1], "interaction.mark_replied")

    def test_it_marks_a_message_replied_without_a_body(self) -> None:
        message = self.make(needs_reply=True)
        response = self.client.post(
            f"{URL}/{message.pk}/mark-replied",
            headers=self.auth(self.alice),
            content_type="application/json",
        )
        self.assertIsNone(self.assert_status(response, 200)["replied_by_id"])
        message.refresh_from_db()
        self.assertFalse(message.needs_reply)

    def test_it_refuses_to_mark_our_own_message_replied(self) -> None:
        ours = self.make(direction="outbound")
        body = self.assert_status(self.post(f"{URL}/{ours.pk}/mark-replied", {}), 422)
        self.assertEqual(body["detail"][0]["loc"], ["body"])

    def test_it_filters_the_log(self) -> None:
        other = client_create(membership=self.alice_m, name="Zephyr Studio")
        early = self.make(occurred_at=NOON - dt.timedelta(days=10), channel="call")
        middle = self.make(occurred_at=NOON, direction="outbound")
        late = self.make(client=other, occurred_at=NOON + dt.timedelta(days=1))

        def ids(params: dict[str, Any]) -> list[int]:
            return [r["id"] for r in self.assert_status(self.get(URL, params), 200)["results"]]

        self.assertEqual(ids({}), [late.pk, middle.pk, early.pk])
        self.assertEqual(ids({"client_id": self.client_row.pk}), [middle.pk, early.pk])
        self.assertEqual(ids({"direction": "outbound"}), [middle.pk])
        self.assertEqual(ids({"channel": "call"}), [early.pk])
        self.assertEqual(ids({"since": "2026-03-02T12:00:00Z"}), [late.pk, middle.pk])
        self.assertEqual(ids({"until": "2026-03-02T12:00:00Z"}), [early.pk])
        self.assert_field_error(self.get(URL, {"since": "yesterday"}), "query", "since")
        self.assert_field_error(self.get(URL, {"client": self.client_row.pk}), "query", "client")

    def test_it_lists_in_a_fixed_number_of_queries(self) -> None:
        for _ in range(3):
            self.make(contacts=[self.lena])
        params = {"client_id": self.client_row.pk}
        self.assertEqual(self.assert_list_queries(URL, 6, params)["count"], 3)
        for _ in range(27):
            self.make(contacts=[self.lena])
        body = self.assert_list_queries(URL, 6, params)
        self.assertEqual(len(body["results"]), 30)
        self.assertEqual(body["results"][0]["contact_ids"], [self.lena.pk])

    def test_it_hides_alice_interactions_from_charlie(self) -> None:
        interaction = self.make(needs_reply=True)
        url = f"{URL}/{interaction.pk}"
        self.assert_hidden_from_charlie("get", url)
        self.assert_hidden_from_charlie("patch", url, {"subject": "Mine"})
        self.assert_hidden_from_charlie("delete", url)
        self.assert_hidden_from_charlie("post", f"{url}/mark-replied", {})
        data = {"client_id": self.client_row.pk, "channel": "call", "direction": "outbound"}
        self.assert_hidden_from_charlie("post", URL, data)
        self.assert_hidden_from_charlie("get", URL, {"client_id": self.client_row.pk})

    def test_it_treats_foreign_related_ids_as_missing(self) -> None:
        theirs = client_create(membership=self.charlie_m, name="Charlie's client")
        their_person = contact_create(membership=self.charlie_m, client=theirs, name="Cass")
        their_reply = interaction_log(
            membership=self.charlie_m, client=theirs, channel="email", direction="outbound"
        )
        message = self.make(needs_reply=True)
        base = {"client_id": self.client_row.pk, "channel": "call", "direction": "outbound"}
        self.assert_not_found(self.post(URL, {**base, "client_id": theirs.pk}))
        self.assert_not_found(self.post(URL, {**base, "contact_ids": [their_person.pk]}))
        self.assert_not_found(self.patch(f"{URL}/{message.pk}", {"contact_ids": [their_person.pk]}))
        self.assert_not_found(
            self.post(f"{URL}/{message.pk}/mark-replied", {"reply_id": their_reply.pk})
        )
        self.assertTrue(Interaction.objects.get(pk=message.pk).needs_reply)

    def test_it_refuses_every_write_by_a_viewer(self) -> None:
        interaction = self.make(needs_reply=True)
        url = f"{URL}/{interaction.pk}"
        data = {"client_id": self.client_row.pk, "channel": "call", "direction": "outbound"}
        self.assert_refused_to_viewer("post", URL, data)
        self.assert_refused_to_viewer("patch", url, {"subject": "X"})
        self.assert_refused_to_viewer("delete", url)
        self.assert_refused_to_viewer("post", f"{url}/mark-replied", {})
        self.assert_status(self.get(url, user=self.victor), 200)
