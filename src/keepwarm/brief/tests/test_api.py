"""The resources and referrals API: the library, suggestions, sharing and thanks."""

from __future__ import annotations

import json
from typing import Any

from keepwarm.clients import services
from keepwarm.clients.models import Client, Contact, ResourceShare
from keepwarm.interactions.models import Interaction
from keepwarm.testing import BaseTestCase


class ResourceApiTests(BaseTestCase):
    harbor: Client
    lena: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        m = cls.alice_m
        cls.harbor = services.client_create(membership=m, name="Harbor Dental", industry="Dental")
        cls.lena = services.contact_create(
            membership=m, client=cls.harbor, name="Lena Ortiz", email="lena@harbor.example"
        )

    def setUp(self) -> None:
        self.headers = self.api_headers(self.bob)

    def send(self, method: str, url: str, body: dict[str, Any] | None = None, **kw: Any) -> Any:
        return getattr(self.client, method)(
            url,
            data=json.dumps(body or {}),
            content_type="application/json",
            headers=kw.get("headers", self.headers),
        )

    def test_it_adds_lists_changes_and_deletes_resources(self) -> None:
        made = self.send(
            "post",
            "/api/resources",
            {"title": "Reviews", "url": "https://example.com/r", "industries": ["Dental "]},
        )
        self.assertEqual(made.status_code, 201, made.content)
        body = made.json()
        self.assertEqual((body["industries"], body["topics"]), (["dental"], []))
        url = f"/api/resources/{body['id']}"
        changed = self.send("patch", url, {"topics": ["online reviews"]}).json()
        self.assertEqual(
            (changed["industries"], changed["topics"]), (["dental"], ["online reviews"])
        )
        self.assertEqual(self.send("post", "/api/resources", {"title": "Empty"}).status_code, 422)
        for n in range(3):
            services.resource_create(membership=self.alice_m, title=f"Tip {n}", note="x")
        with self.assertNumQueries(5):
            listing = self.client.get("/api/resources?tag=dental", headers=self.headers)
        self.assertEqual([r["title"] for r in listing.json()["results"]], ["Reviews"])
        with self.assertNumQueries(5):
            self.client.get("/api/resources", headers=self.headers)
        self.assertEqual(self.send("delete", url).status_code, 204)
        self.assertEqual(self.client.get(url, headers=self.headers).status_code, 404)

    def test_suggestions_drop_what_was_shared(self) -> None:
        resource = services.resource_create(
            membership=self.alice_m, title="Reviews", note="x", industries="dental"
        )
        url = f"/api/clients/{self.harbor.pk}/resource-suggestions"
        suggested = self.client.get(url, headers=self.headers).json()
        self.assertEqual(
            [(s["resource"]["id"], s["reasons"]) for s in suggested],
            [(resource.pk, ["for Dental"])],
        )
        shared = self.send(
            "post",
            f"/api/clients/{self.harbor.pk}/resources/{resource.pk}/share",
            {"message": "Thought of you.", "contact_id": self.lena.pk, "send_email": True},
        )
        self.assertEqual(shared.status_code, 201, shared.content)
        self.assertTrue(shared.json()["emailed"])
        self.assertEqual(self.client.get(url, headers=self.headers).json(), [])
        self.assertTrue(Interaction.objects.filter(client=self.harbor, is_value_add=True).exists())
        self.assertEqual(ResourceShare.objects.count(), 1)

    def test_thanks_and_asks_for_referrals(self) -> None:
        law = services.client_create(
            membership=self.alice_m, name="Law Office", referred_by_contact=self.lena
        )
        thanked = self.send("post", f"/api/clients/{law.pk}/referral/thank", {"channel": "call"})
        self.assertEqual(thanked.status_code, 200, thanked.content)
        self.assertIsNotNone(thanked.json()["referral_thanked_at"])
        self.assertTrue(self.harbor.interactions.filter(is_personal_touch=True).exists())
        nobody = self.send("post", f"/api/clients/{self.harbor.pk}/referral/thank", {})
        self.assertEqual(nobody.status_code, 422)
        asked = self.send("post", f"/api/clients/{self.harbor.pk}/referral/asked")
        self.assertIsNotNone(asked.json()["referral_asked_at"])

    def test_a_viewer_may_read_but_not_write(self) -> None:
        viewer = self.api_headers(self.victor)
        self.assertEqual(self.client.get("/api/resources", headers=viewer).status_code, 200)
        refused = self.send("post", "/api/resources", {"title": "x", "note": "y"}, headers=viewer)
        self.assertEqual(refused.status_code, 403)
