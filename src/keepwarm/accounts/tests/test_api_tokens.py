from __future__ import annotations

from keepwarm.accounts.models import ApiToken, AuditEvent, Membership
from keepwarm.accounts.services import api_token_authenticate, api_token_create, api_token_revoke
from keepwarm.testing import BaseTestCase


class ApiTokenServiceTests(BaseTestCase):
    def test_it_creates_authenticates_and_revokes(self) -> None:
        token, raw = api_token_create(membership=self.bob_m, name="Zapier")
        self.assertTrue(raw.startswith("kw_"))
        self.assertNotIn(raw, token.token_hash)
        self.assertEqual(api_token_authenticate(raw), self.bob_m)
        token.refresh_from_db()
        self.assertIsNotNone(token.last_used_at)
        api_token_revoke(membership=self.bob_m, token=token)
        self.assertIsNone(api_token_authenticate(raw))
        self.assertEqual(
            list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)),
            ["api_token.create", "api_token.revoke"],
        )

    def test_it_stops_working_when_the_member_leaves(self) -> None:
        _, raw = api_token_create(membership=self.bob_m, name="script")
        Membership.objects.filter(pk=self.bob_m.pk).delete()
        self.assertIsNone(api_token_authenticate(raw))

    def test_it_refuses_unknown_tokens(self) -> None:
        self.assertIsNone(api_token_authenticate("kw_nothing"))
        self.assertIsNone(api_token_authenticate("nothing"))


class ApiTokenPageTests(BaseTestCase):
    def test_it_shows_a_new_token_exactly_once(self) -> None:
        self.login(self.bob)
        response = self.client.post("/settings/api-tokens/", {"name": "Backup script"})
        self.assertEqual(response.status_code, 200)
        raw = response.context["raw_token"]
        self.assertTrue(raw.startswith("kw_"))
        self.assertContains(response, raw)
        self.assertContains(response, "only time it is shown")
        token = ApiToken.objects.get()
        self.assertEqual((token.user, token.workspace), (self.bob, self.workspace))
        response = self.client.get("/settings/api-tokens/")
        self.assertNotContains(response, raw)
        self.assertContains(response, "Backup script")
        self.assertContains(response, token.prefix)

    def test_it_needs_a_name(self) -> None:
        self.login(self.bob)
        response = self.client.post("/settings/api-tokens/", {"name": " "})
        self.assertContains(response, "There is a problem", status_code=400)
        self.assertFalse(ApiToken.objects.exists())

    def test_it_lists_only_this_members_tokens_in_this_workspace(self) -> None:
        api_token_create(membership=self.bob_m, name="bobs token")
        api_token_create(membership=self.alice_m, name="alices token")
        api_token_create(membership=self.charlie_m, name="charlies token")
        self.login(self.bob)
        response = self.client.get("/settings/api-tokens/")
        self.assertContains(response, "bobs token")
        self.assertNotContains(response, "alices token")
        self.assertNotContains(response, "charlies token")

    def test_it_confirms_then_revokes(self) -> None:
        token, raw = api_token_create(membership=self.bob_m, name="Zapier")
        self.login(self.bob)
        response = self.client.get(f"/settings/api-tokens/{token.pk}/revoke/")
        self.assertContains(response, "will be refused from now on")
        response = self.client.post(f"/settings/api-tokens/{token.pk}/revoke/")
        self.assertRedirects(response, "/settings/api-tokens/")
        self.assertIsNone(api_token_authenticate(raw))
        response = self.client.get("/settings/api-tokens/")
        self.assertNotContains(response, '<th scope="row">Zapier</th>')

    def test_charlie_gets_404_for_alices_tokens(self) -> None:
        token, raw = api_token_create(membership=self.alice_m, name="Zapier")
        for user in (self.charlie, self.bob):
            self.login(user)
            url = f"/settings/api-tokens/{token.pk}/revoke/"
            self.assertEqual(self.client.get(url).status_code, 404)
            self.assertEqual(self.client.post(url).status_code, 404)
        self.assertEqual(api_token_authenticate(raw), self.alice_m)

    def test_viewers_may_manage_their_own_tokens(self) -> None:
        self.login(self.victor)
        response = self.client.post("/settings/api-tokens/", {"name": "read-only export"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(ApiToken.objects.get().user, self.victor)

    def test_it_runs_a_fixed_number_of_queries(self) -> None:
        for i in range(5):
            api_token_create(membership=self.bob_m, name=f"token {i}")
        self.login(self.bob)
        self.client.get("/settings/api-tokens/")
        with self.assertNumQueries(5):
            self.client.get("/settings/api-tokens/")
