"""The JSON API for the promise ledger."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from keepwarm.clients.models import Client, Contact
from keepwarm.clients.services import client_create, contact_create, goal_create
from keepwarm.commitments.models import Commitment
from keepwarm.commitments.services import commitment_create, commitment_mark
from keepwarm.interactions.services import interaction_log
from keepwarm.lib.tests.api_case import ApiTestCase

URL = "/api/commitments"
TODAY = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)


@time_machine.travel(TODAY, tick=False)
class CommitmentApiTests(ApiTestCase):
    client_row: Client
    lena: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.client_row = client_create(membership=cls.alice_m, name="Harbor Dental")
        cls.lena = contact_create(membership=cls.alice_m, client=cls.client_row, name="Lena")

    def make(self, due_on: dt.date = dt.date(2026, 3, 20), **fields: Any) -> Commitment:
        fields = {"what": "Send the quote", **fields}
        client = fields.pop("client", self.client_row)
        return commitment_create(membership=self.alice_m, client=client, due_on=due_on, **fields)

    def test_it_records_a_promise(self) -> None:
        goal = goal_create(membership=self.alice_m, client=self.client_row, text="More bookings")
        call = interaction_log(
            membership=self.alice_m, client=self.client_row, channel="call", direction="outbound"
        )
        body = self.assert_status(
            self.post(
                URL,
                {
                    "client_id": self.client_row.pk,
                    "what": "Send the quote",
                    "due_on": "2026-03-05",
                    "promised_to_id": self.lena.pk,
                    "goal_id": goal.pk,
                    "source_interaction_id": call.pk,
                },
            ),
            201,
        )
        promise = Commitment.objects.get(pk=body["id"])
        self.assertEqual(promise.owner, self.alice)
        self.assertEqual(promise.promised_to, self.lena)
        self.assertEqual(body["owner_id"], self.alice.pk)
        self.assertEqual(body["goal_id"], goal.pk)
        self.assertEqual(body["source_interaction_id"], call.pk)
        self.assertEqual(body["status"], "open")
        self.assertEqual(body["days_overdue"], 5)
        self.assertEqual(self.audit_actions()[-1], "commitment.create")

    def test_it_gives_a_promise_to_a_teammate(self) -> None:
        body = self.assert_status(
            self.post(
                URL,
                {
                    "client_id": self.client_row.pk,
                    "what": "Call back",
                    "due_on": "2026-04-01",
                    "owner_id": self.bob.pk,
                },
            ),
            201,
        )
        self.assertEqual(body["owner_id"], self.bob.pk)
        self.assertEqual(body["days_overdue"], 0)

    def test_it_reads_updates_and_deletes_a_promise(self) -> None:
        promise = self.make()
        url = f"{URL}/{promise.pk}"
        self.assertEqual(self.assert_status(self.get(url), 200)["what"], "Send the quote")
        body = self.assert_status(
            self.patch(url, {"due_on": "2026-03-01", "promised_to_id": self.lena.pk}), 200
        )
        self.assertEqual((body["due_on"], body["days_overdue"]), ("2026-03-01", 9))
        self.assertEqual(body["promised_to_id"], self.lena.pk)
        self.assertEqual(body["what"], "Send the quote")
        self.assertEqual(self.delete(url).status_code, 204)
        self.assertFalse(Commitment.objects.exists())
        self.assertEqual(
            self.audit_actions()[-3:],
            ["commitment.create", "commitment.update", "commitment.delete"],
        )

    def test_it_marks_and_reopens_a_promise(self) -> None:
        promise = self.make(due_on=dt.date(2026, 3, 1))
        url = f"{URL}/{promise.pk}"
        body = self.assert_status(self.post(f"{url}/mark", {"status": "late"}), 200)
        self.assertEqual((body["status"], body["days_overdue"]), ("late", 0))
        self.assertEqual(body["done_at"], "2026-03-10T12:00:00Z")
        body = self.assert_status(self.post(f"{url}/reopen"), 200)
        self.assertEqual((body["status"], body["done_at"], body["days_overdue"]), ("open", None, 9))
        body = self.assert_status(self.post(f"{url}/mark", {"status": "broken"}), 200)
        self.assertIsNone(body["done_at"])
        self.assertEqual(
            self.audit_actions()[-3:],
            ["commitment.mark_late", "commitment.reopen", "commitment.mark_broken"],
        )

    def test_it_renegotiates_a_promise(self) -> None:
        promise = self.make(promised_to=self.lena)
        response = self.post(
            f"{URL}/{promise.pk}/renegotiate",
            {"due_on": "2026-04-01", "what": "Send the revised quote"},
        )
        body = self.assert_status(response, 201)
        self.assertNotEqual(body["id"], promise.pk)
        self.assertEqual(body["renegotiated_from_id"], promise.pk)
        self.assertEqual((body["due_on"], body["status"]), ("2026-04-01", "open"))
        self.assertEqual(body["what"], "Send the revised quote")
        self.assertEqual(body["promised_to_id"], self.lena.pk)
        promise.refresh_from_db()
        self.assertEqual(promise.status, "renegotiated")
        self.assertEqual(self.audit_actions()[-1], "commitment.renegotiate")

    def test_it_answers_bad_input_with_field_errors(self) -> None:
        promise = self.make()
        url = f"{URL}/{promise.pk}"
        self.assert_field_error(self.post(f"{url}/mark", {"status": "open"}), "body", "status")
        self.assert_field_error(self.post(f"{url}/mark", {}), "body", "status")
        self.assert_field_error(
            self.post(f"{url}/renegotiate", {"due_on": "2026-03-19"}), "body", "due_on"
        )
        self.assert_field_error(self.patch(url, {"due_on": "soon"}), "body", "due_on")
        self.assert_field_error(self.patch(url, {"due_on": None}), "body", "due_on")
        self.assert_field_error(
            self.post(URL, {"client_id": self.client_row.pk, "what": "", "due_on": "2026-04-01"}),
            "body",
            "what",
        )
        other = client_create(membership=self.alice_m, name="Zephyr Studio")
        mia = contact_create(membership=self.alice_m, client=other, name="Mia")
        self.assert_field_error(
            self.patch(url, {"promised_to_id": mia.pk}), "body", "promised_to_id"
        )

    def test_it_refuses_to_mark_a_renegotiated_promise(self) -> None:
        promise = self.make()
        self.assert_status(
            self.post(f"{URL}/{promise.pk}/renegotiate", {"due_on": "2026-04-01"}), 201
        )
        body = self.assert_status(self.post(f"{URL}/{promise.pk}/mark", {"status": "kept"}), 422)
        self.assertEqual(body["detail"][0]["loc"], ["body"])
        self.assert_status(self.post(f"{URL}/{promise.pk}/reopen"), 422)

    def test_it_filters_promises(self) -> None:
        other = client_create(membership=self.alice_m, name="Zephyr Studio")
        late = self.make(due_on=dt.date(2026, 3, 1))
        soon = self.make(due_on=dt.date(2026, 3, 20))
        kept = self.make(due_on=dt.date(2026, 2, 1))
        commitment_mark(membership=self.alice_m, commitment=kept, status="kept")
        elsewhere = self.make(client=other, due_on=dt.date(2026, 3, 2))

        def ids(params: dict[str, Any]) -> list[int]:
            return [r["id"] for r in self.assert_status(self.get(URL, params), 200)["results"]]

        self.assertEqual(ids({}), [kept.pk, late.pk, elsewhere.pk, soon.pk])
        self.assertEqual(ids({"client_id": self.client_row.pk}), [kept.pk, late.pk, soon.pk])
        self.assertEqual(ids({"status": "kept"}), [kept.pk])
        self.assertEqual(ids({"overdue": "true"}), [late.pk, elsewhere.pk])
        self.assertEqual(ids({"overdue": "false"}), [kept.pk, soon.pk])
        self.assert_field_error(self.get(URL, {"overdue": "1"}), "query", "overdue")

    def test_it_lists_in_a_fixed_number_of_queries(self) -> None:
        for _ in range(3):
            self.make()
        params = {"client_id": self.client_row.pk, "overdue": "false"}
        self.assertEqual(self.assert_list_queries(URL, 5, params)["count"], 3)
        for _ in range(27):
            self.make()
        self.assertEqual(len(self.assert_list_queries(URL, 5, params)["results"]), 30)

    def test_it_hides_alice_promises_from_charlie(self) -> None:
        promise = self.make()
        url = f"{URL}/{promise.pk}"
        self.assert_hidden_from_charlie("get", url)
        self.assert_hidden_from_charlie("patch", url, {"what": "Mine"})
        self.assert_hidden_from_charlie("delete", url)
        self.assert_hidden_from_charlie("post", f"{url}/mark", {"status": "kept"})
        self.assert_hidden_from_charlie("post", f"{url}/reopen")
        self.assert_hidden_from_charlie("post", f"{url}/renegotiate", {"due_on": "2026-05-01"})
        data = {"client_id": self.client_row.pk, "what": "X", "due_on": "2026-05-01"}
        self.assert_hidden_from_charlie("post", URL, data)
        self.assert_hidden_from_charlie("get", URL, {"client_id": self.client_row.pk})
        self.assertEqual(Commitment.objects.get(pk=promise.pk).status, "open")

    def test_it_treats_foreign_related_ids_as_missing(self) -> None:
        theirs = client_create(membership=self.charlie_m, name="Charlie's client")
        foreign = {
            "promised_to_id": contact_create(
                membership=self.charlie_m, client=theirs, name="Cass"
            ).pk,
            "goal_id": goal_create(membership=self.charlie_m, client=theirs, text="Theirs").pk,
            "source_interaction_id": interaction_log(
                membership=self.charlie_m, client=theirs, channel="call", direction="inbound"
            ).pk,
            "owner_id": self.charlie.pk,
        }
        promise = self.make()
        base = {"client_id": self.client_row.pk, "what": "X", "due_on": "2026-05-01"}
        for field, pk in foreign.items():
            self.assert_not_found(self.post(URL, {**base, field: pk}))
            self.assert_not_found(self.patch(f"{URL}/{promise.pk}", {field: pk}))
        self.assert_not_found(self.post(URL, {**base, "client_id": theirs.pk}))
        self.assertEqual(Commitment.objects.filter(workspace=self.workspace).count(), 1)

    def test_it_refuses_every_write_by_a_viewer(self) -> None:
        promise = self.make()
        url = f"{URL}/{promise.pk}"
        data = {"client_id": self.client_row.pk, "what": "X", "due_on": "2026-05-01"}
        self.assert_refused_to_viewer("post", URL, data)
        self.assert_refused_to_viewer("patch", url, {"what": "X"})
        self.assert_refused_to_viewer("delete", url)
        self.assert_refused_to_viewer("post", f"{url}/mark", {"status": "kept"})
        self.assert_refused_to_viewer("post", f"{url}/reopen")
        self.assert_refused_to_viewer("post", f"{url}/renegotiate", {"due_on": "2026-05-01"})
        self.assert_status(self.get(url, user=self.victor), 200)
