"""The JSON API for contacts."""

from __future__ import annotations

from keepwarm.clients.models import Client, Contact
from keepwarm.clients.services import client_create, contact_create
from keepwarm.lib.tests.api_case import ApiTestCase

URL = "/api/contacts"


class ContactApiTests(ApiTestCase):
    client_row: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.client_row = client_create(membership=cls.alice_m, name="Harbor Dental")

    def make(self, name: str, client: Client | None = None, **fields: object) -> Contact:
        return contact_create(
            membership=self.alice_m, client=client or self.client_row, name=name, **fields
        )

    def test_it_creates_a_contact(self) -> None:
        body = self.assert_status(
            self.post(
                URL,
                {
                    "client_id": self.client_row.pk,
                    "name": "Lena Ortiz",
                    "email": "lena@harbor.example",
                    "other_emails": "l.ortiz@home.example",
                    "preferred_channel": "phone",
                },
            ),
            201,
        )
        contact = Contact.objects.get(pk=body["id"])
        self.assertEqual(contact.client, self.client_row)
        self.assertEqual(contact.workspace, self.workspace)
        self.assertEqual(body["client_id"], self.client_row.pk)
        self.assertEqual(body["preferred_channel"], "phone")
        self.assertIn("contact.create", self.audit_actions())

    def test_it_reads_updates_and_deletes_a_contact(self) -> None:
        contact = self.make("Lena Ortiz", role="Practice manager")
        url = f"{URL}/{contact.pk}"
        self.assertEqual(self.assert_status(self.get(url), 200)["role"], "Practice manager")
        body = self.assert_status(self.patch(url, {"phone": "+353 1 555 0100"}), 200)
        self.assertEqual(body["phone"], "+353 1 555 0100")
        self.assertEqual(body["role"], "Practice manager")
        self.assertEqual(self.delete(url).status_code, 204)
        self.assertFalse(Contact.objects.filter(pk=contact.pk).exists())
        self.assertEqual(
            self.audit_actions()[-3:], ["contact.create", "contact.update", "contact.delete"]
        )

    def test_it_moves_a_contact_to_another_client(self) -> None:
        other = client_create(membership=self.alice_m, name="Zephyr Studio")
        contact = self.make("Lena Ortiz")
        body = self.assert_status(self.patch(f"{URL}/{contact.pk}", {"client_id": other.pk}), 200)
        self.assertEqual(body["client_id"], other.pk)

    def test_it_answers_bad_input_with_field_errors(self) -> None:
        self.assert_field_error(self.post(URL, {"name": "Lena"}), "body", "client_id")
        self.assert_field_error(
            self.post(URL, {"client_id": self.client_row.pk, "name": "Lena", "email": "nope"}),
            "body",
            "email",
        )
        self.assert_field_error(
            self.post(URL, {"client_id": str(self.client_row.pk), "name": "Lena"}),
            "body",
            "client_id",
        )
        contact = self.make("Lena Ortiz")
        self.assert_field_error(
            self.patch(f"{URL}/{contact.pk}", {"preferred_channel": "pigeon"}),
            "body",
            "preferred_channel",
        )

    def test_it_lists_contacts_of_one_client(self) -> None:
        other = client_create(membership=self.alice_m, name="Zephyr Studio")
        self.make("Zoe")
        self.make("Adam")
        self.make("Mia", client=other)
        body = self.assert_status(self.get(URL, {"client_id": self.client_row.pk}), 200)
        self.assertEqual([r["name"] for r in body["results"]], ["Adam", "Zoe"])
        self.assertEqual(self.assert_status(self.get(URL), 200)["count"], 3)

    def test_it_lists_in_a_fixed_number_of_queries(self) -> None:
        for n in range(3):
            self.make(f"Person {n}")
        params = {"client_id": self.client_row.pk}
        self.assertEqual(self.assert_list_queries(URL, 5, params)["count"], 3)
        for n in range(3, 30):
            self.make(f"Person {n}")
        self.assertEqual(len(self.assert_list_queries(URL, 5, params)["results"]), 30)

    def test_it_hides_alice_contacts_from_charlie(self) -> None:
        contact = self.make("Lena Ortiz")
        url = f"{URL}/{contact.pk}"
        self.assert_hidden_from_charlie("get", url)
        self.assert_hidden_from_charlie("patch", url, {"name": "Mine"})
        self.assert_hidden_from_charlie("delete", url)
        self.assert_hidden_from_charlie("post", URL, {"client_id": self.client_row.pk, "name": "X"})
        self.assert_hidden_from_charlie("get", URL, {"client_id": self.client_row.pk})

    def test_it_treats_foreign_related_ids_as_missing(self) -> None:
        theirs = client_create(membership=self.charlie_m, name="Charlie's client")
        contact = self.make("Lena Ortiz")
        self.assert_not_found(self.post(URL, {"client_id": theirs.pk, "name": "X"}))
        self.assert_not_found(self.patch(f"{URL}/{contact.pk}", {"client_id": theirs.pk}))
        self.assert_not_found(self.get(URL, {"client_id": theirs.pk}))
        self.assertEqual(Contact.objects.get(pk=contact.pk).client, self.client_row)

    def test_it_refuses_every_write_by_a_viewer(self) -> None:
        contact = self.make("Lena Ortiz")
        url = f"{URL}/{contact.pk}"
        self.assert_refused_to_viewer("post", URL, {"client_id": self.client_row.pk, "name": "X"})
        self.assert_refused_to_viewer("patch", url, {"name": "X"})
        self.assert_refused_to_viewer("delete", url)
        self.assert_status(self.get(url, user=self.victor), 200)
