"""Goals on the client page, added, changed and deleted in place."""

from __future__ import annotations

import json

from keepwarm.accounts.models import AuditEvent
from keepwarm.clients import services
from keepwarm.clients.models import Client, Goal
from keepwarm.commitments.services import commitment_create
from keepwarm.testing import BaseTestCase

HTMX = {"HX-Request": "true"}


class GoalViewTests(BaseTestCase):
    harbor: Client
    goal: Goal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.harbor = services.client_create(membership=cls.alice_m, name="Harbor Dental")
        cls.goal = services.goal_create(
            membership=cls.alice_m, client=cls.harbor, text="More bookings", priority=2
        )

    def setUp(self) -> None:
        self.login(self.bob)

    def data(self, prefix: str = "goal", **changes: str) -> dict[str, str]:
        values = {"text": "A calmer front desk", "priority": "1", "status": "active"}
        values.update(changes)
        return {f"{prefix}-{k}": v for k, v in values.items()}

    def test_it_adds_a_goal_in_place_with_a_toast(self) -> None:
        response = self.client.post(
            f"/clients/{self.harbor.pk}/goals/new/", self.data(), headers=HTMX
        )
        self.assertEqual(json.loads(response["HX-Trigger"]), {"toast": "Saved"})
        self.assertEqual(response["HX-Retarget"], "#goals")
        self.assertTrue(response.text.startswith('<section id="goals"'))
        # Goals read highest priority first.
        self.assertLess(
            response.text.index("A calmer front desk"), response.text.index("More bookings")
        )
        goal = Goal.objects.get(text="A calmer front desk")
        self.assertEqual(goal.priority, 1)
        event = AuditEvent.objects.filter(action="goal.create").latest("pk")
        self.assertEqual(event.actor, self.bob)

    def test_it_adds_a_goal_with_a_plain_post(self) -> None:
        response = self.client.post(
            f"/clients/{self.harbor.pk}/goals/new/", self.data(), follow=True
        )
        self.assertRedirects(response, f"/clients/{self.harbor.pk}/#goals")
        self.assertContains(response, "A calmer front desk")

    def test_it_keeps_the_typed_goal_when_it_is_refused(self) -> None:
        data = self.data(priority="9")
        response = self.client.post(f"/clients/{self.harbor.pk}/goals/new/", data, headers=HTMX)
        self.assertContains(response, "Select a valid choice.")
        self.assertContains(response, 'value="A calmer front desk"')
        self.assertContains(response, "<details open>")
        self.assertNotIn("HX-Trigger", response)
        self.assertFalse(Goal.objects.filter(text="A calmer front desk").exists())

    def test_it_shows_a_full_page_form_without_htmx(self) -> None:
        response = self.client.get(f"/clients/{self.harbor.pk}/goals/new/")
        self.assertContains(response, "<title>Add a goal for Harbor Dental · Keepwarm")

    def test_it_edits_a_goal_in_place(self) -> None:
        url = f"/goals/{self.goal.pk}/edit/"
        form = self.client.get(url, headers=HTMX)
        self.assertTrue(form.text.startswith(f'<div id="goal-{self.goal.pk}" role="listitem">'))
        self.assertContains(form, 'value="More bookings"')
        data = self.data(f"goal-{self.goal.pk}", text="More bookings", status="achieved")
        response = self.client.post(url, data, headers=HTMX)
        self.assertEqual(json.loads(response["HX-Trigger"]), {"toast": "Saved"})
        self.assertContains(response, "Achieved")
        self.goal.refresh_from_db()
        self.assertEqual(self.goal.status, "achieved")

    def test_it_keeps_an_edit_in_its_row_when_it_is_refused(self) -> None:
        data = self.data(f"goal-{self.goal.pk}", text="  ")
        response = self.client.post(f"/goals/{self.goal.pk}/edit/", data, headers=HTMX)
        self.assertTrue(response.text.startswith(f'<div id="goal-{self.goal.pk}" role="listitem">'))
        self.assertContains(response, "This field is required.")

    def test_it_says_what_deleting_a_goal_changes_then_deletes_it(self) -> None:
        commitment_create(
            membership=self.alice_m,
            client=self.harbor,
            what="Set up online booking",
            due_on="2030-01-01",
            goal=self.goal,
        )
        url = f"/goals/{self.goal.pk}/delete/"
        confirm = self.client.get(url)
        self.assertContains(confirm, "Delete this goal of Harbor Dental?")
        self.assertContains(confirm, "1 promise linked to it will stay")
        response = self.client.post(url, headers=HTMX)
        self.assertEqual(json.loads(response["HX-Trigger"]), {"toast": "Deleted"})
        self.assertContains(response, "No goals yet.")
        self.assertFalse(Goal.objects.filter(pk=self.goal.pk).exists())

    def test_it_refuses_a_viewer(self) -> None:
        self.login(self.victor)
        for url in (
            f"/clients/{self.harbor.pk}/goals/new/",
            f"/goals/{self.goal.pk}/edit/",
            f"/goals/{self.goal.pk}/delete/",
        ):
            self.assertEqual(self.client.post(url, self.data(), headers=HTMX).status_code, 403)
        self.assertTrue(Goal.objects.filter(pk=self.goal.pk, text="More bookings").exists())
