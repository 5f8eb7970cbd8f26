from __future__ import annotations

from keepwarm.accounts.models import AuditEvent
from keepwarm.accounts.services import audit_record
from keepwarm.testing import BaseTestCase


class AuditLogTests(BaseTestCase):
    def record(self, n: int, *, actor=None, action: str = "client.update") -> None:
        for _ in range(n):
            audit_record(
                workspace=self.workspace, actor=actor or self.bob, action=action, obj=self.bob_m
            )

    def test_it_is_for_owners_only(self) -> None:
        for user in (self.bob, self.victor):
            self.login(user)
            self.assertEqual(self.client.get("/audit/").status_code, 403)

    def test_it_lists_events_newest_first_with_who_what_and_when(self) -> None:
        audit_record(
            workspace=self.workspace,
            actor=self.alice,
            action="workspace.update",
            obj=self.workspace,
            changes={"name": ["Old name", "Alice's Studio"]},
        )
        audit_record(
            workspace=self.workspace, actor=self.bob, action="client.create", obj=self.bob_m
        )
        audit_record(workspace=self.charlies_workspace, actor=self.charlie, action="secret.thing")
        self.login(self.alice)
        response = self.client.get("/audit/")
        content = response.content.decode()
        self.assertLess(content.index("client.create"), content.index("workspace.update"))
        self.assertIn("Bob Baker", content)
        self.assertIn("Old name", content)
        self.assertIn('title="', content)
        self.assertNotIn("secret.thing", content)

    def test_it_filters_by_member_and_action(self) -> None:
        self.record(2, actor=self.bob, action="client.create")
        self.record(3, actor=self.alice, action="client.update")
        self.login(self.alice)
        response = self.client.get("/audit/", {"actor": str(self.bob.pk)})
        self.assertContains(response, "2 events match")
        response = self.client.get("/audit/", {"action": "client.update"})
        self.assertContains(response, "3 events match")
        response = self.client.get(
            "/audit/", {"actor": str(self.bob.pk), "action": "client.update"}
        )
        self.assertContains(response, "No changes match this filter")

    def test_it_paginates_by_50(self) -> None:
        self.record(60)
        self.login(self.alice)
        response = self.client.get("/audit/")
        self.assertEqual(len(response.context["page"].object_list), 50)
        self.assertContains(response, "Showing 1\N{EN DASH}50 of 60")
        response = self.client.get("/audit/", {"page": 2})
        self.assertEqual(len(response.context["page"].object_list), 10)

    def test_htmx_gets_only_the_results(self) -> None:
        self.record(1)
        self.login(self.alice)
        response = self.client.get("/audit/", headers={"HX-Request": "true"})
        self.assertContains(response, 'id="audit-results"')
        self.assertNotContains(response, "<html")

    def test_it_runs_a_fixed_number_of_queries(self) -> None:
        self.record(30, actor=self.bob)
        self.record(30, actor=self.victor, action="contact.update")
        self.login(self.alice)
        self.client.get("/audit/")
        # session, user, membership, my memberships, members, actions, count, page
        with self.assertNumQueries(8):
            response = self.client.get("/audit/")
        self.assertEqual(len(response.context["page"].object_list), 50)

    def test_it_shows_an_empty_state(self) -> None:
        AuditEvent.objects.all().delete()
        self.login(self.alice)
        self.assertContains(self.client.get("/audit/"), "Nothing has been changed")
