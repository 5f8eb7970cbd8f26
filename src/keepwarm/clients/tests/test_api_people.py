"""The JSON API for what we remember about people: personal facts and important dates."""

from __future__ import annotations

import datetime as dt

import time_machine

from keepwarm.clients.models import Client, Contact, ImportantDate, PersonalFact
from keepwarm.clients.services import client_create, contact_create, date_create, fact_create
from keepwarm.lib.tests.api_case import ApiTestCase

FACTS = "/api/personal-facts"
DATES = "/api/important-dates"


class PeopleApiTestCase(ApiTestCase):
    client_row: Client
    lena: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.client_row = client_create(membership=cls.alice_m, name="Harbor Dental")
        cls.lena = contact_create(membership=cls.alice_m, client=cls.client_row, name="Lena")

    def person(self, name: str) -> Contact:
        other = client_create(membership=self.alice_m, name=f"{name}'s company")
        return contact_create(membership=self.alice_m, client=other, name=name)


class FactApiTests(PeopleApiTestCase):
    def make(self, text: str, contact: Contact | None = None) -> PersonalFact:
        return fact_create(
            membership=self.alice_m, contact=contact or self.lena, category="family", text=text
        )

    def test_it_creates_reads_updates_and_deletes_a_fact(self) -> None:
        body = self.assert_status(
            self.post(
                FACTS,
                {
                    "contact_id": self.lena.pk,
                    "category": "family",
                    "text": "Son Tyrone plays in the county final",
                    "date": "2026-07-19",
                },
            ),
            201,
        )
        self.assertEqual(body["client_id"], self.client_row.pk)
        self.assertEqual(body["date"], "2026-07-19")
        self.assertIsNone(body["follow_up_on"])
        url = f"{FACTS}/{body['id']}"
        self.assertEqual(self.assert_status(self.get(url), 200)["category"], "family")
        body = self.assert_status(self.patch(url, {"follow_up_on": "2026-07-20"}), 200)
        self.assertEqual(body["follow_up_on"], "2026-07-20")
        self.assertEqual(body["date"], "2026-07-19")
        self.assertEqual(self.assert_status(self.patch(url, {"date": None}), 200)["date"], None)
        self.assertEqual(self.delete(url).status_code, 204)
        self.assertFalse(PersonalFact.objects.exists())
        self.assertEqual(
            self.audit_actions()[-4:],
            [
                "personal_fact.create",
                "personal_fact.update",
                "personal_fact.update",
                "personal_fact.delete",
            ],
        )

    def test_it_answers_bad_input_with_field_errors(self) -> None:
        data = {"contact_id": self.lena.pk, "category": "gossip", "text": "", "date": 20260719}
        response = self.post(FACTS, data)
        for field in ("category", "text", "date"):
            self.assert_field_error(response, "body", field)

    def test_it_lists_facts_about_a_person_or_a_client(self) -> None:
        self.make("Two kids")
        mia = self.person("Mia")
        self.make("Runs marathons", contact=mia)
        by_contact = self.assert_status(self.get(FACTS, {"contact_id": mia.pk}), 200)
        self.assertEqual([r["text"] for r in by_contact["results"]], ["Runs marathons"])
        by_client = self.assert_status(self.get(FACTS, {"client_id": self.client_row.pk}), 200)
        self.assertEqual([r["text"] for r in by_client["results"]], ["Two kids"])
        self.assertEqual(self.assert_status(self.get(FACTS), 200)["count"], 2)

    def test_it_lists_in_a_fixed_number_of_queries(self) -> None:
        for n in range(3):
            self.make(f"Fact {n}", contact=self.person(f"P{n}"))
        self.assertEqual(self.assert_list_queries(FACTS, 4)["count"], 3)
        for n in range(3, 30):
            self.make(f"Fact {n}", contact=self.person(f"P{n}"))
        self.assertEqual(len(self.assert_list_queries(FACTS, 4, {"page_size": 50})["results"]), 30)

    def test_it_hides_alice_facts_from_charlie(self) -> None:
        fact = self.make("Two kids")
        url = f"{FACTS}/{fact.pk}"
        self.assert_hidden_from_charlie("get", url)
        self.assert_hidden_from_charlie("patch", url, {"text": "Mine"})
        self.assert_hidden_from_charlie("delete", url)
        data = {"contact_id": self.lena.pk, "category": "family", "text": "X"}
        self.assert_hidden_from_charlie("post", FACTS, data)
        self.assert_hidden_from_charlie("get", FACTS, {"contact_id": self.lena.pk})
        self.assert_hidden_from_charlie("get", FACTS, {"client_id": self.client_row.pk})

    def test_it_refuses_every_write_by_a_viewer(self) -> None:
        fact = self.make("Two kids")
        url = f"{FACTS}/{fact.pk}"
        data = {"contact_id": self.lena.pk, "category": "family", "text": "X"}
        self.assert_refused_to_viewer("post", FACTS, data)
        self.assert_refused_to_viewer("patch", url, {"text": "X"})
        self.assert_refused_to_viewer("delete", url)
        self.assert_status(self.get(url, user=self.victor), 200)


class DateApiTests(PeopleApiTestCase):
    def make(self, day: dt.date, contact: Contact | None = None, **f: object) -> ImportantDate:
        return date_create(
            membership=self.alice_m, contact=contact or self.lena, kind="birthday", date=day, **f
        )

    def test_it_creates_reads_updates_and_deletes_a_date(self) -> None:
        with time_machine.travel(dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC), tick=False):
            body = self.assert_status(
                self.post(
                    DATES, {"contact_id": self.lena.pk, "kind": "birthday", "date": "1985-03-04"}
                ),
                201,
            )
            self.assertTrue(body["yearly"])
            self.assertEqual(body["next_occurrence"], "2027-03-04")
            self.assertEqual(body["client_id"], self.client_row.pk)
            url = f"{DATES}/{body['id']}"
            self.assertEqual(self.assert_status(self.get(url), 200)["date"], "1985-03-04")
            body = self.assert_status(self.patch(url, {"yearly": False, "label": "Born"}), 200)
            self.assertIsNone(body["next_occurrence"])
            self.assertEqual(body["label"], "Born")
        self.assertEqual(self.delete(url).status_code, 204)
        self.assertFalse(ImportantDate.objects.exists())
        self.assertEqual(
            self.audit_actions()[-3:],
            ["important_date.create", "important_date.update", "important_date.delete"],
        )

    def test_it_takes_only_true_or_false_for_yearly(self) -> None:
        day = self.make(dt.date(1985, 3, 4))
        for value in (0, 1, "true", None):
            self.assert_field_error(
                self.patch(f"{DATES}/{day.pk}", {"yearly": value}), "body", "yearly"
            )

    def test_it_lists_dates_of_a_person_or_a_client(self) -> None:
        self.make(dt.date(1985, 3, 4))
        mia = self.person("Mia")
        self.make(dt.date(1990, 1, 1), contact=mia)
        by_contact = self.assert_status(self.get(DATES, {"contact_id": mia.pk}), 200)
        self.assertEqual([r["date"] for r in by_contact["results"]], ["1990-01-01"])
        by_client = self.assert_status(self.get(DATES, {"client_id": self.client_row.pk}), 200)
        self.assertEqual([r["date"] for r in by_client["results"]], ["1985-03-04"])

    def test_it_lists_in_a_fixed_number_of_queries(self) -> None:
        for n in range(3):
            self.make(dt.date(1980 + n, 1, 1), contact=self.person(f"P{n}"))
        self.assertEqual(self.assert_list_queries(DATES, 4)["count"], 3)
        for n in range(3, 30):
            self.make(dt.date(1980 + n, 1, 1), contact=self.person(f"P{n}"))
        self.assertEqual(len(self.assert_list_queries(DATES, 4)["results"]), 30)

    def test_it_hides_alice_dates_from_charlie(self) -> None:
        day = self.make(dt.date(1985, 3, 4))
        url = f"{DATES}/{day.pk}"
        self.assert_hidden_from_charlie("get", url)
        self.assert_hidden_from_charlie("patch", url, {"label": "Mine"})
        self.assert_hidden_from_charlie("delete", url)
        data = {"contact_id": self.lena.pk, "kind": "birthday", "date": "1985-03-04"}
        self.assert_hidden_from_charlie("post", DATES, data)
        self.assert_hidden_from_charlie("get", DATES, {"contact_id": self.lena.pk})

    def test_it_refuses_every_write_by_a_viewer(self) -> None:
        day = self.make(dt.date(1985, 3, 4))
        url = f"{DATES}/{day.pk}"
        data = {"contact_id": self.lena.pk, "kind": "birthday", "date": "1985-03-04"}
        self.assert_refused_to_viewer("post", DATES, data)
        self.assert_refused_to_viewer("patch", url, {"label": "X"})
        self.assert_refused_to_viewer("delete", url)
        self.assert_status(self.get(url, user=self.victor), 200)
